"""Event types: what can be booked, under which rules, at what price, asking which questions."""

from datetime import datetime
from typing import Any

from sqlmodel import JSON, Column, Field, SQLModel, UniqueConstraint

from booking.columns import UTCDateTime, utcnow


class EventType(SQLModel, table=True):
    """One bookable offering of a host, or of a team when ``team_id`` is set.

    ``period`` (``{"kind": "rolling", "days": 30, "business_days": false}`` or ``{"kind": "fixed",
    "first": …, "last": …}``), ``limits`` and ``questions`` are JSON validated by the API schemas.
    ``price`` is in the currency's minor unit (cents, paise); 0 = free.
    """

    __tablename__ = "event_types"
    __table_args__ = (UniqueConstraint("host_id", "slug"),)

    id: int | None = Field(default=None, primary_key=True)
    host_id: int = Field(foreign_key="hosts.id", index=True, ondelete="CASCADE")
    team_id: int | None = Field(default=None, foreign_key="teams.id", index=True)
    schedule_id: int | None = Field(default=None, foreign_key="schedules.id", ondelete="SET NULL")
    slug: str = Field(max_length=64)
    title: str = Field(max_length=200)
    description: str = Field(default="", max_length=5000)
    duration: int
    interval: int | None = None
    buffer_before: int = 0
    buffer_after: int = 0
    min_notice: int = 0
    period: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    limits: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    price: int = 0
    currency: str = Field(default="USD", max_length=3)
    payment_provider: str | None = Field(default=None, max_length=16)
    hold_minutes: int = 15
    requires_confirmation: bool = False
    pending_blocks: bool = True
    location_kind: str = Field(default="jitsi", max_length=16)
    location_value: str | None = Field(default=None, max_length=500)
    questions: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
