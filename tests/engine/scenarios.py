"""Readable scenario building for engine tests: hours as text, instants as UTC strings."""

from datetime import UTC, date, datetime, time

from engine import (
    DateOverride,
    EventRules,
    ExistingBooking,
    HostCalendar,
    Interval,
    Schedule,
    SlotQuery,
    TimeRange,
    WeeklyWindow,
    find_slots,
)

WEEKDAYS = {"mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7}


def utc(text: str) -> datetime:
    """``"2026-01-05 09:00"`` read as UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def ranges(text: str) -> tuple[TimeRange, ...]:
    """``"09:00-12:00, 13:00-17:00"`` as time ranges; ``""`` is none."""
    found = []
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        start, end = part.split("-")
        found.append(TimeRange(time.fromisoformat(start), time.fromisoformat(end)))
    return tuple(found)


def schedule(zone: str, weekly: dict[str, str], overrides: dict[str, str] | None = None) -> Schedule:
    """``schedule("Europe/London", {"mon-fri": "09:00-17:00"}, {"2026-01-06": ""})``."""
    windows: list[WeeklyWindow] = []
    for days, text in weekly.items():
        first, _, last = days.partition("-")
        numbers = range(WEEKDAYS[first], WEEKDAYS[last or first] + 1)
        windows.extend(WeeklyWindow(day, hours) for day in numbers for hours in ranges(text))
    days_off = [
        DateOverride(date.fromisoformat(day), ranges(text)) for day, text in (overrides or {}).items()
    ]
    return Schedule(zone, tuple(windows), tuple(days_off))


def query(
    hosts: Schedule | tuple[HostCalendar, ...],
    window: tuple[str, str],
    now: str,
    rules: EventRules | None = None,
    *,
    bookings: tuple[ExistingBooking, ...] = (),
    busy: tuple[Interval, ...] = (),
    invitee: str = "UTC",
) -> SlotQuery:
    """A query; a bare schedule becomes one host ``"h"`` with the given bookings and busy time."""
    if isinstance(hosts, Schedule):
        hosts = (HostCalendar("h", hosts, bookings=bookings, busy=busy),)
    return SlotQuery(
        rules or EventRules(duration=30),
        hosts,
        Interval(utc(window[0]), utc(window[1])),
        utc(now),
        invitee,
    )


def starts(found: SlotQuery) -> list[str]:
    """The query's slot starts as ``"YYYY-MM-DD HH:MM"`` in UTC."""
    return [slot.start.strftime("%Y-%m-%d %H:%M") for slot in find_slots(found)]


def busy(start: str, end: str) -> Interval:
    """An external calendar event between two UTC strings."""
    return Interval(utc(start), utc(end))
