"""How far ahead an event can be booked: a rolling number of (business) days or a fixed date range."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from engine import clock
from engine.intervals import EVERYTHING, Span
from engine.rules import FixedPeriod, Period, RollingPeriod

SATURDAY = 6


def add_business_days(day: date, count: int) -> date:
    """The date ``count`` Monday-to-Friday days after ``day``."""
    while count > 0:
        day += timedelta(days=1)
        if day.isoweekday() < SATURDAY:
            count -= 1
    return day


def period_span(period: Period | None, now: int, invitee: ZoneInfo, host: ZoneInfo) -> Span:
    """The epoch seconds in which a slot may start under ``period``.

    Rolling periods end at the end of the invitee's day, as the invitee reads "within 14 days"; a
    fixed range is the host's own dates.
    """
    if period is None:
        return EVERYTHING
    if isinstance(period, RollingPeriod):
        today = clock.local_date(now, invitee)
        if period.business_days:
            last = add_business_days(today, period.days)
        else:
            last = today + timedelta(days=period.days)
        return EVERYTHING[0], clock.midnight(last + timedelta(days=1), invitee)
    assert isinstance(period, FixedPeriod)
    return clock.midnight(period.first, host), clock.midnight(period.last + timedelta(days=1), host)
