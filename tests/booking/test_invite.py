"""The ``.ics`` writer, read back by a small independent RFC 5545 reader defined here.

Substring checks would pass on output a calendar cannot read (a fold inside a character, a stray LF,
a comma that splits a name), so every invite is unfolded, split into name, parameters and value, and
unescaped by code that shares nothing with ``booking.invite``.
"""

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from booking.invite import InviteEvent, Person, fold_line, invite

EXAMPLES = settings(max_examples=300, deadline=None)

WIDE_TEXT = st.text(
    st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from('😀🎉👩‍💻🇩🇪日本語の会議中文한국어éü\\;,:"\n\r\t '),
    ),
    max_size=300,
)
"""Arbitrary text weighted towards 2-, 3- and 4-octet characters and everything that needs escaping."""


@dataclass(frozen=True, slots=True)
class ContentLine:
    """One unfolded content line: ``NAME;PARAM=VALUE...:VALUE`` taken apart."""

    name: str
    params: dict[str, str]
    value: str


def physical_lines(ics: str) -> list[str]:
    """The physical lines, insisting that every line ends in CRLF and no CR or LF stands alone."""
    assert ics.endswith("\r\n")
    lines = ics[:-2].split("\r\n")
    assert not any("\r" in line or "\n" in line for line in lines)
    return lines


def unfold(ics: str) -> list[str]:
    """Logical lines: a physical line starting with a space or tab continues the one before."""
    logical: list[str] = []
    for line in physical_lines(ics):
        if line[:1] in (" ", "\t"):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    return logical


def split_line(line: str) -> ContentLine:
    """Name, parameters and raw value: the value starts at the first colon outside DQUOTEs."""
    quoted = False
    for index, char in enumerate(line):
        quoted ^= char == '"'
        if char == ":" and not quoted:
            name, *params = _params(line[:index])
            return ContentLine(name, dict(param.split("=", 1) for param in params), line[index + 1 :])
    raise AssertionError(f"no value in {line!r}")


def _params(head: str) -> list[str]:
    """``head`` split on semicolons outside DQUOTEs, with the DQUOTEs themselves removed."""
    parts, current, quoted = [], "", False
    for char in head:
        if char == '"':
            quoted = not quoted
        elif char == ";" and not quoted:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current]


def unescape(value: str) -> str:
    """A TEXT value read back: ``\\n`` or ``\\N`` is a newline, any other backslash keeps the next char."""
    out, chars = [], iter(value)
    for char in chars:
        if char == "\\":
            following = next(chars)
            out.append("\n" if following in "nN" else following)
        else:
            out.append(char)
    return "".join(out)


def parse(ics: str) -> list[ContentLine]:
    """Every content line of ``ics`` in order, checking that components nest and close."""
    lines = [split_line(line) for line in unfold(ics)]
    open_components: list[str] = []
    for line in lines:
        if line.name == "BEGIN":
            open_components.append(line.value)
        elif line.name == "END":
            assert open_components.pop() == line.value
    assert not open_components
    return lines


def outside_alarm(lines: list[ContentLine]) -> list[ContentLine]:
    """The calendar's and event's own lines: VALARM has a DESCRIPTION of its own."""
    kept, in_alarm = [], False
    for line in lines:
        if line.value == "VALARM" and line.name in ("BEGIN", "END"):
            in_alarm = line.name == "BEGIN"
        elif not in_alarm:
            kept.append(line)
    return kept


def only(lines: list[ContentLine], name: str) -> ContentLine:
    """The single line called ``name`` outside the alarm."""
    found = [line for line in outside_alarm(lines) if line.name == name]
    assert len(found) == 1, f"{len(found)} {name} lines"
    return found[0]


def event(**changes: object) -> InviteEvent:
    """A realistic booking, with ``changes`` applied."""
    base = InviteEvent(
        uid="booking-42@chatcal.example",
        sequence=0,
        title="Intro call",
        description="Talk about the project.",
        start=datetime(2026, 3, 10, 14, 0, tzinfo=UTC),
        end=datetime(2026, 3, 10, 14, 30, tzinfo=UTC),
        organizer=Person("Ada Host", "ada@example.com"),
        attendees=(Person("Bob Guest", "bob@example.com"),),
        location="https://meet.example.com/abc",
        url="https://chatcal.example/manage/xyz?token=1,2",
        created=datetime(2026, 3, 1, 9, 30, 15, tzinfo=UTC),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_request_has_every_content_line_in_order() -> None:
    lines = parse(invite(event(), "REQUEST"))
    assert [(line.name, line.value) for line in lines if not line.params] == [
        ("BEGIN", "VCALENDAR"),
        ("VERSION", "2.0"),
        ("PRODID", "-//chatcal//chatcal//EN"),
        ("CALSCALE", "GREGORIAN"),
        ("METHOD", "REQUEST"),
        ("BEGIN", "VEVENT"),
        ("UID", "booking-42@chatcal.example"),
        ("SEQUENCE", "0"),
        ("DTSTAMP", "20260301T093015Z"),
        ("DTSTART", "20260310T140000Z"),
        ("DTEND", "20260310T143000Z"),
        ("SUMMARY", "Intro call"),
        ("DESCRIPTION", "Talk about the project."),
        ("LOCATION", "https://meet.example.com/abc"),
        ("URL", "https://chatcal.example/manage/xyz?token=1,2"),
        ("STATUS", "CONFIRMED"),
        ("BEGIN", "VALARM"),
        ("ACTION", "DISPLAY"),
        ("DESCRIPTION", "Intro call"),
        ("TRIGGER", "-PT15M"),
        ("END", "VALARM"),
        ("END", "VEVENT"),
        ("END", "VCALENDAR"),
    ]
    assert only(lines, "ORGANIZER") == ContentLine("ORGANIZER", {"CN": "Ada Host"}, "mailto:ada@example.com")
    assert only(lines, "ATTENDEE") == ContentLine(
        "ATTENDEE",
        {"CN": "Bob Guest", "ROLE": "REQ-PARTICIPANT", "PARTSTAT": "NEEDS-ACTION", "RSVP": "TRUE"},
        "mailto:bob@example.com",
    )


def test_cancel_keeps_uid_marks_cancelled_and_has_no_alarm() -> None:
    lines = parse(invite(event(sequence=2), "CANCEL"))
    names = [line.name for line in lines]
    assert only(lines, "METHOD").value == "CANCEL"
    assert only(lines, "STATUS").value == "CANCELLED"
    assert only(lines, "UID").value == "booking-42@chatcal.example"
    assert only(lines, "SEQUENCE").value == "2"
    assert "TRIGGER" not in names
    assert not any(line.name == "BEGIN" and line.value == "VALARM" for line in lines)
    assert {"ORGANIZER", "ATTENDEE", "DTSTAMP", "DTSTART", "DTEND"} <= set(names)


def test_a_booking_not_yet_confirmed_is_tentative() -> None:
    """Awaiting the host or the payment, the call may not happen: calendars must not show it as set."""
    assert only(parse(invite(event(), "REQUEST")), "STATUS").value == "CONFIRMED"
    assert only(parse(invite(event(confirmed=False), "REQUEST")), "STATUS").value == "TENTATIVE"
    assert only(parse(invite(event(confirmed=False), "CANCEL")), "STATUS").value == "CANCELLED"


def test_every_attendee_gets_a_line() -> None:
    people = (Person("A", "a@example.com"), Person("B", "b@example.com"), Person("C", None))
    lines = parse(invite(event(attendees=people), "REQUEST"))
    attendees = [line for line in lines if line.name == "ATTENDEE"]
    assert [(line.params["CN"], line.value) for line in attendees] == [
        ("A", "mailto:a@example.com"),
        ("B", "mailto:b@example.com"),
        ("C", "urn:chatcal:attendee"),
    ]


def test_people_without_email_keep_their_name_and_get_no_mailto() -> None:
    ics = invite(event(organizer=Person("Host", None), attendees=(Person("Chat Guest", None),)), "REQUEST")
    lines = parse(ics)
    assert only(lines, "ORGANIZER") == ContentLine("ORGANIZER", {"CN": "Host"}, "urn:chatcal:organizer")
    assert only(lines, "ATTENDEE").value == "urn:chatcal:attendee"
    assert only(lines, "ATTENDEE").params["CN"] == "Chat Guest"
    assert "mailto" not in ics


@pytest.mark.parametrize(
    "zone",
    [ZoneInfo("America/New_York"), ZoneInfo("Asia/Kolkata"), timezone(timedelta(hours=-3, minutes=-30))],
)
def test_non_utc_times_are_written_in_utc(zone: timezone | ZoneInfo) -> None:
    start = datetime(2026, 7, 1, 9, 15, 30, tzinfo=zone)
    created = datetime(2026, 6, 30, 23, 59, 59, tzinfo=zone)
    lines = parse(invite(event(start=start, end=start + timedelta(hours=1), created=created), "REQUEST"))
    expected_start = start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    assert only(lines, "DTSTART").value == expected_start
    assert only(lines, "DTSTAMP").value == created.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def test_new_york_summer_time_is_four_hours_behind_utc() -> None:
    start = datetime(2026, 7, 1, 9, 0, tzinfo=ZoneInfo("America/New_York"))
    lines = parse(invite(event(start=start, end=start + timedelta(minutes=45)), "REQUEST"))
    assert only(lines, "DTSTART").value == "20260701T130000Z"
    assert only(lines, "DTEND").value == "20260701T134500Z"


def test_text_values_are_escaped() -> None:
    ics = invite(event(title='a\\b;c,d"e:f', description="line one\r\nline two\nthree\rfour"), "REQUEST")
    raw = only(parse(ics), "SUMMARY").value
    assert raw == 'a\\\\b\\;c\\,d"e:f'
    assert unescape(raw) == 'a\\b;c,d"e:f'
    assert only(parse(ics), "DESCRIPTION").value == "line one\\nline two\\nthree\\nfour"


def test_control_characters_are_dropped_from_text() -> None:
    lines = parse(invite(event(title="bell\x07 and\ttab\x00"), "REQUEST"))
    assert unescape(only(lines, "SUMMARY").value) == "bell and\ttab"


@pytest.mark.parametrize(
    ("name", "expected_raw"),
    [
        ("Plain Name", "CN=Plain Name"),
        ("Doe, Jane", 'CN="Doe, Jane"'),
        ("Ops; Night", 'CN="Ops; Night"'),
        ("Team: Blue", 'CN="Team: Blue"'),
        ('Jane "JJ" Doe', "CN=Jane JJ Doe"),
        ('"Doe, J"', 'CN="Doe, J"'),
        ("Two\r\nLines", "CN=Two Lines"),
    ],
)
def test_names_are_quoted_or_cleaned_as_parameter_values(name: str, expected_raw: str) -> None:
    ics = invite(event(organizer=Person(name, "o@example.com")), "REQUEST")
    organizer = next(line for line in unfold(ics) if line.startswith("ORGANIZER"))
    assert organizer == f"ORGANIZER;{expected_raw}:mailto:o@example.com"
    assert only(parse(ics), "ORGANIZER").params["CN"] == expected_raw[3:].strip('"')


def test_long_multibyte_lines_fold_within_75_octets_and_unfold_intact() -> None:
    description = "予約の確認 😀 " * 40 + "Ünïcödé, done"
    ics = invite(event(description=description, title="x" * 200), "REQUEST")
    raw = ics.encode()
    physical = raw.split(b"\r\n")[:-1]
    assert max(len(line) for line in physical) == 75
    for line in physical:
        assert len(line) <= 75
        line.decode("utf-8")  # a fold inside a character would leave invalid UTF-8 here
    assert unescape(only(parse(ics), "DESCRIPTION").value) == description
    assert only(parse(ics), "SUMMARY").value == "x" * 200


def test_fold_cuts_exactly_at_75_then_74_plus_the_space() -> None:
    folded = fold_line("a" * 75 + "b" * 74 + "c")
    assert folded.split("\r\n") == ["a" * 75, " " + "b" * 74, " c"]
    assert fold_line("a" * 75) == "a" * 75
    assert fold_line("") == ""


def test_fold_moves_a_character_that_would_straddle_the_limit() -> None:
    folded = fold_line("a" * 73 + "😀")  # 73 + 4 octets: the emoji must move whole to the next line
    assert folded.split("\r\n") == ["a" * 73, " 😀"]


@EXAMPLES
@given(WIDE_TEXT)
def test_fold_round_trips_and_keeps_characters_whole(text: str) -> None:
    line = text.replace("\r", "").replace("\n", "")
    physical = fold_line(line).encode().split(b"\r\n")
    assert all(len(piece) <= 75 for piece in physical)
    assert all(piece.startswith(b" ") for piece in physical[1:])
    pieces = [piece.decode("utf-8") for piece in physical]
    assert pieces[0] + "".join(piece[1:] for piece in pieces[1:]) == line


@EXAMPLES
@given(title=WIDE_TEXT, description=WIDE_TEXT, name=WIDE_TEXT, location=WIDE_TEXT)
def test_any_text_survives_the_round_trip(title: str, description: str, name: str, location: str) -> None:
    ics = invite(
        event(title=title, description=description, location=location, attendees=(Person(name, None),)),
        "REQUEST",
    )
    assert all(len(line.encode()) <= 75 for line in physical_lines(ics))
    lines = parse(ics)
    assert unescape(only(lines, "SUMMARY").value) == readable(title)
    assert unescape(only(lines, "DESCRIPTION").value) == readable(description)
    assert unescape(only(lines, "LOCATION").value) == readable(location)
    cn = readable(name.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")).replace('"', "")
    assert only(lines, "ATTENDEE").params["CN"] == cn
    assert only(lines, "ATTENDEE").value == "urn:chatcal:attendee"


def readable(text: str) -> str:
    """What a TEXT value should read back as: one kind of line break and no other control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(char for char in text if char in "\t\n" or not (char < " " or char == "\x7f"))


def test_crlf_is_the_only_line_ending() -> None:
    ics = invite(event(description="a\nb\r\nc\rd" + "é" * 100), "CANCEL")
    assert ics.endswith("\r\n")
    assert ics.count("\n") == ics.count("\r\n") == ics.count("\r")


@pytest.mark.parametrize("field", ["start", "end", "created"])
def test_naive_datetimes_are_rejected(field: str) -> None:
    naive = getattr(event(), field).replace(tzinfo=None)
    with pytest.raises(ValueError, match="timezone-aware"):
        invite(event(**{field: naive}), "REQUEST")


def test_end_must_follow_start() -> None:
    with pytest.raises(ValueError, match="after start"):
        invite(event(end=event().start), "REQUEST")


@pytest.mark.parametrize(
    "bad", [{"url": "https://x.example/a\r\nEVIL:1"}, {"organizer": Person("O", "o@x\n")}]
)
def test_uris_that_would_break_the_line_are_rejected(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="URI"):
        invite(event(**bad), "REQUEST")
