"""From stored rows to the engine's question: schedules, rules and each host's busy time.

The listing endpoint and the booking transaction both build their ``SlotQuery`` here, so the slots
offered and the slot accepted come from the same data through the same code.
"""

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any

from pydantic import Field, TypeAdapter
from sqlmodel import Session

import engine
from booking import repository
from booking.errors import InvalidRequest, NotFound
from booking.models import EventType, Host
from booking.models.bookings import BookingStatus
from booking.schemas import DAY_MINUTES, FixedPeriodIn, LimitIn, RollingPeriodIn

PERIOD: TypeAdapter[RollingPeriodIn | FixedPeriodIn | None] = TypeAdapter(
    Annotated[RollingPeriodIn | FixedPeriodIn, Field(discriminator="kind")] | None
)
BUFFER_DRIFT = timedelta(minutes=DAY_MINUTES)
"""How far a booking's stored blocked range can be from what its event type's buffers block today."""
ENGINE_STATUS = {
    BookingStatus.ACCEPTED: engine.BookingStatus.ACCEPTED,
    BookingStatus.PENDING: engine.BookingStatus.PENDING,
    BookingStatus.HELD: engine.BookingStatus.HELD,
}


def _ranges(items: list[dict[str, Any]]) -> tuple[engine.TimeRange, ...]:
    return tuple(
        engine.TimeRange(time.fromisoformat(r["start"]), time.fromisoformat(r["end"])) for r in items
    )


def engine_schedule(
    time_zone: str, weekly: list[dict[str, Any]], overrides: list[dict[str, Any]]
) -> engine.Schedule:
    """A stored schedule's JSON as the engine's schedule."""
    windows = tuple(engine.WeeklyWindow(item["weekday"], _ranges([item])[0]) for item in weekly)
    days = tuple(
        engine.DateOverride(date.fromisoformat(item["date"]), _ranges(item["ranges"])) for item in overrides
    )
    return engine.Schedule(time_zone, windows, days)


def engine_rules(event_type: EventType) -> engine.EventRules:
    """An event type's rules as the engine reads them (only its JSON parts need parsing)."""
    stored = PERIOD.validate_python(event_type.period)
    period: engine.Period | None = None
    if isinstance(stored, RollingPeriodIn):
        period = engine.RollingPeriod(stored.days, stored.business_days)
    elif isinstance(stored, FixedPeriodIn):
        period = engine.FixedPeriod(stored.first, stored.last)
    limits = [LimitIn.model_validate(limit) for limit in event_type.limits]
    return engine.EventRules(
        duration=event_type.duration,
        interval=event_type.interval,
        buffer_before=event_type.buffer_before,
        buffer_after=event_type.buffer_after,
        min_notice=event_type.min_notice,
        period=period,
        limits=tuple(engine.BookingLimit(limit.unit, limit.maximum, limit.kind) for limit in limits),
        event_type=str(event_type.id),
    )


def _blocks(booking: repository.OpenBooking) -> bool:
    """Pending requests of event types that let them overlap don't hold time."""
    return not (booking.status is BookingStatus.PENDING and not booking.pending_blocks)


def _existing(booking: repository.OpenBooking) -> engine.ExistingBooking:
    return engine.ExistingBooking(
        booking.start,
        booking.end,
        ENGINE_STATUS[booking.status],
        booking.buffer_before,
        booking.buffer_after,
        str(booking.event_type_id),
        booking.hold_expires_at if booking.status is BookingStatus.HELD else None,
    )


def host_calendars(
    session: Session,
    event_type: EventType,
    rules: engine.EventRules,
    window: tuple[datetime, datetime],
    ignore_booking: int | None = None,
    members: repository.Members | None = None,
) -> tuple[engine.HostCalendar, ...]:
    """Each host of ``event_type`` with schedule, open bookings and busy blocks around ``window``.

    The engine says how far around the window busy time matters (``engine.busy_range``: back to
    where availability starts running, forward to the end of the last slot's day, limit periods
    whole); that is widened by ``BUFFER_DRIFT`` because a stored blocked range keeps a booking's own
    buffers as they were when it was made, and the engine applies its event type's current ones.
    ``members`` spares the lookup when the caller has already read the event type's hosts.
    """
    if members is None:
        members = repository.event_type_members(session, event_type)
    if not members:
        raise NotFound("this event type has no hosts yet")
    ids = [host.id for host, _ in members if host.id is not None]
    schedules = {host.id: _schedule_of(session, event_type, host) for host, _ in members}
    lo, hi = engine.busy_range(schedules.values(), rules, engine.Interval(*window))
    lo, hi = lo - BUFFER_DRIFT, hi + BUFFER_DRIFT
    found = repository.busy_time(session, ids, lo, hi)
    bookings: dict[int, list[engine.ExistingBooking]] = defaultdict(list)
    for booking in found.bookings:
        if booking.booking_id != ignore_booking and _blocks(booking):
            bookings[booking.host_id].append(_existing(booking))
    busy: dict[int, list[engine.Interval]] = defaultdict(list)
    for host_id, start, end in found.blocks:
        busy[host_id].append(engine.Interval(start, end))
    rotating = any(group is not None for _, group in members)
    last = repository.last_booked(session, event_type.id or 0, ids) if rotating else {}
    return tuple(
        engine.HostCalendar(
            host.slug,
            schedules[host.id],
            tuple(bookings[host.id or 0]),
            tuple(busy[host.id or 0]),
            group,
            last.get(host.id or 0),
        )
        for host, group in members
    )


def _schedule_of(session: Session, event_type: EventType, host: Host) -> engine.Schedule:
    """The event type's own schedule for its owner; otherwise the host's default schedule."""
    own = event_type.schedule_id if event_type.host_id == host.id else None
    found = repository.schedule_for(session, host.id or 0, own)
    if found is None:
        return engine.Schedule(host.time_zone)
    return engine_schedule(*found)


def slot_query(
    session: Session,
    event_type: EventType,
    window: tuple[datetime, datetime],
    now: datetime,
    invitee_zone: str,
    *,
    ignore_booking: int | None = None,
    members: repository.Members | None = None,
) -> engine.SlotQuery:
    """The engine question for ``event_type`` over ``window`` as seen by an invitee in ``invitee_zone``."""
    rules = engine_rules(event_type)
    calendars = host_calendars(session, event_type, rules, window, ignore_booking, members)
    try:
        return engine.SlotQuery(rules, calendars, engine.Interval(*window), now, invitee_zone)
    except engine.EngineInputError as exc:
        raise InvalidRequest(str(exc)) from exc
