"""``busy_range``: blocked time outside it never changes an answer, so stores may fetch only inside.

Random queries (as in ``test_properties``) get extra bookings and busy time placed just outside the
range, up to ten days away, blocking and counted by limits alike; and the query's own busy data is
cut down to what overlaps the range. Either way the slots stay exactly the same. A booking is
"outside" with its own buffers, the way the store keeps blocked ranges.
"""

from dataclasses import replace
from datetime import datetime

from hypothesis import given
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
