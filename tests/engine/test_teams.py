"""Teams: collective intersection, round-robin groups with fixed hosts, and who gets the booking."""

from engine import (
    EventRules,
    ExistingBooking,
    HostCalendar,
    Schedule,
    check_start,
    find_slots,
)
from tests.engine.scenarios import query, schedule, starts, utc

MONDAY = ("2026-01-05 00:00", "2026-01-06 00:00")
EARLY = "2026-01-01 00:00"


def member(host: str, hours: Schedule, group: str | None = None, last: str | None = None) -> HostCalendar:
    return HostCalendar(host, hours, group=group, last_booked_at=utc(last) if last else None)


def test_collective_is_the_intersection() -> None:
    team = (
        member("a", schedule("UTC", {"mon": "09:00-12:00"})),
        member("b", schedule("UTC", {"mon": "10:00-13:00"})),
    )
    found = find_slots(query(team, MONDAY, EARLY, EventRules(duration=60)))
    assert [(slot.start.hour, slot.hosts) for slot in found] == [(10, ("a", "b")), (11, ("a", "b"))]


def test_collective_across_zones() -> None:
    team = (
        member("london", schedule("Europe/London", {"mon": "09:00-17:00"})),
        member("new-york", schedule("America/New_York", {"mon": "09:00-17:00"})),
    )
    assert starts(query(team, MONDAY, EARLY, EventRules(duration=60))) == [
        "2026-01-05 14:00",
        "2026-01-05 15:00",
        "2026-01-05 16:00",
    ]


def test_a_collective_member_booked_elsewhere_blocks_the_team() -> None:
    hours = schedule("UTC", {"mon": "09:00-11:00"})
    busy_b = ExistingBooking(utc("2026-01-05 09:00"), utc("2026-01-05 10:00"))
    team = (member("a", hours), HostCalendar("b", hours, bookings=(busy_b,)))
    assert starts(query(team, MONDAY, EARLY, EventRules(duration=60))) == ["2026-01-05 10:00"]


def test_round_robin_slot_must_fit_one_members_own_time() -> None:
    team = (
        member("a", schedule("UTC", {"mon": "09:00-10:00"}), "sales"),
        member("b", schedule("UTC", {"mon": "10:00-11:00"}), "sales"),
    )
    found = find_slots(query(team, MONDAY, EARLY, EventRules(duration=60, interval=30)))
    assert [(slot.start.strftime("%H:%M"), slot.hosts) for slot in found] == [
        ("09:00", ("a",)),
        ("10:00", ("b",)),
    ]


def test_round_robin_lists_every_free_member() -> None:
    hours = schedule("UTC", {"mon": "09:00-10:00"})
    team = (member("a", hours, "sales"), member("b", hours, "sales"))
    found = find_slots(query(team, MONDAY, EARLY, EventRules(duration=60)))
    assert [slot.hosts for slot in found] == [("a", "b")]


def test_round_robin_groups_are_intersected() -> None:
    team = (
        member("a", schedule("UTC", {"mon": "09:00-11:00"}), "sales"),
        member("b", schedule("UTC", {"mon": "13:00-15:00"}), "sales"),
        member("c", schedule("UTC", {"mon": "10:00-14:00"}), "engineering"),
    )
    found = find_slots(query(team, MONDAY, EARLY, EventRules(duration=60)))
    assert [(slot.start.hour, slot.hosts) for slot in found] == [(10, ("a", "c")), (13, ("b", "c"))]


def test_fixed_hosts_join_every_round_robin_slot() -> None:
    team = (
        member("lead", schedule("UTC", {"mon": "10:00-12:00"})),
        member("a", schedule("UTC", {"mon": "09:00-11:00"}), "sales"),
        member("b", schedule("UTC", {"mon": "11:00-13:00"}), "sales"),
    )
    found = find_slots(query(team, MONDAY, EARLY, EventRules(duration=60)))
    assert [(slot.start.hour, slot.hosts) for slot in found] == [
        (10, ("lead", "a")),
        (11, ("lead", "b")),
    ]


def test_round_robin_picks_the_least_recently_booked_free_member() -> None:
    hours = schedule("UTC", {"mon": "09:00-12:00"})
    team = (
        member("a", hours, "sales", last="2026-01-02 10:00"),
        member("b", hours, "sales", last="2026-01-01 10:00"),
        member("c", schedule("UTC", {"mon": "11:00-12:00"}), "sales"),
    )
    ask = query(team, MONDAY, EARLY, EventRules(duration=60))
    nine = check_start(ask, utc("2026-01-05 09:00"))
    eleven = check_start(ask, utc("2026-01-05 11:00"))
    assert nine is not None
    assert nine.hosts == ("b",)
    assert eleven is not None
    assert eleven.hosts == ("c",)  # never booked goes first


def test_round_robin_ties_go_to_the_smallest_id() -> None:
    hours = schedule("UTC", {"mon": "09:00-10:00"})
    team = (member("zoe", hours, "sales"), member("amir", hours, "sales"))
    chosen = check_start(query(team, MONDAY, EARLY, EventRules(duration=60)), utc("2026-01-05 09:00"))
    assert chosen is not None
    assert chosen.hosts == ("amir",)
