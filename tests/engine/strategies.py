"""Hypothesis strategies for engine properties: valid schedules, bookings, rules and queries."""

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

from hypothesis import settings
from hypothesis import strategies as st

from engine import (
    BookingLimit,
    BookingStatus,
    DateOverride,
    EventRules,
    ExistingBooking,
    FixedPeriod,
    HostCalendar,
    Interval,
    LimitKind,
    LimitUnit,
    Period,
    RollingPeriod,
    Schedule,
    Slot,
    SlotQuery,
    TimeRange,
    WeeklyWindow,
)

ZONES = (
    "UTC",
    "Europe/London",
    "America/New_York",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Australia/Lord_Howe",
)
WHOLE_HOUR_ZONES = ("UTC", "Europe/London", "America/New_York")
ON_GRID_STEPS = (5, 10, 15, 20, 30, 60)
"""Intervals equal to their own grid: every grid point is a start, whatever a free range's phase."""

ANCHORS = {
    date(2026, 1, 14): "UTC",
    date(2026, 3, 8): "America/New_York",  # springs forward
    date(2026, 3, 29): "Europe/London",  # springs forward
    date(2026, 4, 5): "Australia/Lord_Howe",  # falls back by 30 minutes
    date(2026, 6, 17): "Asia/Kathmandu",
    date(2026, 10, 4): "Australia/Lord_Howe",  # springs forward by 30 minutes
    date(2026, 10, 25): "Europe/London",  # falls back
    date(2026, 11, 1): "America/New_York",  # falls back
}
"""Days the request windows are placed around (quiet ones and every 2026 transition of ``ZONES``),
each with the zone that hosts favour there, so that a transition usually happens on someone's clock.
"""
TRANSITIONS = tuple(day for day in ANCHORS if ANCHORS[day] not in ("UTC", "Asia/Kathmandu"))

MINUTE = timedelta(minutes=1)
ALWAYS = tuple(WeeklyWindow(day, TimeRange(time(0), time(23, 59))) for day in range(1, 8))
DAY_MINUTES = 24 * 60
MIDNIGHT_ENDS = (time(23, 59), time(0))
BLOCKING = (BookingStatus.ACCEPTED, BookingStatus.PENDING, BookingStatus.HELD)
EXPIRING = (BookingStatus.PENDING, BookingStatus.HELD)

FEW = settings(max_examples=70, deadline=None)
SOME = settings(max_examples=100, deadline=None)


def minutes(count: int) -> timedelta:
    return timedelta(minutes=count)


# --------------------------------------------------------------------------------------------------
# Strategies


@cache
def spread(first: int, last: int, unit: int) -> st.SearchStrategy[int]:
    """Integers in ``first..last``, as likely far from ``first`` as near it.

    Hypothesis favours small integers (four in five draws of ``integers(0, 12 days)`` fall on the
    first day), which would keep ``now`` next to the window and windows short; drawing whole units
    and the remainder separately spreads them evenly. (Strategies are built once and cached: the
    draws below run thousands of times.)
    """
    return st.builds(
        lambda whole, part: min(max(whole * unit + part, first), last),
        st.integers(first // unit, last // unit),
        st.integers(0, unit - 1),
    )


@cache
def clock_minutes(first: int, last: int) -> st.SearchStrategy[int]:
    """Minutes of the day in ``first..last``, often on a quarter hour, and often between 01:00 and
    03:00, where this file's zones skip or repeat wall-clock time."""
    anywhere = spread(first, last, 60)
    low, high = -(-first // 15), last // 15
    if low > high:
        return anywhere
    quarters = st.integers(low, high).map(lambda quarter: quarter * 15)
    night_low, night_high = max(low, 4), min(high, 12)
    if night_low > night_high:
        return st.one_of(quarters, anywhere)
    dst = st.integers(night_low, night_high).map(lambda quarter: quarter * 15)
    return st.one_of(quarters, dst, anywhere)


def wall(minute_of_day: int) -> time:
    return time(minute_of_day // 60, minute_of_day % 60)


buffers = st.integers(0, 30)
odd_seconds = st.one_of(st.just(0), st.integers(0, 59))
"""Usually a whole minute; sometimes not, so free time can begin off the grid."""
places = spread(0, 10_000, 100)
"""Where between the ends of a range something falls, in ten-thousandths."""
weekdays = st.integers(1, 7)


@st.composite
def time_ranges(draw: st.DrawFn) -> TimeRange:
    """Working hours on one date, a third of them running to 23:59 or 00:00 (= midnight)."""
    start = draw(clock_minutes(0, DAY_MINUTES - 3))
    if draw(st.integers(0, 2)) == 0:
        return TimeRange(wall(start), draw(st.sampled_from(MIDNIGHT_ENDS)))
    return TimeRange(wall(start), wall(draw(clock_minutes(start + 1, DAY_MINUTES - 2))))


day_hours = st.lists(time_ranges(), max_size=2)
"""The hours of one date: none (a day off), or up to two ranges that may overlap or touch."""


@st.composite
def night_ranges(draw: st.DrawFn) -> TimeRange:
    """Hours starting between 00:00 and 03:00 on a quarter hour, ending by 04:00 or at midnight."""
    start = draw(st.integers(0, 12)) * 15
    if draw(st.booleans()):
        return TimeRange(wall(start), draw(st.sampled_from(MIDNIGHT_ENDS)))
    return TimeRange(wall(start), wall(draw(st.integers(start // 15 + 1, 16)) * 15))


night_hours = st.lists(night_ranges(), min_size=1, max_size=2)


@st.composite
def weekly_hours(draw: st.DrawFn) -> tuple[WeeklyWindow, ...]:
    """Round the clock, nights (running across midnight), the same hours on several days (a
    working week), or each day its own."""
    shape = draw(st.sampled_from(["always", "always", "nights", "week", "week", "days", "days"]))
    if shape == "always":
        return ALWAYS
    if shape == "nights":
        morning = TimeRange(time(0), wall(draw(clock_minutes(1, 12 * 60))))
        evening = TimeRange(wall(draw(clock_minutes(12 * 60, DAY_MINUTES - 2))), time(23, 59))
        nightly = sorted(draw(st.sets(weekdays, min_size=2)))
        return tuple(WeeklyWindow(day, hours) for day in nightly for hours in (morning, evening))
    if shape == "week":
        hours = draw(st.lists(time_ranges(), min_size=1, max_size=2))
        days = sorted(draw(st.sets(weekdays, min_size=1)))
        return tuple(WeeklyWindow(day, each) for day in days for each in hours)
    return tuple(WeeklyWindow(day, hours) for day in range(1, 8) for hours in draw(day_hours))


weekly_shapes = weekly_hours()


def draw_schedule(
    draw: st.DrawFn,
    zone: str,
    around: Interval,
    weekly: st.SearchStrategy[tuple[WeeklyWindow, ...]],
    anchor: date,
    night_on_anchor: bool,
) -> Schedule:
    """Weekly hours and overrides on dates from nine days before the window (where a long run of
    availability may begin) to two days after it, often one on the anchor (a transition day)."""
    first = around.start.date() - timedelta(days=9)
    last = around.end.date() + timedelta(days=2)
    days = {first + (last - first) * draw(places) // 10_000 for _ in range(draw(st.integers(0, 4)))}
    if draw(st.booleans()):
        days.add(anchor)
    overrides = {day: tuple(draw(day_hours)) for day in days}
    if night_on_anchor:
        overrides[anchor] = tuple(draw(night_hours))
    dated = tuple(DateOverride(day, overrides[day]) for day in sorted(overrides))
    return Schedule(zone, draw(weekly), dated)


def draw_instant(draw: st.DrawFn, around: Interval) -> datetime:
    """An instant from a day before to a day after the window."""
    reach = (around.end - around.start) + timedelta(days=2)
    offset = reach * draw(places) // 10_000 - timedelta(days=1)
    return around.start.replace(second=draw(odd_seconds)) + offset // MINUTE * MINUTE


def draw_booking(draw: st.DrawFn, around: Interval, now: datetime) -> ExistingBooking:
    """A booking in any state; pending ones and holds may carry an expiry on either side of now."""
    start = draw_instant(draw, around)
    status = draw(st.sampled_from(BookingStatus))
    expires_at = None
    if status in EXPIRING and draw(st.booleans()):
        expires_at = now + timedelta(seconds=draw(spread(-7200, 7200, 60)))
    return ExistingBooking(
        start=start,
        end=start + minutes(draw(spread(1, 240, 15))),
        status=status,
        buffer_before=draw(buffers),
        buffer_after=draw(buffers),
        event_type=draw(st.sampled_from([None, "e"])),
        expires_at=expires_at,
    )


def draw_busy(draw: st.DrawFn, around: Interval) -> Interval:
    """An external calendar event of up to six hours."""
    start = draw_instant(draw, around)
    return Interval(start, start + timedelta(seconds=draw(spread(1, 6 * 3600, 600))))


@st.composite
def dead_bookings(draw: st.DrawFn, over: Slot, now: datetime) -> ExistingBooking:
    """A booking of this event type over ``over`` that no longer blocks: cancelled, rejected, or a
    hold or pending booking that expired at or before now."""
    status = draw(st.sampled_from(BookingStatus))
    expires_at = None
    if status in BLOCKING:
        status = draw(st.sampled_from(EXPIRING))
        expires_at = now - timedelta(seconds=draw(spread(0, 7200, 60)))
    return ExistingBooking(
        start=over.start - minutes(draw(buffers)),
        end=over.end + minutes(draw(buffers)),
        status=status,
        buffer_before=draw(buffers),
        buffer_after=draw(buffers),
        event_type="e",
        expires_at=expires_at,
    )


def draw_period(draw: st.DrawFn, around: Interval) -> Period | None:
    """Mostly none; else a rolling period, or fixed dates near the window."""
    kind = draw(st.sampled_from(["none", "none", "none", "rolling", "fixed"]))
    if kind == "rolling":
        return RollingPeriod(draw(st.integers(0, 14)), draw(st.booleans()))
    if kind == "fixed":
        first = around.start.date() + timedelta(days=draw(st.integers(-2, 3)))
        return FixedPeriod(first, first + timedelta(days=draw(st.sampled_from([0, 4]))))
    return None


limits = st.one_of(
    st.just(()),
    st.just(()),
    st.just(()),
    st.lists(
        st.builds(
            BookingLimit,
            st.sampled_from(LimitUnit),
            st.integers(0, 400),
            st.sampled_from(LimitKind),
        ),
        max_size=2,
    ).map(tuple),
)
"""Usually none: a limit of 0, or of fewer minutes than the event, closes the calendar entirely."""
durations = st.one_of(st.sampled_from([15, 30, 45, 60, 90]), st.integers(1, 150))
notices = st.one_of(st.just(0), st.integers(0, 240), spread(0, 2 * DAY_MINUTES, 60))
Steps = st.SearchStrategy[int | None]
"""Intervals between starts; None means the event's duration."""
round_intervals = st.sampled_from([5, 10, 15, 20, 30, 45, 60])
any_interval: Steps = st.one_of(st.none(), round_intervals, st.integers(1, 120))


def draw_rules(draw: st.DrawFn, intervals: Steps, around: Interval) -> EventRules:
    """Any duration and interval; sometimes a period and limits (they only ever remove slots)."""
    return EventRules(
        duration=draw(durations),
        interval=draw(intervals),
        buffer_before=draw(buffers),
        buffer_after=draw(buffers),
        min_notice=draw(notices),
        period=draw_period(draw, around),
        limits=draw(limits),
        event_type="e",
    )


window_starts = spread(-4 * DAY_MINUTES, 2 * DAY_MINUTES, 60)
window_lengths = st.one_of(spread(6 * 60, 3 * DAY_MINUTES, 60), spread(1, 10 * DAY_MINUTES, 60))
lead_times = st.one_of(spread(-86_400, 86_400, 600), spread(0, 12 * 86_400, 3600))
"""How long before the window's start ``now`` is, in seconds: up to twelve days, or a day after."""


def draw_window(draw: st.DrawFn, anchor: date, around_transition: bool) -> Interval:
    """Up to ten days, starting within a few days of ``anchor``, sometimes off the whole minute;
    ``around_transition``: one to three days from 12 to 36 hours before it, so that they cover the
    transition in every zone (Lord Howe's happens at 15:00 UTC the day before)."""
    start = datetime.combine(anchor, time(0), UTC) + timedelta(seconds=draw(odd_seconds))
    if around_transition:
        start -= timedelta(seconds=draw(spread(12 * 3600, 36 * 3600, 900)))
        return Interval(start, start + minutes(draw(spread(DAY_MINUTES, 3 * DAY_MINUTES, 60))))
    start += minutes(draw(window_starts))
    return Interval(start, start + minutes(draw(window_lengths)))


def booked_on(day: date) -> datetime:
    return datetime.combine(day, time(12), UTC)


def fixed_hosts(count: int) -> list[str | None]:
    return [None] * count


any_team = st.lists(st.sampled_from([None, None, "a", "b"]), min_size=1, max_size=3)
"""Groups of up to three hosts: None is a fixed (collective) host, a letter a round-robin group."""


@st.composite
def queries(
    draw: st.DrawFn,
    *,
    team: st.SearchStrategy[list[str | None]] = any_team,
    zones: Sequence[str] = ZONES,
    intervals: Steps = any_interval,
    weekly: st.SearchStrategy[tuple[WeeklyWindow, ...]] = weekly_shapes,
    leads: st.SearchStrategy[int] = lead_times,
    at_transitions: bool = False,
) -> SlotQuery:
    """A whole question to the engine: window, ``now``, hosts with their calendars, rules.

    ``at_transitions`` puts every host in a zone changing its clocks inside the window, with an
    override that day whose hours begin or end in the night, where wall-clock times are skipped or
    repeated.
    """
    anchor = draw(st.sampled_from(TRANSITIONS if at_transitions else tuple(ANCHORS)))
    window = draw_window(draw, anchor, at_transitions)
    now = window.start - timedelta(seconds=draw(leads), microseconds=draw(st.integers(0, 999_999)))
    favoured = [*zones, *[ANCHORS[anchor]] * 3] if ANCHORS[anchor] in zones else zones
    if at_transitions:
        favoured = [ANCHORS[anchor]]
    hosts = tuple(
        HostCalendar(
            host=f"h{number}",
            schedule=draw_schedule(
                draw, draw(st.sampled_from(favoured)), window, weekly, anchor, at_transitions
            ),
            bookings=tuple(draw_booking(draw, window, now) for _ in range(draw(st.integers(0, 5)))),
            busy=tuple(draw_busy(draw, window) for _ in range(draw(st.integers(0, 4)))),
            group=group,
            last_booked_at=draw(st.none() | st.sampled_from(tuple(ANCHORS)).map(booked_on)),
        )
        for number, group in enumerate(draw(team))
    )
    rules = draw_rules(draw, intervals, window)
    return SlotQuery(rules, hosts, window, now, draw(st.sampled_from(ZONES)))


# --------------------------------------------------------------------------------------------------
# Independent expectations
