"""How far ahead: rolling calendar or business days (invitee's day), or a fixed range (host's days)."""

from datetime import date

from engine import EventRules, FixedPeriod, RollingPeriod
from tests.engine.scenarios import query, schedule, starts

EVERY_DAY = schedule("UTC", {"mon-sun": "00:00-23:59"})
TWO_WEEKS = ("2026-01-05 00:00", "2026-01-19 00:00")


def last_start(rules: EventRules, now: str, invitee: str = "UTC") -> str:
    return starts(query(EVERY_DAY, TWO_WEEKS, now, rules, invitee=invitee))[-1]


def test_rolling_days_end_at_the_end_of_the_invitees_day() -> None:
    rules = EventRules(duration=60, period=RollingPeriod(2))
    # Now is Mon 5 Jan 09:00 in Tokyo; two days on ends at Thu 8 Jan 00:00 Tokyo = Wed 15:00 UTC.
    assert last_start(rules, "2026-01-05 00:00", "Asia/Tokyo") == "2026-01-07 14:00"
    assert last_start(rules, "2026-01-05 00:00", "UTC") == "2026-01-07 23:00"


def test_rolling_business_days_skip_the_weekend() -> None:
    rules = EventRules(duration=60, period=RollingPeriod(2, business_days=True))
    # Friday 9 Jan + 2 business days = Tuesday 13 Jan.
    assert last_start(rules, "2026-01-09 10:00") == "2026-01-13 23:00"


def test_zero_rolling_days_is_today_only() -> None:
    rules = EventRules(duration=60, period=RollingPeriod(0))
    assert last_start(rules, "2026-01-09 10:00") == "2026-01-09 23:00"


def test_fixed_range_uses_the_hosts_dates() -> None:
    hours = schedule("Asia/Tokyo", {"mon-sun": "09:00-10:00"})
    rules = EventRules(duration=60, period=FixedPeriod(date(2026, 1, 7), date(2026, 1, 8)))
    assert starts(query(hours, TWO_WEEKS, "2026-01-01 00:00", rules)) == [
        "2026-01-07 00:00",
        "2026-01-08 00:00",
    ]


def test_a_fixed_range_in_the_past_offers_nothing() -> None:
    rules = EventRules(duration=60, period=FixedPeriod(date(2025, 12, 1), date(2025, 12, 31)))
    assert starts(query(EVERY_DAY, TWO_WEEKS, "2026-01-01 00:00", rules)) == []
