"""Weekly hours, overrides and the slot grid, as scenarios: host zone, rules, now → starts in UTC."""

from engine import EventRules
from tests.engine.scenarios import busy, query, schedule, starts

MONDAY = ("2026-01-05 00:00", "2026-01-06 00:00")
EARLY = "2026-01-01 00:00"


def test_berlin_morning_in_utc() -> None:
    hours = schedule("Europe/Berlin", {"mon-fri": "09:00-11:00"})
    assert starts(query(hours, MONDAY, EARLY)) == [
        "2026-01-05 08:00",
        "2026-01-05 08:30",
        "2026-01-05 09:00",
        "2026-01-05 09:30",
    ]


def test_several_windows_a_day() -> None:
    hours = schedule("UTC", {"mon": "09:00-10:00, 14:00-15:00"})
    assert starts(query(hours, MONDAY, EARLY)) == [
        "2026-01-05 09:00",
        "2026-01-05 09:30",
        "2026-01-05 14:00",
        "2026-01-05 14:30",
    ]


def test_a_slot_must_end_by_the_end_of_its_range() -> None:
    hours = schedule("UTC", {"mon": "09:00-10:10"})
    assert starts(query(hours, MONDAY, EARLY)) == ["2026-01-05 09:00", "2026-01-05 09:30"]


def test_2359_means_midnight() -> None:
    hours = schedule("UTC", {"mon": "23:00-23:59"})
    assert starts(query(hours, MONDAY, EARLY)) == ["2026-01-05 23:00", "2026-01-05 23:30"]


def test_touching_ranges_merge_across_midnight() -> None:
    hours = schedule("UTC", {"mon": "22:00-23:59", "tue": "00:00-01:00"})
    rules = EventRules(duration=90, interval=30)
    window = ("2026-01-05 00:00", "2026-01-07 00:00")
    assert starts(query(hours, window, EARLY, rules)) == [
        "2026-01-05 22:00",
        "2026-01-05 22:30",
        "2026-01-05 23:00",
        "2026-01-05 23:30",
    ]


def test_touching_windows_on_one_day_merge() -> None:
    hours = schedule("UTC", {"mon": "09:00-10:00, 10:00-11:00"})
    assert starts(query(hours, MONDAY, EARLY, EventRules(duration=120))) == ["2026-01-05 09:00"]
    assert starts(query(hours, MONDAY, EARLY, EventRules(duration=90, interval=30))) == [
        "2026-01-05 09:00",
        "2026-01-05 09:30",
    ]


def test_override_replaces_the_weekly_hours_of_its_date() -> None:
    hours = schedule("UTC", {"mon-fri": "09:00-17:00"}, {"2026-01-05": "13:00-14:00"})
    assert starts(query(hours, MONDAY, EARLY)) == ["2026-01-05 13:00", "2026-01-05 13:30"]


def test_empty_override_is_a_day_off() -> None:
    hours = schedule("UTC", {"mon-fri": "09:00-10:00"}, {"2026-01-05": ""})
    window = ("2026-01-05 00:00", "2026-01-07 00:00")
    assert starts(query(hours, window, EARLY)) == ["2026-01-06 09:00", "2026-01-06 09:30"]


def test_a_schedule_of_overrides_only() -> None:
    hours = schedule("UTC", {}, {"2026-01-07": "10:00-11:00"})
    window = ("2026-01-05 00:00", "2026-01-12 00:00")
    assert starts(query(hours, window, EARLY)) == ["2026-01-07 10:00", "2026-01-07 10:30"]


def test_interval_shorter_than_duration() -> None:
    hours = schedule("UTC", {"mon": "09:00-11:00"})
    rules = EventRules(duration=60, interval=30)
    assert starts(query(hours, MONDAY, EARLY, rules)) == [
        "2026-01-05 09:00",
        "2026-01-05 09:30",
        "2026-01-05 10:00",
    ]


def test_grid_is_on_the_hosts_clock_in_kolkata() -> None:
    hours = schedule("Asia/Kolkata", {"mon": "09:00-12:00"})
    assert starts(query(hours, MONDAY, EARLY, EventRules(duration=60))) == [
        "2026-01-05 03:30",
        "2026-01-05 04:30",
        "2026-01-05 05:30",
    ]


def test_grid_is_on_the_hosts_clock_in_kathmandu() -> None:
    hours = schedule("Asia/Kathmandu", {"mon": "09:00-11:00"})
    assert starts(query(hours, MONDAY, EARLY, EventRules(duration=60))) == [
        "2026-01-05 03:15",
        "2026-01-05 04:15",
    ]


def test_first_start_after_busy_time_aligns_up_to_the_grid() -> None:
    hours = schedule("UTC", {"mon": "09:00-11:00"})
    taken = (busy("2026-01-05 08:00", "2026-01-05 09:10"),)
    assert starts(query(hours, MONDAY, EARLY, busy=taken)) == [
        "2026-01-05 09:30",
        "2026-01-05 10:00",
        "2026-01-05 10:30",
    ]


def test_a_45_minute_step_uses_a_15_minute_grid() -> None:
    hours = schedule("UTC", {"mon": "09:00-11:00"})
    taken = (busy("2026-01-05 08:00", "2026-01-05 09:10"),)
    assert starts(query(hours, MONDAY, EARLY, EventRules(duration=45), busy=taken)) == [
        "2026-01-05 09:15",
        "2026-01-05 10:00",
    ]


def test_a_step_that_no_grid_size_divides_starts_on_the_minute() -> None:
    hours = schedule("UTC", {"mon": "09:00-10:00"})
    taken = (busy("2026-01-05 08:00", "2026-01-05 09:02"),)
    assert starts(query(hours, MONDAY, EARLY, EventRules(duration=29), busy=taken)) == [
        "2026-01-05 09:02",
        "2026-01-05 09:31",
    ]


def test_window_filters_starts_without_moving_the_grid() -> None:
    hours = schedule("UTC", {"mon": "09:00-12:00"})
    rules = EventRules(duration=45)
    whole = starts(query(hours, MONDAY, EARLY, rules))
    late = starts(query(hours, ("2026-01-05 09:50", "2026-01-06 00:00"), EARLY, rules))
    assert whole == ["2026-01-05 09:00", "2026-01-05 09:45", "2026-01-05 10:30", "2026-01-05 11:15"]
    assert late == ["2026-01-05 10:30", "2026-01-05 11:15"]


def test_the_grid_of_hours_running_across_midnight_survives_a_window_split() -> None:
    hours = schedule("UTC", {"mon": "20:00-23:59", "tue": "00:00-03:00"})
    rules = EventRules(duration=50)
    whole = starts(query(hours, ("2026-01-05 00:00", "2026-01-07 00:00"), EARLY, rules))
    second_day = starts(query(hours, ("2026-01-06 00:00", "2026-01-07 00:00"), EARLY, rules))
    assert [start for start in whole if start >= "2026-01-06"] == second_day
    assert second_day == ["2026-01-06 00:10", "2026-01-06 01:00", "2026-01-06 01:50"]


def test_round_the_clock_hours_keep_one_phase_whatever_the_window() -> None:
    hours = schedule("UTC", {"mon-sun": "00:00-23:59"})
    rules = EventRules(duration=50)
    month = starts(query(hours, ("2026-01-05 00:00", "2026-02-04 00:00"), EARLY, rules))
    late = starts(query(hours, ("2026-01-25 00:00", "2026-01-26 00:00"), EARLY, rules))
    assert late
    assert [start for start in month if start.startswith("2026-01-25")] == late


def test_a_long_free_range_settles_on_the_fixed_phase_after_a_week() -> None:
    hours = schedule("UTC", {"mon-sun": "00:00-23:59"})
    rules = EventRules(duration=50)
    taken = (busy("2026-01-04 00:00", "2026-01-05 00:10"),)
    found = starts(query(hours, ("2026-01-05 00:00", "2026-01-14 00:00"), EARLY, rules, busy=taken))
    assert found[0] == "2026-01-05 00:10"
    # A week after the range began (2026-01-12 00:10) starts follow the grid counted from 2000-01-01.
    week_later = [start for start in found if start >= "2026-01-12 00:10"]
    assert week_later[0] == "2026-01-12 00:30"  # 2000-01-01 00:00 + 273,831 × 50 min
