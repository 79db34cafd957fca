"""The slot engine: pure functions deciding what is bookable. Standard library only, no clock, no I/O."""

from engine.busy import BookingStatus, ExistingBooking, Interval
from engine.errors import EngineInputError
from engine.host import HostCalendar
from engine.rules import (
    BookingLimit,
    EventRules,
    FixedPeriod,
    LimitKind,
    LimitUnit,
    Period,
    RollingPeriod,
)
from engine.schedule import DateOverride, Schedule, TimeRange, WeeklyWindow
from engine.slots import Assignment, Slot, SlotQuery, busy_range, check_start, find_slots, settled

__all__ = [
    "Assignment",
    "BookingLimit",
    "BookingStatus",
    "DateOverride",
    "EngineInputError",
    "EventRules",
    "ExistingBooking",
    "FixedPeriod",
    "HostCalendar",
    "Interval",
    "LimitKind",
    "LimitUnit",
    "Period",
    "RollingPeriod",
    "Schedule",
    "Slot",
    "SlotQuery",
    "TimeRange",
    "WeeklyWindow",
    "busy_range",
    "check_start",
    "find_slots",
    "settled",
]
