"""How the bot writes times and lists: always in the invitee's zone, the host's alongside."""

from datetime import datetime
from itertools import groupby
from zoneinfo import ZoneInfo

from bot.flow.messages import Choice

SLOTS_PER_ROW = 4


def local(moment: datetime, zone: str, with_day: bool = True) -> str:
    """``Tue 9 Jun 15:00`` (or ``15:00``) on the zone's clock."""
    shown = moment.astimezone(ZoneInfo(zone))
    day = f"{shown:%a} {shown.day} {shown:%b} " if with_day else ""
    return f"{day}{shown:%H:%M}"


def both_zones(moment: datetime, invitee: str, host: str) -> str:
    """The invitee's time first; the host's too when their clocks differ."""
    mine = f"{local(moment, invitee)} ({invitee})"
    if moment.astimezone(ZoneInfo(invitee)).utcoffset() == moment.astimezone(ZoneInfo(host)).utcoffset():
        return mine
    return f"{mine}, {local(moment, host)} for the host ({host})"


def slot_rows(starts: list[datetime], zone: str) -> tuple[tuple[Choice, ...], ...]:
    """Buttons grouped by the invitee's day; the first of each day carries the date."""
    tz = ZoneInfo(zone)
    rows: list[tuple[Choice, ...]] = []
    for _, same_day in groupby(starts, key=lambda start: start.astimezone(tz).date()):
        day = list(same_day)
        for first in range(0, len(day), SLOTS_PER_ROW):
            chunk = day[first : first + SLOTS_PER_ROW]
            rows.append(
                tuple(
                    Choice(local(start, zone, with_day=first == 0 and n == 0), f"slot:{start.isoformat()}")
                    for n, start in enumerate(chunk)
                )
            )
    return tuple(rows)


def money(minor: int, currency: str) -> str:
    """``50.00 USD`` from minor units (currencies without cents are rare enough to print as-is)."""
    return f"{minor / 100:.2f} {currency}"
