"""``busy_range``: blocked time outside it never changes an answer, so stores may fetch only inside.

Random queries (as in ``test_properties``) get extra bookings and busy time placed just outside the
range, up to ten days away, blocking and counted by limits alike; and the query's own busy data is
cut down to what overlaps the range. Either way the slots stay exactly the same. A booking is
"outside" with its own buffers, the way the store keeps blocked ranges.

``settled``: when it says an answer needs nothing older than a cut, the slots found with only the
blocked time reaching past the cut are exactly the slots found with everything.
"""

from dataclasses import replace
from datetime import datetime, timedelta

from hypothesis import event, given
from hypothesis import strategies as st

from engine import (
    BookingLimit,
    BookingStatus,
    EventRules,
    ExistingBooking,
    HostCalendar,
    Interval,
    LimitUnit,
    SlotQuery,
    busy_range,
    find_slots,
    settled,
)
from tests.engine.oracles import hosts_only
from tests.engine.scenarios import query as scenario
from tests.engine.scenarios import schedule, utc
from tests.engine.strategies import SOME, minutes, queries

FAR = 10 * 24 * 60  # minutes
WEEKLY = BookingLimit(LimitUnit.WEEK, 3)


def blocked_range(booking: ExistingBooking) -> tuple[datetime, datetime]:
    return booking.start - minutes(booking.buffer_before), booking.end + minutes(booking.buffer_after)


def overlapping(calendar: HostCalendar, lo: datetime, hi: datetime) -> HostCalendar:
    bookings = tuple(b for b in calendar.bookings if blocked_range(b)[0] < hi and blocked_range(b)[1] > lo)
    busy = tuple(event for event in calendar.busy if event.start < hi and event.end > lo)
    return replace(calendar, bookings=bookings, busy=busy)


def outside(data: st.DataObject, lo: datetime, hi: datetime) -> tuple[ExistingBooking, Interval]:
    """A blocking booking of this event type and an external event, both clear of [lo, hi)."""
    length = minutes(data.draw(st.integers(1, 240)))
    before, after = (data.draw(st.integers(0, 30)) for _ in range(2))
    gap = minutes(data.draw(st.integers(0, FAR)))
    later = data.draw(st.booleans())
    start = hi + minutes(before) + gap if later else lo - minutes(after) - gap - length
    booking = ExistingBooking(start, start + length, BookingStatus.ACCEPTED, before, after, "e")
    event_start = hi + gap if data.draw(st.booleans()) else lo - gap - length
    return booking, Interval(event_start, event_start + length)


@SOME
@given(queries(), st.data())
def test_busy_time_outside_the_range_changes_nothing(query: SlotQuery, data: st.DataObject) -> None:
    found = find_slots(query)
    lo, hi = busy_range((calendar.schedule for calendar in query.hosts), query.rules, query.window)
    assert lo <= query.window.start
    assert hi >= query.window.end
    trimmed = tuple(overlapping(calendar, lo, hi) for calendar in query.hosts)
    assert find_slots(hosts_only(query, trimmed)) == found
    crowded = []
    for calendar in query.hosts:
        extra = [outside(data, lo, hi) for _ in range(data.draw(st.integers(1, 4)))]
        bookings = (*calendar.bookings, *(booking for booking, _ in extra))
        busy = (*calendar.busy, *(event for _, event in extra))
        crowded.append(replace(calendar, bookings=bookings, busy=busy))
    assert find_slots(hosts_only(query, crowded)) == found


def test_the_range_follows_how_long_availability_runs() -> None:
    """Office hours start afresh each day; hours running through midnight are traced back a week."""
    slot = ("2026-03-11 10:00", "2026-03-11 10:30")
    office = scenario(schedule("UTC", {"mon-fri": "09:00-17:00"}), slot, "2026-03-01 00:00")
    assert busy_range([office.hosts[0].schedule], office.rules, office.window) == (
        utc("2026-03-11 00:00"),
        utc("2026-03-12 00:00"),
    )
    around_the_clock = schedule("UTC", {"mon-sun": "00:00-23:59"})
    assert busy_range([around_the_clock], office.rules, office.window)[0] == utc("2026-03-04 00:00")
    buffered = EventRules(duration=30, buffer_before=15, buffer_after=10, limits=(WEEKLY,))
    assert busy_range([office.hosts[0].schedule], buffered, office.window) == (
        utc("2026-03-08 23:45"),  # the ISO week from Monday 9 March, less the buffer before
        utc("2026-03-16 00:10"),
    )


@SOME
@given(queries(), st.data())
def test_a_settled_answer_needs_no_older_blocked_time(query: SlotQuery, data: st.DataObject) -> None:
    found = find_slots(query)
    lo, hi = busy_range((calendar.schedule for calendar in query.hosts), query.rules, query.window)
    span = int((query.window.end - lo).total_seconds() // 60)
    cut = lo + minutes(data.draw(st.integers(0, span)))
    recent = hosts_only(query, tuple(overlapping(calendar, cut, hi) for calendar in query.hosts))
    if settled(recent, cut):
        event("settled")
        assert find_slots(recent) == found


def test_an_earlier_booking_settles_a_calendar_open_around_the_clock() -> None:
    """Hours that never stop reach back a week; a booking the same morning makes that unnecessary."""
    around_the_clock = schedule("UTC", {"mon-sun": "00:00-23:59"})
    slot = ("2026-03-11 10:00", "2026-03-11 10:30")
    open_all_week = scenario(around_the_clock, slot, "2026-03-01 00:00")
    cut = utc("2026-03-11 00:00")
    assert busy_range([around_the_clock], open_all_week.rules, open_all_week.window)[0] < cut
    assert not settled(open_all_week, cut)
    morning = ExistingBooking(utc("2026-03-11 08:00"), utc("2026-03-11 08:30"))
    booked = hosts_only(open_all_week, [replace(open_all_week.hosts[0], bookings=(morning,))])
    assert settled(booked, cut)
    assert not settled(booked, cut + timedelta(hours=9))  # the cut after the booking: free since then


def test_blocked_time_before_the_cut_still_covers_the_new_events_buffer() -> None:
    """Office hours from 09:00 settle at 08:55, unless a 15-minute buffer lets older time reach 09:10."""
    office = scenario(
        schedule("UTC", {"mon-fri": "09:00-17:00"}),
        ("2026-03-11 10:00", "2026-03-11 10:30"),
        "2026-03-01 00:00",
    )
    assert settled(office, utc("2026-03-11 08:55"))
    buffered = replace(office, rules=replace(office.rules, buffer_before=15))
    assert not settled(buffered, utc("2026-03-11 08:55"))
