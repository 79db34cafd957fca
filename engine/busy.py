"""Time a host cannot take a new booking: existing bookings and external calendar events, with buffers.

A booking of event type B blocks ``[start − (B.before + E.after), end + (B.after + E.before)]`` for a
new event E, so both events keep their breaks; an external event has no buffers of its own and blocks
``[start − E.after, end + E.before]``.
"""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from engine import clock
from engine.errors import EngineInputError
from engine.intervals import Span, normalize
from engine.rules import EventRules


class BookingStatus(StrEnum):
    """Lifecycle states the engine distinguishes; only the first three block time."""

    ACCEPTED = "accepted"
    PENDING = "pending"
    HELD = "held"
    CANCELLED = "cancelled"
    REJECTED = "rejected"


BLOCKING = frozenset({BookingStatus.ACCEPTED, BookingStatus.PENDING, BookingStatus.HELD})


def _span(start: datetime, end: datetime) -> Span:
    """``[start, end)`` in epoch seconds, refusing naive or empty ranges."""
    span = clock.to_epoch(start, "start"), clock.to_epoch(end, "end")
    if span[1] <= span[0]:
        raise EngineInputError(f"end {end.isoformat()} is not after start {start.isoformat()}")
    return span


@dataclass(frozen=True, slots=True)
class Interval:
    """An aware ``[start, end)``: an external calendar event, or a request window."""

    start: datetime
    end: datetime
    span: Span = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "span", _span(self.start, self.end))


@dataclass(frozen=True, slots=True)
class ExistingBooking:
    """A booking already on a host's calendar, with its own event type's buffers (minutes).

    ``expires_at`` ends an unpaid hold or an unanswered pending booking: after it the time is free.
    """

    start: datetime
    end: datetime
    status: BookingStatus = BookingStatus.ACCEPTED
    buffer_before: int = 0
    buffer_after: int = 0
    event_type: str | None = None
    expires_at: datetime | None = None
    span: Span = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "span", _span(self.start, self.end))
        if self.expires_at is not None:
            clock.require_aware(self.expires_at, "expires_at")
        if self.buffer_before < 0 or self.buffer_after < 0:
            raise EngineInputError("booking buffers cannot be negative")

    def blocks(self, now: int) -> bool:
        """Whether the booking still holds its time at epoch second ``now``."""
        if self.status not in BLOCKING:
            return False
        return self.expires_at is None or clock.to_epoch(self.expires_at, "expires_at") > now

    def minutes(self) -> int:
        """Booked length in whole minutes, for minute-based limits."""
        return (self.span[1] - self.span[0]) // clock.MINUTE


def blocked_spans(
    bookings: tuple[ExistingBooking, ...],
    external: tuple[Interval, ...],
    rules: EventRules,
    now: int,
) -> list[Span]:
    """Everything that keeps a new event of ``rules`` away, as a span list."""
    spans: list[Span] = []
    for booking in bookings:
        if booking.blocks(now):
            start, end = booking.span
            before = (booking.buffer_before + rules.buffer_after) * clock.MINUTE
            after = (booking.buffer_after + rules.buffer_before) * clock.MINUTE
            spans.append((start - before, end + after))
    before = rules.buffer_after * clock.MINUTE
    after = rules.buffer_before * clock.MINUTE
    for event in external:
        start, end = event.span
        spans.append((start - before, end + after))
    return normalize(spans)
