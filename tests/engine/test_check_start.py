"""``check_start``: the booking service's question, answered by the same computation as listing."""

from datetime import timedelta

from engine import EventRules, ExistingBooking, check_start, find_slots
from tests.engine.scenarios import query, schedule, utc

HOURS = schedule("Europe/Berlin", {"mon-fri": "09:00-12:00"})
WEEK = ("2026-01-05 00:00", "2026-01-10 00:00")
EARLY = "2026-01-01 00:00"


def test_every_listed_start_is_bookable_and_nothing_between() -> None:
    ask = query(HOURS, WEEK, EARLY, EventRules(duration=45))
    listed = {slot.start for slot in find_slots(ask)}
    assert listed
    moment = utc(WEEK[0])
    while moment < utc(WEEK[1]):
        assert (check_start(ask, moment) is not None) == (moment in listed), moment
        moment += timedelta(minutes=5)


def test_the_answer_names_the_slot_and_its_host() -> None:
    chosen = check_start(query(HOURS, WEEK, EARLY), utc("2026-01-05 08:00"))
    assert chosen is not None
    assert chosen.slot.end == utc("2026-01-05 08:30")
    assert chosen.hosts == ("h",)


def test_a_taken_start_is_refused() -> None:
    taken = (ExistingBooking(utc("2026-01-05 08:00"), utc("2026-01-05 08:30")),)
    assert check_start(query(HOURS, WEEK, EARLY, bookings=taken), utc("2026-01-05 08:00")) is None


def test_a_start_off_by_seconds_is_refused() -> None:
    start = utc("2026-01-05 08:00") + timedelta(seconds=1)
    assert check_start(query(HOURS, WEEK, EARLY), start) is None


def test_a_start_outside_the_query_window_is_still_judged_on_its_own() -> None:
    assert check_start(query(HOURS, WEEK, EARLY), utc("2026-01-12 08:00")) is not None
