"""One host's calendar, free time and slot starts for a query."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from engine import clock
from engine.busy import ExistingBooking, Interval, blocked_spans
from engine.errors import EngineInputError
from engine.intervals import EVERYTHING, Span, clip, normalize, subtract
from engine.limits import limit_spans
from engine.period import period_span
from engine.rules import EventRules
from engine.schedule import Schedule

LOOKBACK_DAYS = 7
"""How far back a run of availability is traced to find where it began (see ``_first_day``)."""


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
    """A host's free time from which slots may start, and the exclusive cap on those starts."""

    free: list[Span]
    start_cap: int


def _first_day(schedule: Schedule, tz: ZoneInfo, start: int, lower: int) -> date:
    """The local date from which availability must be expanded so slot phases don't depend on ``start``.

    A slot grid runs from the start of each free range. When hours run across midnight the range began
    on an earlier day, so trace it back (at most ``LOOKBACK_DAYS``; a calendar open round the clock
    all week is anchored there). Nothing before ``lower`` matters: ranges are cut there anyway.
    """
    day = clock.local_date(start, tz)
    for _ in range(LOOKBACK_DAYS):
        opening = clock.midnight(day, tz)
        if opening <= lower:
            break
        previous = day - timedelta(days=1)
        spans = schedule.available(previous, previous)
        if not spans or spans[-1][1] < opening:
            break
        day = previous
    return day


def host_time(calendar: HostCalendar, rules: EventRules, bounds: Bounds) -> HostTime:
    """Free time of one host for ``rules``: hours minus busy, buffers and full limit periods."""
    tz = calendar.tz
    period_lo, period_hi = period_span(rules.period, bounds.now, bounds.invitee, tz)
    lower = max(bounds.earliest, period_lo)
    start_cap = min(bounds.window[1], period_hi)
    window_lo = max(bounds.window[0], lower)
    if window_lo >= start_cap:
        return HostTime([], start_cap)
    first = _first_day(calendar.schedule, tz, window_lo, lower)
    last = clock.local_date(start_cap + rules.duration * clock.MINUTE, tz)
    available = calendar.schedule.available(first, last)
    blocked = blocked_spans(calendar.bookings, calendar.busy, rules, bounds.now)
    full = limit_spans(calendar.bookings, rules, tz, bounds.now)
    if full:
        blocked = normalize(blocked + full)
    return HostTime(clip(subtract(available, blocked), lower, EVERYTHING[1]), start_cap)


def slot_starts(spans: list[Span], rules: EventRules, tz: ZoneInfo, lo: int, hi: int) -> list[int]:
    """Starts in ``[lo, hi)`` of slots that fit in a span, on each span's grid from its aligned start."""
    step = rules.step * clock.MINUTE
    length = rules.duration * clock.MINUTE
    starts: list[int] = []
    for span_start, span_end in spans:
        if span_start >= hi:
            break
        if span_end - length < lo:
            continue
        start = clock.align_up(span_start, rules.grid, tz)
        if start < lo:
            start += -(-(lo - start) // step) * step
        last = min(span_end - length, hi - 1)
        starts.extend(range(start, last + 1, step))
    return starts
