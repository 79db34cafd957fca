"""Every table, imported together so ``SQLModel.metadata`` is complete for Alembic and tests."""

from booking.models.availability import BusyBlock, Schedule
from booking.models.bookings import Booking, BookingHost, BookingStatus, IdempotencyKey
from booking.models.event_types import EventType
from booking.models.hosts import ApiKey, Host, Team, TeamMember
from booking.models.jobs import Conversation, Note, OutboxEvent, ProcessedWebhook, Reminder

__all__ = [
    "ApiKey",
    "Booking",
    "BookingHost",
    "BookingStatus",
    "BusyBlock",
    "Conversation",
    "EventType",
    "Host",
    "IdempotencyKey",
    "Note",
    "OutboxEvent",
    "ProcessedWebhook",
    "Reminder",
    "Schedule",
    "Team",
    "TeamMember",
]
