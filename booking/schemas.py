"""The shapes of what hosts and invitees send and get back; the API's contract and the CLI's input.

Inputs forbid unknown fields, so a typo is an error rather than a silently ignored setting.
"""

import re
from datetime import UTC, date, datetime, time
from enum import StrEnum
from functools import cache
from typing import Annotated, Any, Literal
from zoneinfo import available_timezones

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from engine import LimitKind, LimitUnit

MIDNIGHT = (time(0), time(23, 59))
EARLIEST_YEAR, LATEST_YEAR = 1971, 2199
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@cache
def _zones() -> frozenset[str]:
    """IANA's zone names, without the files that only look like zones (``localtime``, ``posixrules``,
    ``right/…``), whose meaning depends on the server's own setup."""
    return frozenset(available_timezones()) - {"Factory", "localtime"}


def _zone(name: str) -> str:
    if name not in _zones():
        raise ValueError(f"unknown time zone {name!r}; use an IANA name like 'Europe/Berlin'")
    return name


def _in_years(year: int) -> None:
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise ValueError(f"must be between the years {EARLIEST_YEAR} and {LATEST_YEAR}")


def _moment(value: datetime) -> datetime:
    """The instant in UTC: one instant written with two offsets is one request (``Idempotency-Key``)."""
    try:
        utc = value.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+01:00 is in the year 0 in UTC, which datetime can't hold
        utc = datetime.min.replace(tzinfo=UTC)
    _in_years(utc.year)
    return utc


def _day(value: date) -> date:
    _in_years(value.year)
    return value


def _not_a_boolean(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("must be a number, not true or false")
    return value


def _wall_clock(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError("hours are wall-clock times in the schedule's time zone; leave out the offset")
    return value


def _email(value: str) -> str:
    if not EMAIL.match(value):
        raise ValueError("not a valid email address")
    return value


TimeZoneName = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_zone)]
Moment = Annotated[AwareDatetime, AfterValidator(_moment)]
"""An instant with an offset, in years a calendar can hold (arithmetic near year 9999 overflows)."""
Day = Annotated[date, AfterValidator(_day)]
"""A calendar date in the same years (the day after 9999-12-31 can't be computed)."""
WallTime = Annotated[time, AfterValidator(_wall_clock)]
Email = Annotated[str, Field(max_length=320), AfterValidator(_email)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")]
Whole = Annotated[int, BeforeValidator(_not_a_boolean)]
"""A whole number; pydantic's lax mode would read ``true`` as 1 (``"weekday": true`` meant Monday)."""
DAY_MINUTES = 1440
Minutes = Annotated[Whole, Field(ge=0, le=DAY_MINUTES)]
MAX_ID = 2**31 - 1
"""Ids are 32-bit integers in PostgreSQL; larger ones can't exist, so they are refused up front."""
RowRef = Annotated[Whole, Field(ge=1, le=MAX_ID)]


def _check_storable(value: Any) -> Any:
    """Refuse text no database can store, anywhere in a value: U+0000 (PostgreSQL text and JSON
    can't hold it, nobody types it) and lone UTF-16 surrogates (JSON's ``\\ud800`` escapes, which are
    not Unicode text and can't be written back out as UTF-8)."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("text must not contain the NUL character (U+0000)")
        if not value.isascii():
            try:
                value.encode()
            except UnicodeEncodeError as exc:
                raise ValueError("text must be valid Unicode (it holds a lone surrogate)") from exc
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_storable(key)
            _check_storable(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _check_storable(item)
    return value


class Strict(BaseModel):
    """Base for inputs: unknown fields are rejected, and so is text no database column can hold.

    Text is trimmed, so a title of spaces is as empty as no title.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        return _check_storable(value)


class TimeRangeIn(Strict):
    """Wall-clock range; an end of 00:00 or 23:59 means midnight."""

    start: WallTime
    end: WallTime

    @model_validator(mode="after")
    def _ordered(self) -> "TimeRangeIn":
        if self.end not in MIDNIGHT and self.end <= self.start:
            raise ValueError(f"end {self.end} must be after start {self.start}")
        return self


class WeeklyHoursIn(TimeRangeIn):
    """Working hours on an ISO weekday (1 = Monday … 7 = Sunday)."""

    weekday: Whole = Field(ge=1, le=7)


class OverrideIn(Strict):
    """A date's own hours, replacing its weekly hours; no ranges = a day off."""

    date: Day
    ranges: list[TimeRangeIn] = Field(default_factory=list, max_length=12)


class ScheduleIn(Strict):
    """A schedule as a host writes it."""

    name: str = Field(min_length=1, max_length=100)
    time_zone: TimeZoneName
    weekly: list[WeeklyHoursIn] = Field(default_factory=list, max_length=84)
    overrides: list[OverrideIn] = Field(default_factory=list, max_length=366)
    is_default: bool = False

    @model_validator(mode="after")
    def _one_override_per_date(self) -> "ScheduleIn":
        days = [override.date for override in self.overrides]
        if len(days) != len(set(days)):
            raise ValueError("each date may have only one override")
        return self


class ScheduleOut(ScheduleIn):
    """A stored schedule."""

    id: int


class RollingPeriodIn(Strict):
    """Bookable up to ``days`` (business) days ahead."""

    kind: Literal["rolling"] = "rolling"
    days: Whole = Field(ge=0, le=3650)
    business_days: bool = False


class FixedPeriodIn(Strict):
    """Bookable only between two of the host's dates."""

    kind: Literal["fixed"] = "fixed"
    first: Day
    last: Day

    @model_validator(mode="after")
    def _ordered(self) -> "FixedPeriodIn":
        if self.last < self.first:
            raise ValueError("last must not be before first")
        return self


class LimitIn(Strict):
    """At most ``maximum`` bookings (or minutes) of the event type per ``unit``."""

    unit: LimitUnit
    maximum: Whole = Field(ge=0, le=100_000)
    kind: LimitKind = LimitKind.COUNT


class QuestionType(StrEnum):
    """Intake question types, each validated on its own terms."""

    TEXT = "text"
    LONG_TEXT = "long_text"
    EMAIL = "email"
    PHONE = "phone"
    NUMBER = "number"
    CHOICE = "choice"
    BOOLEAN = "boolean"


class QuestionIn(Strict):
    """An intake question; ``options`` lists the answers of a choice question."""

    key: Slug
    label: str = Field(min_length=1, max_length=300)
    type: QuestionType = QuestionType.TEXT
    required: bool = True
    options: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        default_factory=list, max_length=50
    )

    @model_validator(mode="after")
    def _options_for_choices(self) -> "QuestionIn":
        if (self.type is QuestionType.CHOICE) != bool(self.options):
            raise ValueError("choice questions need options, and only they may have them")
        folded = [option.casefold() for option in self.options]
        if len(folded) != len(set(folded)):
            raise ValueError("options must differ in more than letter case (answers ignore it)")
        return self


class EventTypeIn(Strict):
    """An event type as a host writes it. ``price`` is in the currency's minor unit."""

    slug: Slug
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=5000)
    duration: Whole = Field(ge=1, le=DAY_MINUTES)
    interval: Whole | None = Field(default=None, ge=1, le=DAY_MINUTES)
    buffer_before: Minutes = 0
    buffer_after: Minutes = 0
    min_notice: Whole = Field(default=0, ge=0, le=525_600)
    period: Annotated[RollingPeriodIn | FixedPeriodIn, Field(discriminator="kind")] | None = None
    limits: list[LimitIn] = Field(default_factory=list, max_length=8)
    price: Whole = Field(default=0, ge=0, le=100_000_000)
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    payment_provider: Literal["stripe", "razorpay"] | None = None
    hold_minutes: Whole = Field(default=15, ge=1, le=1440)
    requires_confirmation: bool = False
    pending_blocks: bool = True
    location_kind: Literal["jitsi", "link", "phone", "in_person"] = "jitsi"
    location_value: str | None = Field(default=None, max_length=500)
    questions: list[QuestionIn] = Field(default_factory=list, max_length=30)
    schedule_id: RowRef | None = None
    team_id: RowRef | None = None
    active: bool = True

    @model_validator(mode="after")
    def _consistent(self) -> "EventTypeIn":
        if self.price > 0 and self.payment_provider is None:
            raise ValueError("a paid event type needs a payment_provider")
        if self.location_kind != "jitsi" and not self.location_value:
            raise ValueError(f"location_kind {self.location_kind!r} needs a location_value")
        keys = [question.key for question in self.questions]
        if len(keys) != len(set(keys)):
            raise ValueError("question keys must be unique")
        return self


class EventTypeOut(EventTypeIn):
    """A stored event type."""

    id: int


class PublicEventType(BaseModel):
    """What an invitee may see of an event type."""

    owner: str
    slug: str
    title: str
    description: str
    duration: int
    price: int
    currency: str
    requires_confirmation: bool
    location_kind: str
    time_zone: str
    questions: list[QuestionIn]


class SlotOut(BaseModel):
    """A bookable start in UTC and on the invitee's clock."""

    start: datetime
    end: datetime
    local_start: str


class SlotsOut(BaseModel):
    """The slots of a window, for one invitee zone; at most ``MAX_SLOTS`` of them per answer."""

    time_zone: str
    slots: list[SlotOut]
    next_start: datetime | None = Field(
        default=None, description="Set when the window holds more slots: ask again from this start."
    )


MAX_SLOTS = 2000
"""A page of slots: a week of 5-minute starts. A 1-minute interval over 93 days was 14 MB an answer."""


class AttendeeIn(Strict):
    """Who books."""

    name: str = Field(min_length=1, max_length=200)
    email: Email | None = None
    time_zone: TimeZoneName = "UTC"
    locale: str = Field(default="en", max_length=16, pattern=r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")


class BookingIn(Strict):
    """A booking request: the exact start (one of the offered slots) and the intake answers."""

    start: Moment
    attendee: AttendeeIn
    answers: dict[Annotated[str, Field(max_length=64)], Any] = Field(default_factory=dict)


class CancelIn(Strict):
    """Why a booking is cancelled (shown to the other side)."""

    reason: str = Field(default="", max_length=1000)


NO_REASON = CancelIn()
"""The body of a cancel or reject sent without one: the reason is optional, so the body is too."""


class RescheduleIn(Strict):
    """The new start of a booking."""

    start: Moment
    reason: str = Field(default="", max_length=1000)


class BusyBlockIn(Strict):
    """Time a host is busy outside chatcal."""

    start: Moment
    end: Moment
    title: str = Field(default="", max_length=200)

    @model_validator(mode="after")
    def _ordered(self) -> "BusyBlockIn":
        if self.end <= self.start:
            raise ValueError("end must be after start")
        if (self.end - self.start).days > 366:
            raise ValueError("a busy block may last at most 366 days")
        return self


class BusyBlockOut(BusyBlockIn):
    """A stored busy block."""

    id: int
    source: str


class BookingOut(BaseModel):
    """A booking as its host or its invitee sees it."""

    uid: str
    status: str
    event_type: str
    title: str
    start: datetime
    end: datetime
    attendee: AttendeeIn
    answers: dict[str, Any]
    hosts: list[str]
    location: str | None
    price: int
    currency: str
    hold_expires_at: datetime | None
    cancel_reason: str | None
    rescheduled_from: str | None
    rescheduled_to: str | None
    created_at: datetime


class BookingPage(BaseModel):
    """One page of a host's bookings."""

    items: list[BookingOut]
    total: int
    skip: int
    take: int
