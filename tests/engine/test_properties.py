"""Properties of ``find_slots`` and ``check_start`` on random valid calendars.

The inputs are what hosts really give the engine: weekly hours (some running to midnight, so they
merge across days), date overrides (some empty: a day off), external busy time, existing bookings
with their own buffers and every status, any duration, interval, buffers and notice, periods and
limits, a ``now`` anywhere around the request window, and zones with odd offsets (Kolkata +05:30,
Kathmandu +05:45) or odd DST (Lord Howe moves by 30 minutes), with windows of up to ten days around
the 2026 transitions. Expectations are computed here without the engine's own expansion
(``engine.schedule``, ``engine.busy``, ``engine.clock``): working time is read minute by minute off
the host's wall clock, blocked time is the formula of DESIGN.md on plain datetimes.

Busy times, bookings, expiries and windows are whole seconds (``now`` is not): the engine works in
floored epoch seconds, so a hold expiring half a second after ``now``, or an event ending at
09:30:00.5, would differ from the exact reading by under a second; that is a reported rounding
choice, not a property checked here.
"""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from engine import (
    DateOverride,
    EventRules,
    HostCalendar,
    Interval,
    Schedule,
    Slot,
    SlotQuery,
    check_start,
    find_slots,
)
from tests.engine.oracles import (
    WorkingHours,
    blocked_time,
    blocks,
    earliest_start,
    expected_assignment,
    fixed_ids,
    hosts_only,
    overlaps,
    starts,
    window_only,
)
from tests.engine.strategies import (
    ALWAYS,
    FEW,
    MINUTE,
    ON_GRID_STEPS,
    SOME,
    WHOLE_HOUR_ZONES,
    dead_bookings,
    fixed_hosts,
    minutes,
    queries,
    spread,
)


@SOME
@given(queries())
def test_no_slot_meets_blocked_time(query: SlotQuery) -> None:
    """A slot never overlaps a booking or event of any host that takes it, buffers included
    (half-open: it may end exactly where blocked time begins)."""
    found = find_slots(query)
    for calendar in query.hosts:
        blocked = blocked_time(calendar, query.rules, query.now)
        for slot in found:
            if calendar.host in slot.hosts:
                assert not [busy for busy in blocked if overlaps(slot, busy)], (calendar.host, slot)


@SOME
@given(queries(), st.data())
def test_bookings_that_do_not_block_change_nothing(query: SlotQuery, data: st.DataObject) -> None:
    """Cancelled, rejected and expired bookings free their time entirely (limits do not count them
    either): dropping them, or laying a new one over a listed slot, leaves the answer as it was."""
    found = find_slots(query)
    live = tuple(
        replace(calendar, bookings=tuple(b for b in calendar.bookings if blocks(b, query.now)))
        for calendar in query.hosts
    )
    assert find_slots(hosts_only(query, live)) == found
    if not found:
        return
    slot = data.draw(st.sampled_from(found))
    dead = data.draw(dead_bookings(slot, query.now))
    taking = [calendar.host in slot.hosts for calendar in query.hosts]
    crowded = [
        replace(calendar, bookings=(*calendar.bookings, dead)) if takes else calendar
        for calendar, takes in zip(query.hosts, taking, strict=True)
    ]
    assert find_slots(hosts_only(query, crowded)) == found


@SOME
@given(st.one_of(queries(), queries(at_transitions=True)))
def test_every_slot_is_inside_working_hours(query: SlotQuery) -> None:
    """Each minute of a slot is working time for every host that takes it, on that host's wall
    clock; half of the examples have hours beginning or ending where clocks jump or repeat."""
    found = find_slots(query)
    for calendar in query.hosts:
        hours = WorkingHours(calendar.schedule)
        for slot in found:
            if calendar.host in slot.hosts:
                assert hours.covers(slot.start, query.rules.duration), (calendar.host, slot)


@SOME
@given(queries())
def test_slots_are_sorted_unique_and_bounded(query: SlotQuery) -> None:
    """Starts are whole UTC minutes, strictly increasing, no earlier than now plus notice and inside
    the window; every slot lasts the duration and names all fixed hosts first."""
    found = find_slots(query)
    begins = [slot.start for slot in found]
    assert begins == sorted(set(begins))
    earliest = earliest_start(query)
    fixed = fixed_ids(query)
    for slot in found:
        assert slot.start.tzinfo is UTC
        assert (slot.start.second, slot.start.microsecond) == (0, 0)
        assert slot.start >= earliest
        assert query.window.start <= slot.start < query.window.end
        assert slot.end - slot.start == minutes(query.rules.duration)
        assert slot.hosts[: len(fixed)] == fixed
        assert len(set(slot.hosts)) == len(slot.hosts)


# --------------------------------------------------------------------------------------------------
# Answers that must agree with each other


@SOME
@given(
    st.one_of(queries(), queries(at_transitions=True)),
    st.lists(st.floats(0, 1, exclude_min=True, exclude_max=True), max_size=4),
)
def test_splitting_the_window_changes_nothing(query: SlotQuery, fractions: list[float]) -> None:
    """Slot phases come from the calendar, never from the request: paging through a window (here
    cut at up to four points) gives the same slots as asking for all of it."""
    seconds = int((query.window.end - query.window.start).total_seconds())
    cuts = sorted({min(max(int(seconds * fraction), 1), seconds - 1) for fraction in fractions})
    edges = [query.window.start, *(query.window.start + timedelta(seconds=c) for c in cuts)]
    edges.append(query.window.end)
    joined: list[Slot] = []
    for start, end in pairwise(edges):
        joined += find_slots(window_only(query, start, end))
    assert joined == find_slots(query)


@SOME
@given(st.one_of(queries(), queries(at_transitions=True)), st.data())
def test_check_start_agrees_with_listing(query: SlotQuery, data: st.DataObject) -> None:
    """Booking calls ``check_start``: it accepts exactly the listed starts, with the same hosts
    free, and gives the booking to every fixed host and, per group, the least recently booked free
    member.

    Candidates are some listed starts (always the last: phase errors grow with distance), minutes
    near them, and any minute of the window.
    """
    listed = starts(query)
    first_minute = query.window.start.replace(second=0)
    window_minutes = int((query.window.end - first_minute) / MINUTE)
    offsets = data.draw(st.lists(spread(0, window_minutes, 60), max_size=3))
    candidates = {first_minute + minutes(offset) for offset in offsets}
    if listed:
        chosen = data.draw(st.lists(st.sampled_from(sorted(listed)), max_size=5))
        for start in [*chosen, max(listed)]:
            candidates |= {start, start + minutes(data.draw(st.integers(-90, 90)))}
    for start in sorted(candidates):
        if not query.window.start <= start < query.window.end:
            continue
        assignment = check_start(query, start)
        if start not in listed:
            assert assignment is None, start
            continue
        assert assignment is not None, start
        assert assignment.slot.hosts == listed[start]
        assert assignment.hosts == expected_assignment(query, listed[start]), start


def with_day_off(query: SlotQuery, day: date) -> SlotQuery:
    """The first host takes ``day`` off, so a run of availability starts at the next midnight."""
    first = query.hosts[0]
    kept = tuple(override for override in first.schedule.overrides if override.day != day)
    schedule = replace(first.schedule, overrides=(*kept, DateOverride(day)))
    return hosts_only(query, (replace(first, schedule=schedule), *query.hosts[1:]))


@SOME
@given(
    queries(
        team=st.just(1).map(fixed_hosts),
        weekly=st.just(ALWAYS),
        leads=spread(10 * 86_400, 14 * 86_400, 3600),
    ),
    st.integers(-9, 1),
)
def test_paging_by_local_day_changes_nothing(query: SlotQuery, day_off: int) -> None:
    """Hours open round the clock, broken only by overrides and a day off up to nine days before
    the window, make free ranges that run for days, starting long after ``now``: their grid must
    still not depend on the window, so a calendar paging day by day on the host's clock shows the
    same slots as one listing. (One host: a second one's free time would cut those ranges short.)"""
    zone = ZoneInfo(query.hosts[0].schedule.zone)
    first = query.window.start.astimezone(zone).date()
    query = with_day_off(query, first + timedelta(days=day_off))
    days = (query.window.end.astimezone(zone).date() - first).days
    local_days = [first + timedelta(days=n) for n in range(1, days + 1)]
    midnights = [datetime.combine(day, time(0), zone) for day in local_days]
    edges = [query.window.start, *(m for m in midnights if m < query.window.end), query.window.end]
    joined: list[Slot] = []
    for start, end in pairwise(edges):
        joined += find_slots(window_only(query, start, end))
    assert joined == find_slots(query)


# --------------------------------------------------------------------------------------------------
# Teams


collective = st.integers(2, 3).map(fixed_hosts)
round_robin = st.builds(
    lambda fixed, members: fixed + members,
    st.lists(st.just(None), max_size=1),
    st.lists(st.sampled_from(["a", "b"]), min_size=1, max_size=4),
)


@FEW
@given(queries(team=collective, zones=WHOLE_HOUR_ZONES, intervals=st.sampled_from(ON_GRID_STEPS)))
def test_collective_slots_are_slots_of_every_member(query: SlotQuery) -> None:
    """A collective slot is free for each member, so each member alone offers it too.

    This holds only when every member's free ranges put their starts on the same instants. A free
    range's first start is aligned up to the grid on the team's clock (the first host's) and later
    starts follow every ``interval`` minutes, so in general the phase depends on where the range
    begins: with a 45-minute interval the team's range opening at 10:15 (another member busy until
    then) offers 10:15, 11:00, … while a member free from 09:00 offers 09:00, 09:45, 10:30, ….
    With the interval equal to its grid (5, 10, 15, 20, 30 or 60 minutes) every grid point of a
    range is a start whatever its phase, and in zones whose offsets are whole hours all members'
    grids are the same instants, before and after DST (an hour is a multiple of every grid).
    Kolkata, Kathmandu and Lord Howe would put a member's grid 30 or 45 minutes off the team's.
    """
    team = starts(query)
    for calendar in query.hosts:
        alone = starts(hosts_only(query, [calendar]))
        assert set(team) <= set(alone), calendar.host


@FEW
@given(queries(team=round_robin))
def test_round_robin_slots_come_from_one_member(query: SlotQuery) -> None:
    """Round-robin = per group the union of members' own slots (each with the fixed hosts), then
    intersected across groups: a slot is never stitched from two members' free time, every group
    has a free member, and the members listed are exactly those who would offer the start on their
    own."""
    fixed = [calendar for calendar in query.hosts if calendar.group is None]
    groups: dict[str, list[HostCalendar]] = {}
    for calendar in query.hosts:
        if calendar.group is not None:
            groups.setdefault(calendar.group, []).append(calendar)
    offered = {
        calendar.host: set(starts(hosts_only(query, [*fixed, calendar])))
        for members in groups.values()
        for calendar in members
    }
    team = starts(query)
    for start, hosts in team.items():
        for members in groups.values():
            free = [calendar.host for calendar in members if calendar.host in hosts]
            assert free, (start, members[0].group)
            assert free == [m.host for m in members if start in offered[m.host]], start
    expected = set.intersection(
        *(set().union(*(offered[m.host] for m in members)) for members in groups.values())
    )
    assert set(team) == expected


# --------------------------------------------------------------------------------------------------
# Cases the properties found, pinned


def test_listing_and_check_start_agree_in_an_unbroken_week() -> None:
    """Open round the clock for weeks, a 35-minute grid (not a divisor of a day) once depended on
    where the window began: the last start of a ten-day listing was refused by ``check_start``."""
    query = SlotQuery(
        EventRules(duration=35),
        (HostCalendar("h", Schedule("UTC", ALWAYS)),),
        Interval(datetime(2026, 1, 20, tzinfo=UTC), datetime(2026, 1, 30, tzinfo=UTC)),
        datetime(2026, 1, 1, tzinfo=UTC),
    )
    last = find_slots(query)[-1]
    assert check_start(query, last.start) is not None


def test_listing_and_check_start_agree_after_a_week_with_a_spring_forward() -> None:
    """Availability running from Monday 00:00 (after a day off) through a week in which New York
    springs forward. The lookback counts seven local days (one of them 23 hours long), so the range's
    own grid must end a little before 7 x 24 real hours, or ``check_start`` on the next Monday between
    00:00 and 01:00 local time would see a different phase than the listing.

    The shrunk form of what ``test_paging_by_local_day_changes_nothing`` found on an earlier engine."""
    schedule = Schedule("America/New_York", ALWAYS, (DateOverride(date(2026, 3, 1), ()),))
    query = SlotQuery(
        EventRules(duration=35),
        (HostCalendar("h", schedule),),
        Interval(datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 10, tzinfo=UTC)),
        datetime(2026, 2, 20, tzinfo=UTC),
    )
    listed = {slot.start for slot in find_slots(query)}
    moment = datetime(2026, 3, 9, 3, 0, tzinfo=UTC)  # Sunday 23:00 EDT .. Monday 02:00 EDT
    while moment < datetime(2026, 3, 9, 6, 0, tzinfo=UTC):
        assert (check_start(query, moment) is not None) == (moment in listed), moment
        moment += timedelta(minutes=5)
