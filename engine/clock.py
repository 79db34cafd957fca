"""Conversions between aware datetimes, epoch seconds and a zone's wall clock.

Wall-clock rules (documented for hosts, tested in ``tests/engine/test_dst.py``):

* A wall time that does not exist because clocks spring forward (02:30 in New York on the March
  transition day) is moved to the instant the clocks jump, i.e. the first wall time that exists.
  So a 02:00–02:30 window on that day is empty and 01:00–02:30 lasts one real hour.
* A wall time that happens twice because clocks fall back means its first occurrence (``fold=0``).
"""

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from engine.errors import EngineInputError

MINUTE = 60
DAY = 86_400


@lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo:
    """The IANA zone called ``name``, or a clear error naming it."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise EngineInputError(
            f"unknown time zone {name!r}; use an IANA name such as 'Europe/Berlin'"
        ) from exc


def require_aware(value: datetime, what: str) -> None:
    """Reject naive datetimes: a time without a zone is ambiguous by up to a day."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise EngineInputError(f"{what} must be timezone-aware, got naive {value.isoformat()}")


def to_epoch(value: datetime, what: str) -> int:
    """Whole seconds since the epoch, floored; ``what`` names the value in the error."""
    require_aware(value, what)
    return int(value.timestamp() // 1)


def from_epoch(seconds: int) -> datetime:
    """The aware UTC datetime for an epoch second."""
    return datetime.fromtimestamp(seconds, UTC)


def local_date(seconds: int, tz: ZoneInfo) -> date:
    """The date on the zone's wall calendar at that instant."""
    return datetime.fromtimestamp(seconds, tz).date()


def offset_at(seconds: int, tz: ZoneInfo) -> int:
    """The zone's UTC offset in seconds at that instant."""
    offset = datetime.fromtimestamp(seconds, tz).utcoffset()
    assert offset is not None  # a ZoneInfo always answers
    return int(offset.total_seconds())


def wall_to_epoch(day: date, wall: time, tz: ZoneInfo) -> int:
    """The instant a wall clock in ``tz`` shows ``wall`` on ``day`` (gap and fold rules above)."""
    naive = datetime.combine(day, wall)
    first = int(naive.replace(tzinfo=tz, fold=0).timestamp())
    if datetime.fromtimestamp(first, tz).replace(tzinfo=None) == naive:
        return first
    # Inside a spring-forward gap: fold=1 reads the wall time with the later offset, landing before
    # the jump; fold=0 lands after it. The jump is the first instant in between with the later offset.
    low = int(naive.replace(tzinfo=tz, fold=1).timestamp())
    after = offset_at(first, tz)
    while low < first:
        middle = (low + first) // 2
        if offset_at(middle, tz) == after:
            first = middle
        else:
            low = middle + 1
    return first


@lru_cache(maxsize=4096)
def midnight(day: date, tz: ZoneInfo) -> int:
    """The instant the wall calendar in ``tz`` turns to ``day`` (remembered: every query asks for days)."""
    return wall_to_epoch(day, time(0), tz)


def align_up(seconds: int, step_minutes: int, tz: ZoneInfo) -> int:
    """The first instant at or after ``seconds`` whose wall-clock minute count is a multiple of the step.

    Alignment is on the zone's clock, so a 60-minute grid in Asia/Kolkata falls on :30 UTC.
    """
    step = step_minutes * MINUTE
    offset = offset_at(seconds, tz)
    local = seconds + offset
    aligned = -(-local // step) * step
    return aligned - offset


def day_range(first: date, last: date) -> list[date]:
    """Every date from ``first`` to ``last`` inclusive."""
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
