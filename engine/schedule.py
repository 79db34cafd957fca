"""A host's working hours: weekly windows in an IANA zone plus whole-date overrides.

Windows are wall-clock times on a local date, so "09:00–17:00" stays 09:00–17:00 across DST. An end of
23:59 means midnight; touching windows merge, so hours can run across midnight into the next day.
"""

from dataclasses import dataclass, field
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from engine import clock
from engine.errors import EngineInputError
from engine.intervals import Span, normalize

END_OF_DAY = time(23, 59)


@dataclass(frozen=True, slots=True)
class TimeRange:
    """Wall-clock ``start``–``end`` on one local date; ``end`` 23:59 (or 00:00) means midnight."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise EngineInputError("working hours are wall-clock times; give them without a zone")
        if self.end != time(0) and self.end <= self.start:
            raise EngineInputError(f"working hours end {self.end} is not after start {self.start}")

    def span_on(self, day: date, tz: ZoneInfo) -> Span:
        """The real instants this range covers on ``day``."""
        start = clock.wall_to_epoch(day, self.start, tz)
        if self.end in (END_OF_DAY, time(0)):
            return start, clock.midnight(day + timedelta(days=1), tz)
        return start, clock.wall_to_epoch(day, self.end, tz)


@dataclass(frozen=True, slots=True)
class WeeklyWindow:
    """Working hours on every ``weekday`` (ISO: 1 = Monday … 7 = Sunday)."""

    weekday: int
    hours: TimeRange

    def __post_init__(self) -> None:
        if not 1 <= self.weekday <= 7:
            raise EngineInputError(f"weekday must be 1 (Monday) to 7 (Sunday), got {self.weekday}")


@dataclass(frozen=True, slots=True)
class DateOverride:
    """Replaces every weekly window of ``day``; no ranges means a day off."""

    day: date
    hours: tuple[TimeRange, ...] = ()


@dataclass(frozen=True, slots=True)
class Schedule:
    """Weekly hours and overrides, read on the wall clock of ``zone``.

    Each date's hours are worked out once per schedule: a query reads the same days several times
    (tracing where availability began, then expanding it), and zone arithmetic is the costly part.
    Servers share a schedule between requests for a while (``api.kept``); threads may then fill the
    memo at once, which is harmless, as each entry is computed alike and never changed.
    """

    zone: str
    weekly: tuple[WeeklyWindow, ...] = ()
    overrides: tuple[DateOverride, ...] = ()
    _by_date: dict[date, tuple[TimeRange, ...]] = field(init=False, repr=False, compare=False)
    _days: dict[date, list[Span]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        clock.zone(self.zone)
        by_date = {override.day: override.hours for override in self.overrides}
        if len(by_date) != len(self.overrides):
            raise EngineInputError("a date may have only one override; put all its ranges in it")
        object.__setattr__(self, "_by_date", by_date)

    def _hours_on(self, day: date) -> list[Span]:
        """Working time on one local date, in the order of its ranges."""
        spans = self._days.get(day)
        if spans is None:
            ranges = self._by_date.get(day)
            if ranges is None:
                ranges = tuple(window.hours for window in self.weekly if window.weekday == day.isoweekday())
            tz = clock.zone(self.zone)
            spans = self._days[day] = [hours.span_on(day, tz) for hours in ranges]
        return spans

    def available(self, first: date, last: date) -> list[Span]:
        """Working time on local dates ``first``..``last`` as a span list."""
        return normalize(span for day in clock.day_range(first, last) for span in self._hours_on(day))
