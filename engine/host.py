"""One host's calendar, free time and slot starts for a query."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from engine import clock
from engine.busy import ExistingBooking, Interval, blocked_spans
from engine.errors import EngineInputError
from engine.intervals import EVERYTHING, Span, clip, normalize, subtract
from engine.limits import limit_spans, next_period_start, period_start
from engine.period import period_span
from engine.rules import EventRules
from engine.schedule import Schedule

LOOKBACK_DAYS = 7
"""How far back a run of availability is traced to find where it began (see ``_first_day``)."""
SETTLE = LOOKBACK_DAYS * clock.DAY - 3 * 3600
"""How long a free range keeps the grid of its own start; after that it follows the fixed phase.

Any start that ``_first_day`` can no longer trace back to is at least 8 local days (minus at most a
couple of hours of clock changes) after it, so settling a little under 7 real days keeps listing and
booking in agreement in every zone, across DST changes too.
"""
PHASE_REFERENCE = 946_684_800
"""2000-01-01T00:00Z: where the fixed phase of long-running free ranges is counted from."""
"""How long a free range keeps the grid of its own start; after that it follows the fixed phase."""


@dataclass(frozen=True, slots=True)
class HostCalendar:
    """Everything the engine needs to know about one host.

    ``group`` is None for a host who must attend (a collective or fixed host) and names the
    round-robin group otherwise. ``last_booked_at`` orders round-robin hosts; None = never booked.
    """

    host: str
    schedule: Schedule
    bookings: tuple[ExistingBooking, ...] = ()
    busy: tuple[Interval, ...] = ()
    group: str | None = None
    last_booked_at: datetime | None = None

    def __post_init__(self) -> None:
        if not self.host:
            raise EngineInputError("every host needs a non-empty id")
        if self.last_booked_at is not None:
            clock.require_aware(self.last_booked_at, "last_booked_at")

    @property
    def tz(self) -> ZoneInfo:
        """The zone the host's schedule is read in."""
        return clock.zone(self.schedule.zone)


@dataclass(frozen=True, slots=True)
class Bounds:
    """The query's instants in epoch seconds, computed once for all hosts."""

    now: int
    earliest: int
    window: Span
    invitee: ZoneInfo


@dataclass(frozen=True, slots=True)
class HostTime:
    """A host's free time from which slots may start, and the exclusive cap on those starts.

    ``horizon`` is where availability was cut off because it had run unbroken for a week (None when
    every range began in view): a range starting there has no known start of its own.
    """

    free: list[Span]
    start_cap: int
    horizon: int | None = None


def _first_day(schedule: Schedule, tz: ZoneInfo, start: int, lower: int) -> tuple[date, bool]:
    """The local date to expand availability from, and whether hours were still running there.

    A slot grid runs from the start of each free range. When hours run across midnight the range began
    on an earlier day, so trace it back, at most ``LOOKBACK_DAYS`` (past that, ``slot_starts`` uses the
    fixed phase, so the answer still doesn't depend on the window). Nothing before ``lower`` matters.
    """
    day = clock.local_date(start, tz)
    for _ in range(LOOKBACK_DAYS):
        opening = clock.midnight(day, tz)
        if opening <= lower:
            return day, False
        previous = day - timedelta(days=1)
        spans = schedule.available(previous, previous)
        if not spans or spans[-1][1] < opening:
            return day, False
        day = previous
    return day, True


def busy_reach(schedule: Schedule, rules: EventRules, window: Span) -> Span:
    """Where blocked time can change which starts in ``window`` are free, as epoch seconds [lo, hi).

    ``host_time`` expands availability from the day ``_first_day`` traces back to (here traced from
    the window's start with no lower cut, which only reaches further) to the end of the day the last
    slot ends; blocked time reaches into that by this event's buffers, and limits count whole periods.
    A booking of another event type blocks its own buffers too: ``lo``/``hi`` bound that time with
    the booking's own buffers included, the way stores keep it.
    """
    tz = clock.zone(schedule.zone)
    first, _ = _first_day(schedule, tz, window[0], window[0] - (LOOKBACK_DAYS + 2) * clock.DAY)
    last = clock.local_date(window[1] + rules.duration * clock.MINUTE, tz)
    for limit in rules.limits:
        first = min(first, period_start(first, limit.unit))
        last = max(last, next_period_start(period_start(last, limit.unit), limit.unit) - timedelta(days=1))
    lo = clock.midnight(first, tz) - rules.buffer_before * clock.MINUTE
    hi = clock.midnight(last + timedelta(days=1), tz) + rules.buffer_after * clock.MINUTE
    return lo, hi


def _start_bounds(rules: EventRules, bounds: Bounds, tz: ZoneInfo) -> tuple[int, int, int]:
    """(lower, window_lo, start_cap): where a query's starts may lie for a host in ``tz``.

    Nothing is free before ``lower`` (notice and booking period); starts lie in
    ``[window_lo, start_cap)``, the request window cut by both.
    """
    period_lo, period_hi = period_span(rules.period, bounds.now, bounds.invitee, tz)
    lower = max(bounds.earliest, period_lo)
    return lower, max(bounds.window[0], lower), min(bounds.window[1], period_hi)


def settled_since(calendar: HostCalendar, rules: EventRules, bounds: Bounds, since: int) -> bool:
    """Whether blocked time ending by ``since`` can't change this host's starts in the window.

    Free time is working time minus blocked time, so blocked time ending by ``since`` only frees time
    before ``since``. If some instant from ``since`` to the first possible start is not free with the
    blocked time that reaches past ``since``, every free range the window can use begins after
    ``since`` and is the same with the older blocked time or without it. Limits count bookings over
    whole periods, so an event type with limits is never settled early.
    """
    if rules.limits:
        return False
    tz = calendar.tz
    lower, window_lo, _ = _start_bounds(rules, bounds, tz)
    if lower >= since:
        return True
    first, last = sorted((since, window_lo))
    available = calendar.schedule.available(clock.local_date(first, tz), clock.local_date(last, tz))
    free = subtract(available, blocked_spans(calendar.bookings, calendar.busy, rules, bounds.now))
    return not any(start <= since and window_lo < end for start, end in free)


def host_time(calendar: HostCalendar, rules: EventRules, bounds: Bounds) -> HostTime:
    """Free time of one host for ``rules``: hours minus busy, buffers and full limit periods."""
    tz = calendar.tz
    lower, window_lo, start_cap = _start_bounds(rules, bounds, tz)
    if window_lo >= start_cap:
        return HostTime([], start_cap)
    first, still_open = _first_day(calendar.schedule, tz, window_lo, lower)
    last = clock.local_date(start_cap + rules.duration * clock.MINUTE, tz)
    available = calendar.schedule.available(first, last)
    blocked = blocked_spans(calendar.bookings, calendar.busy, rules, bounds.now)
    full = limit_spans(calendar.bookings, rules, tz, bounds.now)
    if full:
        blocked = normalize(blocked + full)
    horizon = clock.midnight(first, tz) if still_open else None
    return HostTime(clip(subtract(available, blocked), lower, EVERYTHING[1]), start_cap, horizon)


def fixed_phase(instant: int, step: int, tz: ZoneInfo) -> int:
    """The first instant at or after ``instant`` on the zone's fixed grid of ``step`` seconds.

    The grid runs from local midnight of 2000-01-01, so it depends on nothing but the zone and step.
    """
    reference = PHASE_REFERENCE - clock.offset_at(PHASE_REFERENCE, tz)
    return instant + (reference - instant) % step


def _from(first: int, lo: int, step: int) -> int:
    """``first`` moved forward in whole steps to at least ``lo``."""
    return first if first >= lo else first + -(-(lo - first) // step) * step


def slot_starts(
    spans: list[Span], rules: EventRules, tz: ZoneInfo, bounds: Span, horizons: frozenset[int] = frozenset()
) -> list[int]:
    """Starts in ``[lo, hi)`` of slots that fit in a span.

    A span's slots step from its first grid point for ``SETTLE`` seconds, then follow the fixed phase;
    a span starting at a horizon (its real start unseen) follows the fixed phase throughout. That keeps
    every start independent of the window asked about, so listing and booking always agree.
    """
    lo, hi = bounds
    step = rules.step * clock.MINUTE
    length = rules.duration * clock.MINUTE
    starts: list[int] = []
    for span_start, span_end in spans:
        if span_start >= hi:
            break
        last = min(span_end - length, hi - 1)
        if last < lo:
            continue
        settled = span_start if span_start in horizons else span_start + SETTLE
        if settled > span_start:
            own = _from(clock.align_up(span_start, rules.grid, tz), lo, step)
            starts.extend(range(own, min(last, settled - 1) + 1, step))
        if last >= settled:
            starts.extend(range(_from(fixed_phase(settled, step, tz), lo, step), last + 1, step))
    return starts
