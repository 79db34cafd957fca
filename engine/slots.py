"""The engine's two entry points: list bookable slots, and check one exact start.

Both run the same computation, so a slot that was offered is exactly a slot that can be booked; the
booking service calls ``check_start`` inside its transaction with fresh busy data.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from engine import clock
from engine.busy import Interval
from engine.errors import EngineInputError
from engine.host import Bounds, HostCalendar, busy_reach, settled_since
from engine.rules import EventRules
from engine.schedule import Schedule
from engine.team import choose_hosts, team_starts

MAX_WINDOW = timedelta(days=366)


@dataclass(frozen=True, slots=True)
class SlotQuery:
    """A question to the engine: slots of ``rules`` for these hosts, starting inside ``window``.

    ``now`` is always given (the engine has no clock); ``invitee_zone`` decides where a rolling
    period's last day ends.
    """

    rules: EventRules
    hosts: tuple[HostCalendar, ...]
    window: Interval
    now: datetime
    invitee_zone: str = "UTC"

    def __post_init__(self) -> None:
        clock.require_aware(self.now, "now")
        clock.zone(self.invitee_zone)
        if not self.hosts:
            raise EngineInputError("a query needs at least one host")
        ids = [calendar.host for calendar in self.hosts]
        if len(ids) != len(set(ids)):
            raise EngineInputError("each host may appear only once in a query")
        if self.window.end - self.window.start > MAX_WINDOW:
            raise EngineInputError("a request window may span at most 366 days")

    def bounds(self) -> Bounds:
        """The query's instants as epoch seconds (earliest = now + max(notice, 1 min), floored)."""
        now = clock.to_epoch(self.now, "now")
        earliest = now + max(self.rules.min_notice, 1) * clock.MINUTE
        earliest -= earliest % clock.MINUTE
        return Bounds(now, earliest, self.window.span, clock.zone(self.invitee_zone))


@dataclass(frozen=True, slots=True)
class Slot:
    """A bookable start, with the hosts free for it (fixed hosts first, then free group members)."""

    start: datetime
    end: datetime
    hosts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Assignment:
    """A start that can be booked now, and who takes it."""

    slot: Slot
    hosts: tuple[str, ...]


def busy_range(
    schedules: Iterable[Schedule], rules: EventRules, window: Interval
) -> tuple[datetime, datetime]:
    """Which blocked time a query of ``rules`` over ``window`` reads, for hosts keeping ``schedules``.

    Bookings (as blocked ranges with their own buffers) and busy blocks that don't overlap the
    returned range can't change the answer, so a store need fetch only those that do; how far back
    that reaches depends on how long availability runs unbroken before the window.
    """
    reaches = [busy_reach(schedule, rules, window.span) for schedule in schedules]
    if not reaches:
        raise EngineInputError("a query needs at least one host")
    lo, hi = min(lo for lo, _ in reaches), max(hi for _, hi in reaches)
    return clock.from_epoch(lo), clock.from_epoch(hi)


def settled(query: SlotQuery, fetched_from: datetime) -> bool:
    """Whether the answer holds without the hosts' blocked time that ends by ``fetched_from``.

    A store can then read recent blocked time first (in ``busy_range``, from ``fetched_from`` on, each
    booking with its own buffers as stores keep it) and reach further back only when this says no:
    availability that runs for days makes ``busy_range`` reach back a week, yet on a calendar with
    bookings the free range a start lies in usually began a few hours earlier. The new event's
    buffer before widens what older blocked time can still cover.
    """
    bounds = query.bounds()
    since = clock.to_epoch(fetched_from, "fetched_from") + query.rules.buffer_before * clock.MINUTE
    return all(settled_since(calendar, query.rules, bounds, since) for calendar in query.hosts)


def find_slots(query: SlotQuery) -> list[Slot]:
    """Every bookable slot starting inside the query window, sorted by start."""
    length = timedelta(minutes=query.rules.duration)
    starts = team_starts(query.hosts, query.rules, query.bounds())
    slots = []
    for start, hosts in starts.items():
        begin = clock.from_epoch(start)
        slots.append(Slot(begin, begin + length, hosts))
    return slots


def check_start(query: SlotQuery, start: datetime) -> Assignment | None:
    """Whether ``start`` is bookable under ``query`` and which hosts take it; None if it is not.

    The window is narrowed to that one second, which gives the same answer as listing (slot phases
    never depend on the window).
    """
    second = Interval(start, start + timedelta(seconds=1))
    narrow = SlotQuery(query.rules, query.hosts, second, query.now, query.invitee_zone)
    found = [slot for slot in find_slots(narrow) if slot.start == start]
    if not found:
        return None
    return Assignment(found[0], choose_hosts(query.hosts, found[0].hosts))
