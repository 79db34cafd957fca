"""Bad input raises ``EngineInputError`` with a message that names the problem."""

from datetime import date, datetime, time, timedelta

import pytest

from engine import (
    BookingLimit,
    DateOverride,
    EngineInputError,
    EventRules,
    ExistingBooking,
    FixedPeriod,
    HostCalendar,
    Interval,
    LimitUnit,
    RollingPeriod,
    Schedule,
    SlotQuery,
    TimeRange,
    WeeklyWindow,
    check_start,
)
from tests.engine.scenarios import query, schedule, utc

HOURS = schedule("UTC", {"mon": "09:00-10:00"})


def test_naive_datetimes() -> None:
    with pytest.raises(EngineInputError, match="timezone-aware"):
        Interval(datetime(2026, 1, 5), datetime(2026, 1, 6))  # noqa: DTZ001
    with pytest.raises(EngineInputError, match="now must be timezone-aware"):
        SlotQuery(
            EventRules(duration=30),
            (HostCalendar("h", HOURS),),
            Interval(utc("2026-01-05 00:00"), utc("2026-01-06 00:00")),
            datetime(2026, 1, 1),  # noqa: DTZ001
        )
    ask = query(HOURS, ("2026-01-05 00:00", "2026-01-06 00:00"), "2026-01-01 00:00")
    with pytest.raises(EngineInputError, match="timezone-aware"):
        check_start(ask, datetime(2026, 1, 5, 9))  # noqa: DTZ001


def test_unknown_zones() -> None:
    with pytest.raises(EngineInputError, match="unknown time zone 'Mars/Olympus'"):
        Schedule("Mars/Olympus")
    with pytest.raises(EngineInputError, match="unknown time zone"):
        query(HOURS, ("2026-01-05 00:00", "2026-01-06 00:00"), "2026-01-01 00:00", invitee="../etc")


def test_reversed_and_empty_ranges() -> None:
    with pytest.raises(EngineInputError, match="not after start"):
        Interval(utc("2026-01-06 00:00"), utc("2026-01-05 00:00"))
    with pytest.raises(EngineInputError, match="not after start"):
        ExistingBooking(utc("2026-01-05 10:00"), utc("2026-01-05 10:00"))
    with pytest.raises(EngineInputError, match="not after start"):
        TimeRange(time(17), time(9))
    with pytest.raises(EngineInputError, match="before it starts"):
        FixedPeriod(date(2026, 2, 1), date(2026, 1, 1))


def test_non_positive_lengths() -> None:
    for bad in (0, -30):
        with pytest.raises(EngineInputError, match="duration must be positive"):
            EventRules(duration=bad)
    with pytest.raises(EngineInputError, match="interval must be positive"):
        EventRules(duration=30, interval=0)
    with pytest.raises(EngineInputError, match="buffer_before cannot be negative"):
        EventRules(duration=30, buffer_before=-5)
    with pytest.raises(EngineInputError, match="cannot be negative"):
        BookingLimit(LimitUnit.DAY, -1)
    with pytest.raises(EngineInputError, match="cannot be negative"):
        RollingPeriod(-1)


def test_windows_over_366_days() -> None:
    start = utc("2026-01-01 00:00")
    with pytest.raises(EngineInputError, match="366 days"):
        SlotQuery(
            EventRules(duration=30),
            (HostCalendar("h", HOURS),),
            Interval(start, start + timedelta(days=367)),
            start,
        )


def test_malformed_schedules_and_teams() -> None:
    with pytest.raises(EngineInputError, match="weekday must be 1"):
        WeeklyWindow(8, TimeRange(time(9), time(10)))
    with pytest.raises(EngineInputError, match="only one override"):
        Schedule("UTC", overrides=(DateOverride(date(2026, 1, 5)), DateOverride(date(2026, 1, 5))))
    window = Interval(utc("2026-01-05 00:00"), utc("2026-01-06 00:00"))
    with pytest.raises(EngineInputError, match="at least one host"):
        SlotQuery(EventRules(duration=30), (), window, utc("2026-01-01 00:00"))
    host = HostCalendar("h", HOURS)
    with pytest.raises(EngineInputError, match="only once"):
        SlotQuery(EventRules(duration=30), (host, host), window, utc("2026-01-01 00:00"))
    with pytest.raises(EngineInputError, match="non-empty id"):
        HostCalendar("", HOURS)


def test_the_error_is_a_value_error_for_callers_that_only_know_that() -> None:
    assert issubclass(EngineInputError, ValueError)
