"""Booking limits per day/week/month/year, by count or booked minutes, on the host's calendar."""

from engine import (
    BookingLimit,
    BookingStatus,
    EventRules,
    ExistingBooking,
    LimitKind,
    LimitUnit,
)
from tests.engine.scenarios import query, schedule, starts, utc

EARLY = "2026-01-01 00:00"
WEEKDAYS = schedule("UTC", {"mon-fri": "09:00-11:00"})


def intro(start: str, minutes: int = 30, **fields: object) -> ExistingBooking:
    begin = utc(start)
    return ExistingBooking(begin, begin.replace(minute=begin.minute + minutes), event_type="intro", **fields)  # type: ignore[arg-type]


def days(found: list[str]) -> list[str]:
    return sorted({start[:10] for start in found})


def rules(*limits: BookingLimit, duration: int = 30) -> EventRules:
    return EventRules(duration=duration, limits=limits, event_type="intro")


def test_a_day_at_its_count_limit_is_fully_busy() -> None:
    taken = (intro("2026-01-05 09:00"), intro("2026-01-05 10:00"))
    window = ("2026-01-05 00:00", "2026-01-07 00:00")
    daily = rules(BookingLimit(LimitUnit.DAY, 2))
    assert days(starts(query(WEEKDAYS, window, EARLY, daily, bookings=taken))) == ["2026-01-06"]


def test_other_event_types_and_cancelled_bookings_do_not_count() -> None:
    other = ExistingBooking(utc("2026-01-05 09:00"), utc("2026-01-05 09:30"), event_type="other")
    cancelled = intro("2026-01-05 10:00", status=BookingStatus.CANCELLED)
    window = ("2026-01-05 00:00", "2026-01-06 00:00")
    daily = rules(BookingLimit(LimitUnit.DAY, 1))
    assert days(starts(query(WEEKDAYS, window, EARLY, daily, bookings=(other, cancelled)))) == ["2026-01-05"]


def test_days_are_the_hosts_days() -> None:
    tokyo = schedule("Asia/Tokyo", {"mon-fri": "09:00-11:00"})
    # 16:00 UTC on Sunday 4 Jan is 01:00 on Monday 5 Jan in Tokyo.
    taken = (intro("2026-01-04 16:00"),)
    window = ("2026-01-04 00:00", "2026-01-07 00:00")
    daily = rules(BookingLimit(LimitUnit.DAY, 1))
    assert days(starts(query(tokyo, window, EARLY, daily, bookings=taken))) == ["2026-01-06"]


def test_minutes_limit_counts_the_new_booking_too() -> None:
    weekly = rules(BookingLimit(LimitUnit.WEEK, 60, LimitKind.MINUTES))
    window = ("2026-01-05 00:00", "2026-01-17 00:00")
    one = (intro("2026-01-05 09:00"),)
    two = (intro("2026-01-05 09:00"), intro("2026-01-06 09:00"))
    assert days(starts(query(WEEKDAYS, window, EARLY, weekly, bookings=one)))[0] == "2026-01-05"
    assert days(starts(query(WEEKDAYS, window, EARLY, weekly, bookings=two)))[0] == "2026-01-12"


def test_weeks_start_on_monday() -> None:
    weekly = rules(BookingLimit(LimitUnit.WEEK, 1))
    window = ("2026-01-05 00:00", "2026-01-13 00:00")
    taken = (intro("2026-01-09 09:00"),)  # a Friday
    assert days(starts(query(WEEKDAYS, window, EARLY, weekly, bookings=taken))) == ["2026-01-12"]


def test_month_and_year_limits() -> None:
    window = ("2026-01-26 00:00", "2026-02-03 00:00")
    taken = (intro("2026-01-20 09:00"),)
    monthly = rules(BookingLimit(LimitUnit.MONTH, 1))
    yearly = rules(BookingLimit(LimitUnit.YEAR, 1))
    assert days(starts(query(WEEKDAYS, window, EARLY, monthly, bookings=taken))) == ["2026-02-02"]
    assert starts(query(WEEKDAYS, window, EARLY, yearly, bookings=taken)) == []


def test_an_event_longer_than_its_minutes_limit_is_never_bookable() -> None:
    daily = rules(BookingLimit(LimitUnit.DAY, 20, LimitKind.MINUTES))
    assert starts(query(WEEKDAYS, ("2026-01-05 00:00", "2026-01-06 00:00"), EARLY, daily)) == []


def test_a_zero_count_limit_closes_the_event() -> None:
    closed = rules(BookingLimit(LimitUnit.YEAR, 0))
    assert starts(query(WEEKDAYS, ("2026-01-05 00:00", "2026-01-06 00:00"), EARLY, closed)) == []
