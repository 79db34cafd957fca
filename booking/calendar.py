"""From stored rows to the engine's question: schedules, rules and each host's busy time.

The listing endpoint and the booking transaction both build their ``SlotQuery`` here, so the slots
offered and the slot accepted come from the same data through the same code.
"""

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, NamedTuple

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
RECENT = timedelta(days=1)
"""How much busy time before a window is read first (see ``slot_query``)."""
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


def _reaches(booking: repository.OpenBooking, lo: datetime, hi: datetime) -> bool:
    """Whether the booking's time with its event type's current buffers overlaps ``[lo, hi)``."""
    blocked_start = booking.start - timedelta(minutes=booking.buffer_before)
    return blocked_start < hi and booking.end + timedelta(minutes=booking.buffer_after) > lo


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


class Setup(NamedTuple):
    """What an event type's slots depend on besides the clock and busy time: its rules and its hosts
    with their schedules.

    Only a host's edits change it, never a booking, so a server may keep one between listings while
    ``ChangeWatch.setup_generation`` stands still (``api.kept``).
    """

    event_type_id: int
    rules: engine.EventRules
    members: tuple[repository.Member, ...]
    schedules: dict[int, engine.Schedule]

    @property
    def rotating(self) -> bool:
        """Whether some host takes turns (round-robin), which makes the last booking times matter."""
        return any(member.group is not None for member in self.members)


def setup_of(session: Session, event_type: EventType) -> Setup:
    """``event_type``'s rules, hosts and each host's schedule."""
    members = tuple(repository.event_type_members(session, event_type))
    if not members:
        raise NotFound("this event type has no hosts yet")
    schedules = {member.id: _schedule_of(session, event_type, member.id) for member in members}
    return Setup(event_type.id or 0, engine_rules(event_type), members, schedules)


def host_calendars(
    session: Session,
    setup: Setup,
    last_booked: dict[int, datetime],
    span: tuple[datetime, datetime],
    ignore_booking: int | None,
) -> tuple[engine.HostCalendar, ...]:
    """Each host with schedule, and the open bookings and busy blocks that reach into ``span``.

    A stored blocked range keeps a booking's buffers as they were when it was made, while the engine
    applies its event type's current ones; so the store is asked for the range widened by
    ``BUFFER_DRIFT`` and what comes back is trimmed with the current buffers.
    """
    lo, hi = span
    found = repository.busy_time(session, list(setup.schedules), lo - BUFFER_DRIFT, hi + BUFFER_DRIFT)
    bookings: dict[int, list[engine.ExistingBooking]] = defaultdict(list)
    for booking in found.bookings:
        if booking.booking_id != ignore_booking and _blocks(booking) and _reaches(booking, lo, hi):
            bookings[booking.host_id].append(_existing(booking))
    busy: dict[int, list[engine.Interval]] = defaultdict(list)
    for host_id, start, end in found.blocks:
        if start < hi and end > lo:
            busy[host_id].append(engine.Interval(start, end))
    return tuple(
        engine.HostCalendar(
            member.slug,
            setup.schedules[member.id],
            tuple(bookings[member.id]),
            tuple(busy[member.id]),
            member.group,
            last_booked.get(member.id),
        )
        for member in setup.members
    )


def _schedule_of(session: Session, event_type: EventType, host_id: int) -> engine.Schedule:
    """The event type's own schedule for its owner; otherwise the host's default schedule."""
    own = event_type.schedule_id if event_type.host_id == host_id else None
    found = repository.schedule_for(session, host_id, own)
    if found is None:
        return engine.Schedule(session.get_one(Host, host_id).time_zone)
    return engine_schedule(*found)


def slot_query(
    session: Session,
    setup: Setup,
    window: tuple[datetime, datetime],
    now: datetime,
    invitee_zone: str,
    *,
    ignore_booking: int | None = None,
) -> engine.SlotQuery:
    """The engine question for ``setup`` over ``window`` as seen by an invitee in ``invitee_zone``.

    The engine says how far around the window busy time matters (``engine.busy_range``: back to
    where availability starts running, forward to the end of the last slot's day, limit periods
    whole). Hours that run for days make that a week back, yet on a calendar with bookings the free
    range a start lies in has nearly always begun within ``RECENT``: that is read first, and the rest
    only if ``engine.settled`` says the answer could depend on it.
    """
    rules = setup.rules
    ids = list(setup.schedules)
    last = repository.last_booked(session, setup.event_type_id, ids) if setup.rotating else {}
    lo, hi = engine.busy_range(setup.schedules.values(), rules, engine.Interval(*window))
    recent = lo if rules.limits else max(lo, window[0] - RECENT)  # limits count whole periods
    calendars = host_calendars(session, setup, last, (recent, hi), ignore_booking)
    query = _query(rules, calendars, window, now, invitee_zone)
    if recent > lo and not engine.settled(query, recent):
        calendars = host_calendars(session, setup, last, (lo, hi), ignore_booking)
        query = _query(rules, calendars, window, now, invitee_zone)
    return query


def _query(
    rules: engine.EventRules,
    calendars: tuple[engine.HostCalendar, ...],
    window: tuple[datetime, datetime],
    now: datetime,
    invitee_zone: str,
) -> engine.SlotQuery:
    """The engine's question; what it refuses (an unknown zone, say) is the caller's bad request."""
    try:
        return engine.SlotQuery(rules, calendars, engine.Interval(*window), now, invitee_zone)
    except engine.EngineInputError as exc:
        raise InvalidRequest(str(exc)) from exc
