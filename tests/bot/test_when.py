"""Time requests in chat become constraints: each phrase read against a fixed ``now`` in the invitee's zone.

Unless a table says otherwise, now is Wednesday 3 June 2026 09:30 in London. A row's expectation is
(first day, last day, allowed ISO weekdays, earliest, latest, exact), so each row reads as the rule it
pins down; the rules themselves are in ``bot/flow/when.py``'s docstring.
"""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.flow.when import TimeRequest, describe, parse_when
from bot.flow.when_words import CLOCK_LEADS, DAY_PHRASES, MONTHS, PARTS_OF_DAY, WEEKDAYS
from engine.errors import EngineInputError

LONDON = ZoneInfo("Europe/London")
KOLKATA = ZoneInfo("Asia/Kolkata")
NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2026, 6, 3, 9, 30, tzinfo=LONDON)
ALL = "1234567"
TWO_WEEKS = ("2026-06-03", "2026-06-16")

Row = tuple[str, str, str, str | None, str | None, str | None]


def day(first: str, last: str | None = None, weekdays: str = ALL) -> Row:
    """Whole days, no time window."""
    return (first, last or first, weekdays, None, None, None)


def hours(earliest: str | None, latest: str | None, exact: str | None = None, span: Row | None = None) -> Row:
    """A time window on ``span``'s days (default: today and the next 13 days)."""
    first, last, weekdays = (span or day(*TWO_WEEKS))[:3]
    return (first, last, weekdays, earliest, latest, exact)


def _clock(value: time | None) -> str | None:
    return None if value is None else f"{value:%H:%M}"


def constraints(request: TimeRequest | None) -> Row | None:
    """The request as a table row."""
    if request is None:
        return None
    first, last = request.first_day.isoformat(), request.last_day.isoformat()
    weekdays = "".join(str(n) for n in sorted(request.weekdays))
    return (first, last, weekdays, _clock(request.earliest), _clock(request.latest), _clock(request.exact))


DAYS: dict[str, Row] = {
    "today": day("2026-06-03"),
    "tonight": hours("18:00", "23:00", span=day("2026-06-03")),
    "tomorrow": day("2026-06-04"),
    "day after tomorrow": day("2026-06-05"),
    "this week": day("2026-06-03", "2026-06-07"),
    "later this week": day("2026-06-04", "2026-06-07"),
    "next week": day("2026-06-08", "2026-06-14"),
    "this weekend": day("2026-06-06", "2026-06-07"),
    "the weekend?": day("2026-06-06", "2026-06-07"),
    "next weekend": day("2026-06-13", "2026-06-14"),
    "in two weeks": day("2026-06-15", "2026-06-21"),  # the ISO week holding today + 14
    "in 2 weeks": day("2026-06-15", "2026-06-21"),
    "in a week": day("2026-06-08", "2026-06-14"),
    "in 3 days": day("2026-06-06"),
    "this month": day("2026-06-03", "2026-06-30"),
    "next month": day("2026-07-01", "2026-07-31"),
}

WEEKDAY_NAMES: dict[str, Row] = {
    "wednesday": day("2026-06-03", weekdays="3"),  # today counts
    "tuesday": day("2026-06-09", weekdays="2"),
    "tue": day("2026-06-09", weekdays="2"),
    "Tues.": day("2026-06-09", weekdays="2"),
    "this tuesday": day("2026-06-09", weekdays="2"),
    "next tuesday": day("2026-06-09", weekdays="2"),  # the Tuesday of the next ISO week
    "next wednesday": day("2026-06-10", weekdays="3"),
    "thu": day("2026-06-04", weekdays="4"),
    "thur": day("2026-06-04", weekdays="4"),
    "thurs": day("2026-06-04", weekdays="4"),
    "fri": day("2026-06-05", weekdays="5"),
    "sat": day("2026-06-06", weekdays="6"),
    "sun": day("2026-06-07", weekdays="7"),
    "mon": day("2026-06-08", weekdays="1"),
    "Friday or Monday": day("2026-06-05", "2026-06-08", "15"),
    "next fri or mon": day("2026-06-08", "2026-06-12", "15"),
    "tuesday next week": day("2026-06-09", weekdays="2"),
    "mon-wed next week": day("2026-06-08", "2026-06-10", "123"),
    "next week except friday": day("2026-06-08", "2026-06-14", "123467"),
    "next week, but not on Friday": day("2026-06-08", "2026-06-14", "123467"),
    "weekdays": day(*TWO_WEEKS, weekdays="12345"),
    "weekends": day("2026-06-06", "2026-06-14", "67"),
    "anything except weekends": day(*TWO_WEEKS, weekdays="12345"),
    "not friday": day(*TWO_WEEKS, weekdays="123467"),
    "Tue 9 Jun": day("2026-06-09", weekdays="2"),
}

PARTS: dict[str, Row] = {
    "morning": hours("06:00", "12:00"),
    "afternoon": hours("12:00", "17:00"),
    "evenings": hours("17:00", "21:00"),
    "night": hours("18:00", "23:00"),
    "lunch": hours("11:30", "14:00"),
    "lunchtime": hours("11:30", "14:00"),
    "early morning": hours("06:00", "09:00"),
    "late afternoon": hours("15:00", "17:00"),
    "this morning": hours("06:00", "12:00", span=day("2026-06-03")),
    "tomorrow afternoon": hours("12:00", "17:00", span=day("2026-06-04")),
}

CLOCKS: dict[str, Row] = {
    "after 3pm": hours("15:00", None),  # only a time: today and the next 13 days
    "after 15:00": hours("15:00", None),
    "before noon": hours(None, "12:00"),
    "before 10": hours(None, "10:00"),
    "by 5": hours(None, "17:00"),
    "not before 10": hours("10:00", None),
    "no later than 4pm": hours(None, "16:00"),
    "between 2 and 4pm": hours("14:00", "16:00"),
    "between 11 and 1pm": hours("11:00", "13:00"),
    "between 6 and 8": hours("18:00", "20:00"),
    "from 9 to 11": hours("09:00", "11:00"),
    "from 10 to 3pm": hours("10:00", "15:00"),
    "9-5": hours("09:00", "17:00"),
    "10:30–11:30": hours("10:30", "11:30"),
    "from 10pm to 2am": hours("22:00", None),  # a range ending before it starts ends at midnight
    "around 3": hours("14:00", "16:00", "15:00"),
    "3ish": hours("14:00", "16:00", "15:00"),
    "at 10": hours("10:00", "11:00", "10:00"),
    "at 10:30": hours("10:30", "11:30", "10:30"),
    "@ ten": hours("10:00", "11:00", "10:00"),
    "10am": hours("10:00", "11:00", "10:00"),
    "3 pm": hours("15:00", "16:00", "15:00"),
    "3 p.m.": hours("15:00", "16:00", "15:00"),
    "10 o'clock": hours("10:00", "11:00", "10:00"),
    "noon": hours("12:00", "13:00", "12:00"),
    "12am": hours(None, "01:00", "00:00"),
    "midnight": hours(None, "01:00", "00:00"),
    "at 23:30": hours("23:30", None, "23:30"),
    "at 7": hours("19:00", "20:00", "19:00"),  # bare 1-7 is pm
    "at 8": hours("08:00", "09:00", "08:00"),  # bare 8-11 is am
    "at 13": hours("13:00", "14:00", "13:00"),
    "at 09:00": hours("09:00", "10:00", "09:00"),
    "tonight at 8": hours("20:00", "21:00", "20:00", day("2026-06-03")),  # the part of day picks pm
    "evening around 7": hours("18:00", "20:00", "19:00"),
    "morning at 2pm": hours("14:00", "15:00", "14:00"),  # the clock wins over a part it misses
    "at 10, after 10:30": hours("10:30", "11:00"),  # the preferred start fell outside the window
}

DATES: dict[str, Row] = {
    "June 3": day("2026-06-03"),
    "3 June": day("2026-06-03"),
    "3rd of June": day("2026-06-03"),
    "june 3rd": day("2026-06-03"),
    "2026-06-03": day("2026-06-03"),
    "June 2": day("2027-06-02"),  # already past this year: next year
    "jun 3 2027": day("2027-06-03"),
    "29 feb": day("2028-02-29"),
    "on the 2nd": day("2026-07-02"),
    "June 30 or July 2": day("2026-06-30", "2026-07-02", "24"),
}

COMBINATIONS: dict[str, Row] = {
    "next Tuesday after 3pm": hours("15:00", None, span=day("2026-06-09", weekdays="2")),
    "Jun 3 at 10": hours("10:00", "11:00", "10:00", day("2026-06-03")),
    "June 3 at 10": hours("10:00", "11:00", "10:00", day("2026-06-03")),
    "any morning next week but Friday": hours(
        "06:00", "12:00", span=day("2026-06-08", "2026-06-14", "123467")
    ),
    "Friday or Monday morning": hours("06:00", "12:00", span=day("2026-06-05", "2026-06-08", "15")),
    "How about thursday next week at 4?": hours("16:00", "17:00", "16:00", day("2026-06-11", weekdays="4")),
    "can we do tomorrow at 2 please?": hours("14:00", "15:00", "14:00", day("2026-06-04")),
    "Any time next week, please": day("2026-06-08", "2026-06-14"),
}

NOTHING = [
    "",
    "hello",
    "asdf",
    "6/3",
    "tomorrow 6/3",  # a numeric slash is refused even next to words we understand
    "I have 2 questions",
    "in 15 minutes",
    "2026-06-02",  # yesterday
    "feb 30",
    "2026-02-30",
    "tuesday this week",  # already past
    "after 5pm before 3pm",
    "tomorrow but not thursday",
]


PHRASES = {**DAYS, **WEEKDAY_NAMES, **PARTS, **CLOCKS, **DATES, **COMBINATIONS}


@pytest.mark.parametrize(("text", "expected"), PHRASES.items(), ids=list(PHRASES))
def test_phrase(text: str, expected: Row) -> None:
    assert constraints(parse_when(text, NOW, LONDON)) == expected


@pytest.mark.parametrize("text", NOTHING)
def test_no_usable_request(text: str) -> None:
    assert parse_when(text, NOW, LONDON) is None


@pytest.mark.parametrize(
    ("now", "zone", "text", "expected"),
    [
        (datetime(2026, 6, 3, 23, 30, tzinfo=LONDON), LONDON, "today", day("2026-06-03")),
        (datetime(2026, 6, 3, 23, 30, tzinfo=LONDON), LONDON, "tomorrow", day("2026-06-04")),
        (datetime(2026, 6, 3, 23, 30, tzinfo=UTC), LONDON, "today", day("2026-06-04")),  # 00:30 BST
        (datetime(2026, 6, 3, 23, 30, tzinfo=UTC), UTC, "today", day("2026-06-03")),
        (datetime(2026, 6, 3, 20, 0, tzinfo=UTC), KOLKATA, "today", day("2026-06-04")),  # 01:30 IST
        (datetime(2026, 6, 3, 20, 0, tzinfo=UTC), KOLKATA, "tomorrow", day("2026-06-05")),
        (datetime(2026, 6, 3, 20, 0, tzinfo=UTC), KOLKATA, "thursday", day("2026-06-04", weekdays="4")),
        (datetime(2026, 6, 3, 20, 0, tzinfo=UTC), LONDON, "thursday", day("2026-06-04", weekdays="4")),
        (datetime(2026, 6, 3, 20, 0, tzinfo=UTC), LONDON, "today", day("2026-06-03")),
        (datetime(2026, 6, 7, 20, 0, tzinfo=UTC), KOLKATA, "this week", day("2026-06-08", "2026-06-14")),
        (datetime(2026, 6, 7, 12, 0, tzinfo=LONDON), LONDON, "this weekend", day("2026-06-07")),
        (datetime(2026, 6, 7, 12, 0, tzinfo=LONDON), LONDON, "later this week", day("2026-06-07")),
        (datetime(2026, 6, 1, 12, 0, tzinfo=LONDON), LONDON, "tuesday", day("2026-06-02", weekdays="2")),
        (datetime(2026, 6, 1, 12, 0, tzinfo=LONDON), LONDON, "next tuesday", day("2026-06-09", weekdays="2")),
    ],
)
def test_days_follow_the_invitees_zone(now: datetime, zone: ZoneInfo, text: str, expected: Row) -> None:
    assert constraints(parse_when(text, now, zone)) == expected


def test_next_sunday_after_1am_on_the_spring_forward_day() -> None:
    friday = datetime(2026, 3, 20, 12, 0, tzinfo=LONDON)
    request = parse_when("next Sunday after 1am", friday, LONDON)
    assert constraints(request) == hours("01:00", None, span=day("2026-03-29", weekdays="7"))
    assert request is not None
    # London's clocks jump from 01:00 GMT to 02:00 BST: the day lasts 23 hours.
    assert request.window() == (
        datetime(2026, 3, 29, 0, 0, tzinfo=UTC),
        datetime(2026, 3, 29, 23, 0, tzinfo=UTC),
    )
    assert not request.allows(datetime(2026, 3, 29, 0, 59, tzinfo=UTC))  # 00:59 GMT
    assert request.allows(datetime(2026, 3, 29, 1, 0, tzinfo=UTC))  # 02:00 BST, the first instant after 1am
    assert request.allows(datetime(2026, 3, 29, 22, 59, tzinfo=UTC))  # 23:59 BST
    assert not request.allows(datetime(2026, 3, 29, 23, 0, tzinfo=UTC))  # Monday 00:00 BST
    # 01:30 never shows on a London clock that day; the aware value denotes 02:30 BST, which is allowed.
    assert request.allows(datetime(2026, 3, 29, 1, 30, tzinfo=LONDON))


def test_a_wall_time_in_the_new_york_gap_is_judged_by_the_instant_it_denotes() -> None:
    wednesday = datetime(2026, 3, 4, 12, 0, tzinfo=NEW_YORK)
    request = parse_when("sunday before 3am", wednesday, NEW_YORK)
    assert constraints(request) == hours(None, "03:00", span=day("2026-03-08", weekdays="7"))
    assert request is not None
    assert request.window() == (
        datetime(2026, 3, 8, 5, 0, tzinfo=UTC),
        datetime(2026, 3, 9, 4, 0, tzinfo=UTC),
    )
    assert request.allows(datetime(2026, 3, 8, 6, 59, tzinfo=UTC))  # 01:59 EST
    assert not request.allows(
        datetime(2026, 3, 8, 7, 0, tzinfo=UTC)
    )  # 03:00 EDT: "before 3am" is 2 real hours
    # 02:30 does not exist there that day: the aware value is 07:30 UTC, i.e. 03:30 EDT.
    assert not request.allows(datetime(2026, 3, 8, 2, 30, tzinfo=NEW_YORK))


def test_a_day_whose_midnight_does_not_exist_starts_when_the_clocks_jump() -> None:
    santiago = ZoneInfo("America/Santiago")  # Sat 5 Sep 2026 24:00 -04 becomes Sun 6 Sep 01:00 -03
    request = parse_when("sept 6", datetime(2026, 9, 1, 12, 0, tzinfo=santiago), santiago)
    assert request is not None
    assert request.window() == (
        datetime(2026, 9, 6, 4, 0, tzinfo=UTC),
        datetime(2026, 9, 7, 3, 0, tzinfo=UTC),
    )


def test_window_in_another_zone_keeps_the_dates() -> None:
    request = parse_when("tomorrow", NOW, LONDON)
    assert request is not None
    assert request.window() == (
        datetime(2026, 6, 3, 23, 0, tzinfo=UTC),
        datetime(2026, 6, 4, 23, 0, tzinfo=UTC),
    )
    assert request.window(KOLKATA) == (
        datetime(2026, 6, 3, 18, 30, tzinfo=UTC),
        datetime(2026, 6, 4, 18, 30, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("start", "allowed"),
    [
        (datetime(2026, 6, 11, 9, 0, tzinfo=LONDON), True),
        (datetime(2026, 6, 11, 6, 0, tzinfo=LONDON), True),  # earliest is inclusive
        (datetime(2026, 6, 11, 12, 0, tzinfo=LONDON), False),  # latest is exclusive
        (datetime(2026, 6, 11, 5, 0, tzinfo=UTC), True),  # 06:00 BST
        (datetime(2026, 6, 12, 9, 0, tzinfo=LONDON), False),  # Friday
        (datetime(2026, 6, 13, 9, 0, tzinfo=LONDON), True),  # Saturday is next week too
        (datetime(2026, 6, 15, 9, 0, tzinfo=LONDON), False),  # after the last day
        (datetime(2026, 6, 11, 9, 0, tzinfo=KOLKATA), False),  # 04:30 in London
    ],
)
def test_allows(start: datetime, allowed: bool) -> None:
    request = parse_when("any morning next week but Friday", NOW, LONDON)
    assert request is not None
    assert request.allows(start) is allowed


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(EngineInputError):
        parse_when("tomorrow", NOW.replace(tzinfo=None), LONDON)
    request = parse_when("tomorrow", NOW, LONDON)
    assert request is not None
    with pytest.raises(EngineInputError):
        request.allows(datetime(2026, 6, 4, 9, 0))  # noqa: DTZ001 - the point of the test


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("next Tuesday after 3pm", "Tue 9 Jun, after 15:00"),
        ("tomorrow afternoon", "Thu 4 Jun, afternoon"),
        ("Jun 3 at 10", "Wed 3 Jun, at 10:00"),
        ("around 3", "Wed 3 – Tue 16 Jun, around 15:00"),
        ("midnight", "Wed 3 – Tue 16 Jun, at 00:00"),
        ("before noon", "Wed 3 – Tue 16 Jun, before 12:00"),
        ("between 2 and 4pm next week", "Mon 8 – Sun 14 Jun, 14:00–16:00"),
        ("any morning next week but Friday", "Mon 8 – Sun 14 Jun except Fri, morning"),
        ("Friday or Monday morning", "Fri 5 Jun or Mon 8 Jun, morning"),
        ("weekends", "Sat 6 – Sun 14 Jun, Sat and Sun only"),
        ("this weekend", "Sat 6 – Sun 7 Jun"),
        ("in 4 weeks", "Mon 29 Jun – Sun 5 Jul"),
    ],
)
def test_describe(text: str, phrase: str) -> None:
    request = parse_when(text, NOW, LONDON)
    assert request is not None
    assert describe(request) == phrase


VOCABULARY = sorted(
    {word for table in (DAY_PHRASES, CLOCK_LEADS, PARTS_OF_DAY) for phrase in table for word in phrase}
    | set(WEEKDAYS)
    | set(MONTHS)
    | {"next", "this", "in", "but", "not", "except", "or", "and", "to", "-", "am", "pm", "ish", "of", "the"}
    | {
        "0",
        "3",
        "7",
        "12",
        "13",
        "23",
        "24",
        "29",
        "31",
        "3rd",
        "10:30",
        "25:00",
        "2026-06-03",
        "6/3",
        "2026",
    }
)
TEXTS = st.one_of(st.text(), st.lists(st.sampled_from(VOCABULARY), max_size=12).map(" ".join))
NOWS = st.datetimes(
    min_value=datetime(1990, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive
    max_value=datetime(2100, 12, 31),  # noqa: DTZ001
    timezones=st.sampled_from([UTC, LONDON, KOLKATA, NEW_YORK, ZoneInfo("Pacific/Kiritimati")]),
)
ZONES = st.sampled_from([UTC, LONDON, KOLKATA, NEW_YORK, ZoneInfo("Pacific/Pago_Pago")])


@settings(max_examples=400)
@given(text=TEXTS, now=NOWS, zone=ZONES)
def test_never_raises_and_always_looks_ahead(text: str, now: datetime, zone: ZoneInfo) -> None:
    request = parse_when(text, now, zone)
    if request is None:
        return
    today = now.astimezone(zone).date()
    assert today <= request.first_day <= request.last_day
    assert request.first_day.isoweekday() in request.weekdays
    assert request.last_day.isoweekday() in request.weekdays
    if request.earliest is not None and request.latest is not None:
        assert request.earliest < request.latest
    if request.exact is not None:
        assert request.allows(datetime.combine(request.first_day, request.exact, zone)) or _in_gap(request)
    start, end = request.window()
    assert start < end
    assert end - start >= timedelta(hours=22)
    assert describe(request)


def _in_gap(request: TimeRequest) -> bool:
    """The preferred start may fall in a spring-forward gap on the first day (then another instant)."""
    assert request.exact is not None
    wall = datetime.combine(request.first_day, request.exact, request.zone)
    return wall.astimezone(UTC).astimezone(request.zone).replace(tzinfo=None) != wall.replace(tzinfo=None)
