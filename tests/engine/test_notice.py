"""Minimum notice, the one-minute floor and flooring of seconds."""

from engine import EventRules
from tests.engine.scenarios import query, schedule, starts

HOURS = schedule("UTC", {"mon": "09:00-12:00"})
MONDAY = ("2026-01-05 00:00", "2026-01-06 00:00")


def test_notice_pushes_the_first_start_and_it_aligns_up() -> None:
    rules = EventRules(duration=30, min_notice=120)
    assert starts(query(HOURS, MONDAY, "2026-01-05 08:10", rules))[0] == "2026-01-05 10:30"


def test_a_start_exactly_now_is_not_offered() -> None:
    assert starts(query(HOURS, MONDAY, "2026-01-05 09:00"))[0] == "2026-01-05 09:30"


def test_seconds_of_the_earliest_start_are_floored() -> None:
    assert starts(query(HOURS, MONDAY, "2026-01-05 08:59:30"))[0] == "2026-01-05 09:00"


def test_the_earliest_start_cuts_a_range_and_anchors_its_grid() -> None:
    rules = EventRules(duration=45)
    assert starts(query(HOURS, MONDAY, "2026-01-05 09:20", rules)) == [
        "2026-01-05 09:30",
        "2026-01-05 10:15",
        "2026-01-05 11:00",
    ]


def test_nothing_in_the_past() -> None:
    assert starts(query(HOURS, MONDAY, "2026-01-05 12:00")) == []
