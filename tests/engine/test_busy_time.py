"""Busy time: bookings with both event types' buffers, external events, and which statuses block."""

from engine import BookingStatus, EventRules, ExistingBooking
from tests.engine.scenarios import busy, query, schedule, starts, utc

HOURS = schedule("UTC", {"mon": "09:00-12:00"})
MONDAY = ("2026-01-05 00:00", "2026-01-06 00:00")
EARLY = "2026-01-01 00:00"


def booking(start: str, end: str, **fields: object) -> ExistingBooking:
    return ExistingBooking(utc(start), utc(end), **fields)  # type: ignore[arg-type]


def test_a_booking_blocks_exactly_its_time() -> None:
    taken = (booking("2026-01-05 10:00", "2026-01-05 10:30"),)
    found = starts(query(HOURS, MONDAY, EARLY, bookings=taken))
    assert "2026-01-05 10:00" not in found
    assert {"2026-01-05 09:30", "2026-01-05 10:30"} <= set(found)


def test_buffers_of_both_event_types_apply() -> None:
    # B (before 10, after 15) at 10:00–10:30 blocks [10:00 − (10 + 5), 10:30 + (15 + 20)] = [09:45, 11:05]
    # for a new event E with before 20, after 5.
    taken = (booking("2026-01-05 10:00", "2026-01-05 10:30", buffer_before=10, buffer_after=15),)
    rules = EventRules(duration=15, buffer_before=20, buffer_after=5)
    found = starts(query(HOURS, MONDAY, EARLY, rules, bookings=taken))
    assert "2026-01-05 09:30" in found
    assert "2026-01-05 09:45" not in found
    assert "2026-01-05 11:00" not in found
    assert found[found.index("2026-01-05 09:30") + 1] == "2026-01-05 11:15"


def test_external_events_take_only_the_new_events_buffers() -> None:
    # [10:00 − after 10, 10:30 + before 20] = [09:50, 10:50]
    rules = EventRules(duration=30, interval=10, buffer_before=20, buffer_after=10)
    found = starts(query(HOURS, MONDAY, EARLY, rules, busy=(busy("2026-01-05 10:00", "2026-01-05 10:30"),)))
    assert "2026-01-05 09:20" in found
    assert "2026-01-05 09:30" not in found
    assert "2026-01-05 10:40" not in found
    assert "2026-01-05 10:50" in found


def test_intervals_are_half_open() -> None:
    taken = (
        booking("2026-01-05 09:00", "2026-01-05 10:00"),
        booking("2026-01-05 10:30", "2026-01-05 12:00"),
    )
    assert starts(query(HOURS, MONDAY, EARLY, bookings=taken)) == ["2026-01-05 10:00"]


def test_cancelled_and_rejected_bookings_free_their_time() -> None:
    taken = (
        booking("2026-01-05 09:00", "2026-01-05 10:30", status=BookingStatus.CANCELLED),
        booking("2026-01-05 10:30", "2026-01-05 12:00", status=BookingStatus.REJECTED),
    )
    assert len(starts(query(HOURS, MONDAY, EARLY, bookings=taken))) == 6


def test_pending_bookings_block() -> None:
    taken = (booking("2026-01-05 09:00", "2026-01-05 11:30", status=BookingStatus.PENDING),)
    assert starts(query(HOURS, MONDAY, EARLY, bookings=taken)) == ["2026-01-05 11:30"]


def test_an_unpaid_hold_blocks_until_it_expires() -> None:
    hold = booking(
        "2026-01-05 09:00",
        "2026-01-05 11:30",
        status=BookingStatus.HELD,
        expires_at=utc("2026-01-03 12:00"),
    )
    before_expiry = query(HOURS, MONDAY, "2026-01-03 11:59", bookings=(hold,))
    at_expiry = query(HOURS, MONDAY, "2026-01-03 12:00", bookings=(hold,))
    assert starts(before_expiry) == ["2026-01-05 11:30"]
    assert len(starts(at_expiry)) == 6


def test_busy_time_across_the_whole_day_leaves_nothing() -> None:
    assert starts(query(HOURS, MONDAY, EARLY, busy=(busy("2026-01-05 08:00", "2026-01-05 13:00"),))) == []
