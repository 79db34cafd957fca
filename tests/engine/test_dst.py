"""Daylight-saving transitions: wall-clock hours stay put, gaps and folds follow the documented rules.

2026 transitions: New York springs forward Sun 8 Mar 02:00 and falls back Sun 1 Nov 02:00; London
springs forward Sun 29 Mar 01:00 and falls back Sun 25 Oct 02:00; Lord Howe moves by 30 minutes on
Sun 5 Apr (02:00 → 01:30) and Sun 4 Oct (02:00 → 02:30).
"""

from engine import EventRules
from tests.engine.scenarios import query, schedule, starts

EARLY = "2026-01-01 00:00"
HOUR = EventRules(duration=60)


def test_new_york_spring_forward_keeps_nine_oclock() -> None:
    hours = schedule("America/New_York", {"sat-sun": "09:00-10:00"})
    window = ("2026-03-07 00:00", "2026-03-09 00:00")
    assert starts(query(hours, window, EARLY, HOUR)) == ["2026-03-07 14:00", "2026-03-08 13:00"]


def test_new_york_fall_back_keeps_nine_oclock() -> None:
    hours = schedule("America/New_York", {"sat-sun": "09:00-10:00"})
    window = ("2026-10-31 00:00", "2026-11-02 00:00")
    assert starts(query(hours, window, EARLY, HOUR)) == ["2026-10-31 13:00", "2026-11-01 14:00"]


def test_london_spring_forward_keeps_nine_oclock() -> None:
    hours = schedule("Europe/London", {"sat-sun": "09:00-10:00"})
    window = ("2026-03-28 00:00", "2026-03-30 00:00")
    assert starts(query(hours, window, EARLY, HOUR)) == ["2026-03-28 09:00", "2026-03-29 08:00"]


def test_london_fall_back_keeps_nine_oclock() -> None:
    hours = schedule("Europe/London", {"sat-sun": "09:00-10:00"})
    window = ("2026-10-24 00:00", "2026-10-26 00:00")
    assert starts(query(hours, window, EARLY, HOUR)) == ["2026-10-24 08:00", "2026-10-25 09:00"]


def test_hours_spanning_the_new_york_gap_last_one_real_hour_less() -> None:
    hours = schedule("America/New_York", {"sun": "01:00-03:30"})
    window = ("2026-03-08 00:00", "2026-03-09 00:00")
    assert starts(query(hours, window, EARLY)) == [
        "2026-03-08 06:00",
        "2026-03-08 06:30",
        "2026-03-08 07:00",
    ]


def test_a_window_inside_the_gap_is_empty() -> None:
    hours = schedule("America/New_York", {"sun": "02:00-02:30"})
    window = ("2026-03-08 00:00", "2026-03-09 00:00")
    assert starts(query(hours, window, EARLY)) == []


def test_a_start_inside_the_gap_moves_to_the_jump() -> None:
    hours = schedule("America/New_York", {"sun": "02:30-04:00"})
    window = ("2026-03-08 00:00", "2026-03-09 00:00")
    assert starts(query(hours, window, EARLY)) == ["2026-03-08 07:00", "2026-03-08 07:30"]


def test_london_gap_at_one_oclock() -> None:
    hours = schedule("Europe/London", {"sun": "00:30-02:30"})
    window = ("2026-03-29 00:00", "2026-03-30 00:00")
    assert starts(query(hours, window, EARLY)) == ["2026-03-29 00:30", "2026-03-29 01:00"]


def test_the_repeated_hour_counts_twice_in_new_york() -> None:
    hours = schedule("America/New_York", {"sun": "01:00-02:00"})
    window = ("2026-11-01 00:00", "2026-11-02 00:00")
    assert starts(query(hours, window, EARLY)) == [
        "2026-11-01 05:00",
        "2026-11-01 05:30",
        "2026-11-01 06:00",
        "2026-11-01 06:30",
    ]


def test_lord_howe_half_hour_shift_in_october() -> None:
    hours = schedule("Australia/Lord_Howe", {"sat-sun": "09:00-10:00"})
    window = ("2026-10-02 00:00", "2026-10-04 00:00")
    assert starts(query(hours, window, EARLY, HOUR)) == ["2026-10-02 22:30", "2026-10-03 22:00"]


def test_lord_howe_half_hour_gap_moves_a_start_to_the_jump() -> None:
    hours = schedule("Australia/Lord_Howe", {"sun": "02:00-03:30"})
    window = ("2026-10-03 00:00", "2026-10-05 00:00")
    assert starts(query(hours, window, EARLY)) == ["2026-10-03 15:30", "2026-10-03 16:00"]


def test_lord_howe_half_hour_repeated_in_april() -> None:
    hours = schedule("Australia/Lord_Howe", {"sun": "01:30-02:00"})
    window = ("2026-04-04 00:00", "2026-04-06 00:00")
    assert starts(query(hours, window, EARLY)) == ["2026-04-04 14:30", "2026-04-04 15:00"]


def test_hours_through_the_night_across_a_transition_keep_real_minutes() -> None:
    hours = schedule("Europe/London", {"sat": "22:00-23:59", "sun": "00:00-04:00"})
    window = ("2026-03-28 00:00", "2026-03-30 00:00")
    found = starts(query(hours, window, EARLY, HOUR))
    assert found == [
        "2026-03-28 22:00",
        "2026-03-28 23:00",
        "2026-03-29 00:00",
        "2026-03-29 01:00",
        "2026-03-29 02:00",
    ]
