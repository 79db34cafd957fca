"""Independent answers for engine properties: working time off the wall clock, blocked time by formula."""

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from engine import (
    EventRules,
    ExistingBooking,
    HostCalendar,
    Interval,
    Schedule,
    Slot,
    SlotQuery,
    TimeRange,
    find_slots,
)
from tests.engine.strategies import (
    BLOCKING,
    MIDNIGHT_ENDS,
    minutes,
)


def blocks(booking: ExistingBooking, now: datetime) -> bool:
    """Accepted, pending and held bookings hold their time, the last two only until they expire."""
    if booking.status not in BLOCKING:
        return False
    return booking.expires_at is None or booking.expires_at > now


def blocked_time(calendar: HostCalendar, rules: EventRules, now: datetime) -> list[Interval]:
    """DESIGN.md's busy formula, with statuses and expiry read at ``now``."""
    blocked = []
    for booking in calendar.bookings:
        if not blocks(booking, now):
            continue
        before = minutes(booking.buffer_before + rules.buffer_after)
        after = minutes(booking.buffer_after + rules.buffer_before)
        blocked.append(Interval(booking.start - before, booking.end + after))
    for event in calendar.busy:
        before = minutes(rules.buffer_after)
        blocked.append(Interval(event.start - before, event.end + minutes(rules.buffer_before)))
    return blocked


class WorkingHours:
    """A schedule read minute by minute off the host's wall clock, as a host reads their own hours.

    A range of a date covers the instants from the first time the wall clock shows its start until
    the first time it shows its end (23:59 or 00:00 = the next midnight): so a range starting in a
    spring-forward gap starts at the jump, and a wall time repeated by a fall-back counts at its
    first occurrence. During the repeated hour the clock is read as the latest time it already
    showed.
    """

    def __init__(self, schedule: Schedule) -> None:
        self.zone = ZoneInfo(schedule.zone)
        self.weekly: dict[int, list[TimeRange]] = {}
        for window in schedule.weekly:
            self.weekly.setdefault(window.weekday, []).append(window.hours)
        self.overrides = {override.day: override.hours for override in schedule.overrides}
        self.known: dict[int, bool] = {}

    def hours_on(self, day: date) -> Sequence[TimeRange]:
        if day in self.overrides:
            return self.overrides[day]
        return self.weekly.get(day.isoweekday(), [])

    def clock(self, second: int) -> datetime:
        """The latest wall time shown up to ``second`` (naive)."""
        shown = datetime.fromtimestamp(second, self.zone)
        if not shown.fold:
            return shown.replace(tzinfo=None)
        earlier = (datetime.fromtimestamp(second - 60 * back, self.zone) for back in range(180))
        return max(moment.replace(tzinfo=None) for moment in earlier)

    def minute_free(self, second: int) -> bool:
        """Whether the host works during the whole minute starting at epoch ``second``."""
        if second not in self.known:
            now = self.clock(second)
            day = now.date()
            self.known[second] = any(
                datetime.combine(day, hours.start) <= now < self.end_of(day, hours)
                for hours in self.hours_on(day)
            )
        return self.known[second]

    @staticmethod
    def end_of(day: date, hours: TimeRange) -> datetime:
        if hours.end in MIDNIGHT_ENDS:
            return datetime.combine(day + timedelta(days=1), time(0))
        return datetime.combine(day, hours.end)

    def covers(self, start: datetime, duration: int) -> bool:
        first = int(start.timestamp())
        return all(self.minute_free(first + 60 * minute) for minute in range(duration))


def overlaps(slot: Slot, blocked: Interval) -> bool:
    return slot.start < blocked.end and blocked.start < slot.end


def earliest_start(query: SlotQuery) -> datetime:
    """``now + max(notice, 1 min)`` with the seconds dropped."""
    earliest = query.now + minutes(max(query.rules.min_notice, 1))
    return earliest.replace(second=0, microsecond=0)


def expected_assignment(query: SlotQuery, free: Sequence[str]) -> tuple[str, ...]:
    """All fixed hosts, then per group (in order of first appearance) the free member booked least
    recently; never booked counts as longest ago, and ties go to the smallest id."""
    chosen = list(fixed_ids(query))
    groups: dict[str, list[HostCalendar]] = {}
    for calendar in query.hosts:
        if calendar.group is not None:
            groups.setdefault(calendar.group, []).append(calendar)
    for members in groups.values():
        candidates = [calendar for calendar in members if calendar.host in free]
        never = [calendar.host for calendar in candidates if calendar.last_booked_at is None]
        booked = sorted((c.last_booked_at, c.host) for c in candidates if c.last_booked_at)
        chosen.append(min(never) if never else booked[0][1])
    return tuple(chosen)


def fixed_ids(query: SlotQuery) -> tuple[str, ...]:
    return tuple(calendar.host for calendar in query.hosts if calendar.group is None)


def starts(query: SlotQuery) -> dict[datetime, tuple[str, ...]]:
    return {slot.start: slot.hosts for slot in find_slots(query)}


def hosts_only(query: SlotQuery, hosts: Sequence[HostCalendar]) -> SlotQuery:
    return SlotQuery(query.rules, tuple(hosts), query.window, query.now, query.invitee_zone)


def window_only(query: SlotQuery, start: datetime, end: datetime) -> SlotQuery:
    return SlotQuery(query.rules, query.hosts, Interval(start, end), query.now, query.invitee_zone)


# --------------------------------------------------------------------------------------------------
# Properties of one answer
