"""When hosts work (schedules) and when they are busy elsewhere (external busy blocks)."""

from datetime import datetime
from typing import Any

from sqlmodel import JSON, Column, Field, Index, SQLModel

from booking.columns import UTCDateTime, utcnow


class Schedule(SQLModel, table=True):
    """Weekly hours and date overrides in one zone.

    ``weekly`` is ``[{"weekday": 1, "start": "09:00", "end": "17:00"}, …]`` and ``overrides`` is
    ``[{"date": "2026-01-05", "ranges": [{"start": …, "end": …}]}, …]``: a schedule is read and replaced
    whole, so JSON keeps it one row; the API schemas validate its shape.
    """

    __tablename__ = "schedules"

    id: int | None = Field(default=None, primary_key=True)
    host_id: int = Field(foreign_key="hosts.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=100)
    time_zone: str = Field(max_length=64)
    weekly: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    overrides: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    is_default: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class BusyBlock(SQLModel, table=True):
    """Time a host is busy outside chatcal (an external calendar event or a manual block)."""

    __tablename__ = "busy_blocks"
    __table_args__ = (Index("ix_busy_blocks_host_start", "host_id", "start"),)

    id: int | None = Field(default=None, primary_key=True)
    host_id: int = Field(foreign_key="hosts.id", ondelete="CASCADE")
    start: datetime = Field(sa_type=UTCDateTime)
    end: datetime = Field(sa_type=UTCDateTime)
    title: str = Field(default="", max_length=200)
    source: str = Field(default="manual", max_length=32)
    external_id: str | None = Field(default=None, max_length=255)
