"""Bookings, the per-host rows the database uses to forbid overlaps, and idempotency keys."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Enum, text
from sqlmodel import JSON, Column, Field, Index, SQLModel

from booking.columns import UTCDateTime, utcnow


class BookingStatus(StrEnum):
    """Lifecycle: held (awaiting payment) / pending (awaiting the host) → accepted; or ended."""

    HELD = "held"
    PENDING = "pending"
    ACCEPTED = "accepted"
    CANCELLED = "cancelled"
    REJECTED = "rejected"
    EXPIRED = "expired"


OPEN_STATUSES = frozenset({BookingStatus.HELD, BookingStatus.PENDING, BookingStatus.ACCEPTED})
TITLE_LENGTH, REASON_LENGTH = 300, 1000
"""Column sizes of text the service composes (``"{event} with {name}"``, ``"rescheduled: {reason}"``)."""


class Booking(SQLModel, table=True):
    """One booked call. ``uid`` is public; ids stay internal.

    A reschedule ends this booking and links it to its successor (``rescheduled_to_id``), so old manage
    links resolve to the current booking and the history is kept; the chain shares one ``ical_uid`` so
    calendars update the event instead of adding a second one (``sequence`` counts the changes).
    """

    __tablename__ = "bookings"
    __table_args__ = (
        Index("ix_bookings_event_type_start", "event_type_id", "start"),
        Index(
            "ix_bookings_held_expiry",
            "hold_expires_at",
            postgresql_where=text("status = 'held'"),
            sqlite_where=text("status = 'held'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(unique=True, max_length=32)
    ical_uid: str = Field(max_length=64)
    event_type_id: int = Field(foreign_key="event_types.id")  # indexed by ix_bookings_event_type_start
    status: BookingStatus = Field(
        sa_type=Enum(
            BookingStatus, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]
        )
    )
    start: datetime = Field(sa_type=UTCDateTime)
    end: datetime = Field(sa_type=UTCDateTime)
    title: str = Field(max_length=TITLE_LENGTH)
    attendee_name: str = Field(max_length=200)
    attendee_email: str | None = Field(default=None, max_length=320)
    attendee_time_zone: str = Field(max_length=64)
    attendee_locale: str = Field(default="en", max_length=16)
    channel: str = Field(default="api", max_length=16)
    channel_user_id: str | None = Field(default=None, max_length=128)
    answers: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    location: str | None = Field(default=None, max_length=500)
    price: int = 0
    currency: str = Field(default="USD", max_length=3)
    payment_provider: str | None = Field(default=None, max_length=16)
    payment_ref: str | None = Field(default=None, max_length=255, index=True)
    hold_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cancel_reason: str | None = Field(default=None, max_length=REASON_LENGTH)
    rescheduled_from_id: int | None = Field(default=None, foreign_key="bookings.id")
    rescheduled_to_id: int | None = Field(default=None, foreign_key="bookings.id")
    sequence: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class BookingHost(SQLModel, table=True):
    """A host's share of a booking: the time it blocks (buffers included) while ``active``.

    The database forbids two active rows of one host with overlapping blocked time: a PostgreSQL
    exclusion constraint, an SQLite trigger (see the first migration). Blocking the booking's own
    buffers on both sides makes that overlap test exactly the engine's buffer formula.
    """

    __tablename__ = "booking_hosts"
    __table_args__ = (Index("ix_booking_hosts_host_blocked", "host_id", "blocked_start"),)

    id: int | None = Field(default=None, primary_key=True)
    booking_id: int = Field(foreign_key="bookings.id", index=True, ondelete="CASCADE")
    host_id: int = Field(foreign_key="hosts.id")
    blocked_start: datetime = Field(sa_type=UTCDateTime)
    blocked_end: datetime = Field(sa_type=UTCDateTime)
    active: bool = True


class IdempotencyKey(SQLModel, table=True):
    """A client's ``Idempotency-Key`` with the request it came with and the answer it got."""

    __tablename__ = "idempotency_keys"

    key: str = Field(primary_key=True, max_length=255)
    request_hash: str = Field(max_length=64)
    status_code: int | None = None
    response: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
