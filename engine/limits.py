"""Booking limits: a calendar period that has reached its limit is fully busy.

Periods are read on the schedule's wall calendar (a "day" is the host's day), weeks start on Monday.
A count limit is reached when the period already holds ``maximum`` bookings of the event type; a
minute limit when one more booking of this duration would exceed ``maximum`` booked minutes.
"""

from collections import defaultdict
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from engine import clock
from engine.busy import ExistingBooking
from engine.intervals import EVERYTHING, Span
from engine.rules import BookingLimit, EventRules, LimitKind, LimitUnit


def period_start(day: date, unit: LimitUnit) -> date:
    """The first local date of the period containing ``day``."""
    if unit is LimitUnit.DAY:
        return day
    if unit is LimitUnit.WEEK:
        return day - timedelta(days=day.isoweekday() - 1)
    if unit is LimitUnit.MONTH:
        return day.replace(day=1)
    return day.replace(month=1, day=1)


def next_period_start(first: date, unit: LimitUnit) -> date:
    """The first local date of the period after the one starting on ``first``."""
    if unit is LimitUnit.DAY:
        return first + timedelta(days=1)
    if unit is LimitUnit.WEEK:
        return first + timedelta(days=7)
    if unit is LimitUnit.MONTH:
        return (first + timedelta(days=32)).replace(day=1)
    return first.replace(year=first.year + 1)


def _is_full(limit: BookingLimit, bookings: list[ExistingBooking], duration: int) -> bool:
    if limit.kind is LimitKind.COUNT:
        return len(bookings) >= limit.maximum
    return sum(booking.minutes() for booking in bookings) + duration > limit.maximum


def limit_spans(
    bookings: tuple[ExistingBooking, ...], rules: EventRules, tz: ZoneInfo, now: int
) -> list[Span]:
    """The periods in which ``rules``' limits are reached, as (unsorted) spans."""
    if not rules.limits:
        return []
    counted = [b for b in bookings if b.blocks(now) and b.event_type == rules.event_type]
    spans: list[Span] = []
    for limit in rules.limits:
        groups: dict[date, list[ExistingBooking]] = defaultdict(list)
        for booking in counted:
            groups[period_start(clock.local_date(booking.span[0], tz), limit.unit)].append(booking)
        if _is_full(limit, [], rules.duration):
            return [EVERYTHING]
        for first, members in groups.items():
            if _is_full(limit, members, rules.duration):
                after = next_period_start(first, limit.unit)
                spans.append((clock.midnight(first, tz), clock.midnight(after, tz)))
    return spans
