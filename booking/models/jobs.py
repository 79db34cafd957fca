"""Work that leaves a transaction: outbox events, processed webhooks, due reminders, notes, chats.

Everything here is written in the same transaction as the change that causes it, so a crash between
"booked" and "reminded" loses nothing: the worker picks rows up after commit.
"""

from datetime import datetime
from typing import Any

from sqlmodel import JSON, Column, Field, Index, SQLModel, UniqueConstraint

from booking.columns import UTCDateTime, utcnow


class OutboxEvent(SQLModel, table=True):
    """A domain event (``booking.created``, ``booking.cancelled``, …) awaiting dispatch."""

    __tablename__ = "outbox_events"
    __table_args__ = (Index("ix_outbox_undispatched", "dispatched_at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=64)
    booking_id: int | None = Field(default=None, foreign_key="bookings.id", index=True)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attempts: int = 0
    dispatched_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ProcessedWebhook(SQLModel, table=True):
    """An inbound webhook's provider event id, stored so a redelivery is acknowledged, not redone."""

    __tablename__ = "processed_webhooks"
    __table_args__ = (UniqueConstraint("provider", "event_id"),)

    id: int | None = Field(default=None, primary_key=True)
    provider: str = Field(max_length=32)
    event_id: str = Field(max_length=255)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Reminder(SQLModel, table=True):
    """A reminder due at ``due_at``; claimed atomically by one worker, sent once."""

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("booking_id", "kind"),
        Index("ix_reminders_due", "sent_at", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    booking_id: int = Field(foreign_key="bookings.id", ondelete="CASCADE")
    kind: str = Field(max_length=32)
    due_at: datetime = Field(sa_type=UTCDateTime)
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attempts: int = 0


class Note(SQLModel, table=True):
    """The client note of a confirmed booking: one per booking, wherever it was written."""

    __tablename__ = "notes"

    id: int | None = Field(default=None, primary_key=True)
    booking_id: int = Field(foreign_key="bookings.id", unique=True, ondelete="CASCADE")
    summary: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    sink: str = Field(max_length=16)
    external_id: str | None = Field(default=None, max_length=255)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Conversation(SQLModel, table=True):
    """A chat's state, keyed by (channel, chat, user), so a restart mid-conversation loses nothing."""

    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("channel", "chat_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    chat_id: str = Field(max_length=128)
    user_id: str = Field(max_length=128)
    state: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    version: int = 0
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
