"""Natural-language time requests ("next Tue after 3pm") read as constraints on the engine's slots.

The parser never proposes a time: it only narrows the slots the engine found free, so a misreading can
offer the wrong real slots but never an invented one (an LLM helping with odd phrasings must end here
too). Where English is ambiguous these rules hold (``tests/bot/test_when.py`` shows each):

* Days are the invitee's local dates in ``zone``; "today" is ``now``'s date there. Weeks are ISO weeks
  (Monday to Sunday).
* A bare weekday ("tue", "this tuesday") is its next occurrence, today included; "next tuesday" is the
  Tuesday of the following ISO week, so on a Monday "tuesday" is tomorrow and "next tuesday" eight
  days away. Several ("friday or monday") each take their occurrence and the request runs from the
  first to the last, restricted to those weekdays. "next" carries along a list ("next fri or mon").
* Next to a range ("next week", "this weekend", "in 2 weeks", "this month") weekday names filter it
  ("tuesday next week"); "but / except / not (on) friday" removes weekdays from any request.
* "this week" is today..Sunday, "later this week" tomorrow..Sunday, "next week" the next ISO week,
  "(this) weekend" the coming Saturday–Sunday, "next weekend" the one in the next ISO week, "in N weeks"
  the whole ISO week holding today + 7N, "in N days" that one day.
* Dates: month names ("June 3", "3rd of June", "jun 3 2027") and ISO (2026-06-03) only. A numeric
  slash ("6/3") is day-first in some countries and month-first in others, and answering the rest of
  the text without it would offer the wrong days, so any text holding one is not parsed (None). A
  month-name date without a year already past means next year; a past or impossible date gives None.
* Only a time given ("after 3pm"): the days are today..today+13. Only days given: no time window.
* Bare hours 1–7 mean pm and 8–11 am, unless a part of day said with them picks the other half
  ("tonight at 8" is 20:00). "at T" is the hour [T, T+1h) preferring T; "around T" is [T−1h, T+1h)
  preferring T; a range ending at or before its start ends at midnight. Several clock phrases
  intersect; several parts of day join into one span; a clock time that misses the part of day named
  with it wins over it ("morning at 2pm" is 14:00–15:00).
* The days are trimmed to the first and last allowed one; a request allowing no day at all is None.
"""

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.flow.when_words import PARTS_OF_DAY, Clock, Heard, scan
from engine import clock

ALL_DAYS = frozenset(range(1, 8))
FILTERS = {"weekdays": frozenset(range(1, 6)), "weekends": frozenset({6, 7})}
DEFAULT_SPAN = timedelta(days=13)
DAY = 24 * 60
DAY_NAMES = ("", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTH_NAMES = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
PART_NAMES = {span: " ".join(phrase) for phrase, span in reversed(PARTS_OF_DAY.items())}
Days = tuple[date, date, frozenset[int]]
Hours = tuple[int, int, int | None]
"""A clock window in minutes after midnight, [start, end), and the start preferred in it, if any."""


@dataclass(frozen=True, slots=True)
class TimeRequest:
    """What an invitee asked for, as constraints the engine's slots are filtered by.

    ``zone`` is the invitee's zone the text was read in: dates and clock times are local there.
    """

    first_day: date
    last_day: date
    weekdays: frozenset[int]
    earliest: time | None
    latest: time | None
    exact: time | None
    zone: ZoneInfo

    def window(self, zone: ZoneInfo | None = None) -> tuple[datetime, datetime]:
        """Aware UTC [start of ``first_day``, end of ``last_day``) in ``zone`` (default: the request's).

        Days start at the engine's midnight, so a day whose midnight falls in a spring-forward gap
        starts when the clocks jump, exactly as the engine's own days do.
        """
        tz = zone or self.zone
        end = clock.midnight(self.last_day + timedelta(days=1), tz)
        return clock.from_epoch(clock.midnight(self.first_day, tz)), clock.from_epoch(end)

    def allows(self, start: datetime) -> bool:
        """Whether an aware slot start, read on the request zone's wall clock, meets every constraint."""
        clock.require_aware(start, "a slot start")
        local = start.astimezone(UTC).astimezone(self.zone)  # same-zone astimezone keeps gap times
        return (
            self.first_day <= local.date() <= self.last_day
            and local.isoweekday() in self.weekdays
            and (self.earliest is None or local.time() >= self.earliest)
            and (self.latest is None or local.time() < self.latest)
        )


def parse_when(text: str, now: datetime, zone: ZoneInfo) -> TimeRequest | None:
    """The constraints ``text`` asks for, or None when it holds no usable time request."""
    clock.require_aware(now, "now")
    heard = scan(text, now.astimezone(zone).date())
    if heard.unreadable or not heard.phrases:
        return None
    days, hours = _days(heard), _hours(heard)
    if days is None or hours is None:
        return None
    start, end, exact = hours
    return TimeRequest(
        *days,
        earliest=_time(start) if start > 0 else None,
        latest=_time(end) if end < DAY else None,
        exact=None if exact is None else _time(exact),
        zone=zone,
    )


def _time(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def _days(heard: Heard) -> Days | None:
    """The request's days: named ranges filtered by weekday names, else named days, else two weeks."""
    today = heard.today
    allowed = set(ALL_DAYS) - heard.excluded
    spans: list[tuple[date, date]] = []
    for meaning, count in heard.relative:
        allowed &= FILTERS.get(meaning, ALL_DAYS)
        spans += [] if meaning in FILTERS or meaning == "anytime" else [_relative(meaning, count, today)]
    singles = [first for first, last in spans if first == last] + heard.dates
    spans = [(first, last) for first, last in spans if first != last]
    named = {weekday for weekday, _ in heard.weekdays}
    if spans:
        allowed &= named or ALL_DAYS
        spans += [(day, day) for day in singles]
    elif singles or named:
        dated = {day.isoweekday() for day in singles}  # "Tue 9 Jun": the weekday confirms the date
        singles += [
            _occurrence(today, day, following) for day, following in heard.weekdays if day not in dated
        ]
        spans = [(day, day) for day in singles]
        if named or len(set(singles)) > 1:
            allowed &= {day.isoweekday() for day in singles}
    else:
        spans = [(today, today + DEFAULT_SPAN)]
    return _trimmed(max(today, min(first for first, _ in spans)), max(last for _, last in spans), allowed)


def _trimmed(first: date, last: date, allowed: set[int]) -> Days | None:
    """The span narrowed to its first and last allowed day; None when it allows none."""
    if not allowed:
        return None
    while first <= last and first.isoweekday() not in allowed:
        first += timedelta(days=1)
    while last >= first and last.isoweekday() not in allowed:
        last -= timedelta(days=1)
    return (first, last, frozenset(allowed)) if first <= last else None


def _relative(meaning: str, count: int, today: date) -> tuple[date, date]:
    """The dates a day phrase names, counted from ``today`` (the rules in the module docstring)."""
    monday = today - timedelta(days=today.weekday())
    sunday = monday + timedelta(days=6)
    week = timedelta(days=7)
    if meaning == "in weeks":
        monday += count * week
        return monday, monday + timedelta(days=6)
    month_end = (today.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    next_end = (month_end + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    later = min(today + timedelta(days=1), sunday)
    ahead = {"today": 0, "tonight": 0, "tomorrow": 1, "overmorrow": 2, "in days": count}
    spans = {
        "this week": (today, sunday),
        "later this week": (later, sunday),
        "next week": (monday + week, sunday + week),
        "this weekend": (sunday - timedelta(days=1), sunday),
        "next weekend": (sunday + timedelta(days=6), sunday + week),
        "this month": (today, month_end),
        "next month": (month_end + timedelta(days=1), next_end),
    }
    day = today + timedelta(days=ahead.get(meaning, 0))
    return spans.get(meaning, (day, day))


def _occurrence(today: date, weekday: int, following: bool) -> date:
    """A bare weekday's next occurrence (today counts); after "next", that day of the next ISO week."""
    if following:
        return today + timedelta(days=7 - today.weekday() + weekday - 1)
    return today + timedelta(days=(weekday - today.isoweekday()) % 7)


def _hours(heard: Heard) -> Hours | None:
    """Clock phrases intersected, then narrowed by the part of day unless that would lose them."""
    part = (min(p[0] for p in heard.parts), max(p[1] for p in heard.parts)) if heard.parts else None
    start, end, exact = 0, DAY, None
    for kind, first, second in heard.clocks:
        low, high, preferred = _clock_window(kind, first, second, part)
        start, end, exact = max(start, low), min(end, high), exact if preferred is None else preferred
    exact = exact if exact is not None and start <= exact < end else None
    if part and max(start, part[0]) < min(end, part[1]) and (exact is None or part[0] <= exact < part[1]):
        start, end = max(start, part[0]), min(end, part[1])
    return (start, end, exact) if start < end else None


def _clock_window(kind: str, first: Clock, second: Clock | None, part: tuple[int, int] | None) -> Hours:
    """The window one phrase asks for: "at T" is [T, T+1h), "around T" [T−1h, T+1h), both preferring T."""
    if second is not None:
        start, end = _minutes(first, part), _minutes(second, part)
        if first.meridiem is None and not first.fixed and second.meridiem is not None:
            paired = _minutes(replace(first, meridiem=second.meridiem), None)
            start = paired if paired < end else start  # "2-4pm" is 14-16 but "11-1pm" 11-13
        if end <= start and not (second.fixed or second.meridiem) and start < end + 720:
            end += 720  # "between 6 and 8" is 18-20
        return start, end if end > start else DAY, None
    at = _minutes(first, part)
    windows = {"after": (at, DAY), "before": (0, at or DAY), "around": (max(at - 60, 0), at + 60)}
    low, high = windows.get(kind, (at, at + 60))
    return low, min(high, DAY), at if kind in ("at", "around") else None


def _minutes(reading: Clock, part: tuple[int, int] | None) -> int:
    """Minutes after midnight; a bare 1–11 takes the half of the day ``part`` covers, else 1–7 pm."""
    if reading.fixed:
        return reading.hour * 60 + reading.minute
    morning = reading.hour % 12 * 60 + reading.minute
    if reading.meridiem is not None:
        return morning + (720 if reading.meridiem == "pm" else 0)
    fitting = [m for m in (morning, morning + 720) if part and part[0] <= m < part[1]]
    return fitting[0] if fitting else morning + (720 if reading.hour <= 7 else 0)


def describe(request: TimeRequest) -> str:
    """A short phrase the bot echoes back, e.g. "Tue 9 Jun, after 15:00"."""
    return ", ".join(text for text in (_describe_days(request), _describe_hours(request)) if text)


def _day_name(day: date, month: bool = True) -> str:
    name = f"{DAY_NAMES[day.isoweekday()]} {day.day}"
    return f"{name} {MONTH_NAMES[day.month]}" if month else name


def _joined(names: list[str]) -> str:
    return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else "".join(names)


def _describe_days(request: TimeRequest) -> str:
    first, last = request.first_day, request.last_day
    days = [first + timedelta(days=n) for n in range(min((last - first).days, 400) + 1)]
    allowed = [day for day in days if day.isoweekday() in request.weekdays]
    if len(allowed) == 1 or (len(allowed) <= 3 and len(allowed) < len(days)):
        return " or ".join(_day_name(day) for day in allowed)
    same_month = (first.year, first.month) == (last.year, last.month)
    text = f"{_day_name(first, not same_month)} – {_day_name(last)}"
    missing = sorted({day.isoweekday() for day in days} - request.weekdays)
    if len(missing) > 2:
        return f"{text}, {_joined([DAY_NAMES[n] for n in sorted(request.weekdays)])} only"
    return f"{text} except {_joined([DAY_NAMES[n] for n in missing])}" if missing else text


def _describe_hours(request: TimeRequest) -> str:
    earliest, latest, exact = request.earliest, request.latest, request.exact
    if exact is not None:
        return f"{'at' if (earliest or time(0)) == exact else 'around'} {exact:%H:%M}"
    start = earliest or time(0)
    end = 24 * 60 if latest is None else latest.hour * 60 + latest.minute
    if (start.hour * 60 + start.minute, end) in PART_NAMES:
        return PART_NAMES[(start.hour * 60 + start.minute, end)]
    if earliest and latest:
        return f"{earliest:%H:%M}–{latest:%H:%M}"
    return f"after {earliest:%H:%M}" if earliest else f"before {latest:%H:%M}" if latest else ""
