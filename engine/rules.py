"""What an event type asks of the calendar: length, grid, buffers, notice, period and limits.

All lengths are whole minutes, as hosts think of them and as the API carries them.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from engine.errors import EngineInputError

GRID_SIZES = (60, 30, 20, 15, 10, 5)


class LimitUnit(StrEnum):
    """Calendar period a booking limit counts over, in the schedule's zone (weeks start on Monday)."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


class LimitKind(StrEnum):
    """Whether a limit counts bookings or their booked minutes."""

    COUNT = "count"
    MINUTES = "minutes"


@dataclass(frozen=True, slots=True)
class BookingLimit:
    """At most ``maximum`` bookings (or booked minutes) of this event type per ``unit``."""

    unit: LimitUnit
    maximum: int
    kind: LimitKind = LimitKind.COUNT

    def __post_init__(self) -> None:
        if self.maximum < 0:
            raise EngineInputError(f"a booking limit cannot be negative, got {self.maximum}")


@dataclass(frozen=True, slots=True)
class RollingPeriod:
    """Bookable up to the end of the day ``days`` (business) days ahead, in the invitee's zone."""

    days: int
    business_days: bool = False

    def __post_init__(self) -> None:
        if self.days < 0:
            raise EngineInputError(f"a rolling period cannot be negative, got {self.days} days")


@dataclass(frozen=True, slots=True)
class FixedPeriod:
    """Bookable only on local dates ``first``..``last`` of the host's schedule."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise EngineInputError(f"period ends {self.last} before it starts {self.first}")


Period = RollingPeriod | FixedPeriod


@dataclass(frozen=True, slots=True)
class EventRules:
    """The rules of one event type; ``interval`` defaults to the duration."""

    duration: int
    interval: int | None = None
    buffer_before: int = 0
    buffer_after: int = 0
    min_notice: int = 0
    period: Period | None = None
    limits: tuple[BookingLimit, ...] = ()
    event_type: str | None = None

    def __post_init__(self) -> None:
        if self.duration <= 0:
            raise EngineInputError(f"duration must be positive, got {self.duration} minutes")
        if self.interval is not None and self.interval <= 0:
            raise EngineInputError(f"slot interval must be positive, got {self.interval} minutes")
        for name in ("buffer_before", "buffer_after", "min_notice"):
            if getattr(self, name) < 0:
                raise EngineInputError(f"{name} cannot be negative, got {getattr(self, name)}")

    @property
    def step(self) -> int:
        """Minutes between consecutive starts."""
        return self.interval if self.interval is not None else self.duration

    @property
    def grid(self) -> int:
        """The largest of 60, 30, 20, 15, 10, 5 dividing the step (1 if none does)."""
        return next((size for size in GRID_SIZES if self.step % size == 0), 1)
