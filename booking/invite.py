"""RFC 5545 iCalendar invites (``.ics`` text) for bookings, written with the standard library only.

The format is small, and mail clients are picky about exactly the parts a library hides (escaping,
folding, UTC times), so owning the writer lets our tests pin those rules down byte for byte.
Clients match updates by UID and keep the highest SEQUENCE: a reschedule is a REQUEST with the same
``uid`` and a higher ``sequence``, a cancellation is a CANCEL with the same ``uid``.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

PRODID = "-//chatcal//chatcal//EN"
LINE_OCTETS = 75
"""RFC 5545 §3.1: a physical line is at most 75 octets, not counting its CRLF."""

NO_EMAIL_ORGANIZER = "urn:chatcal:organizer"
NO_EMAIL_ATTENDEE = "urn:chatcal:attendee"
"""ORGANIZER and ATTENDEE values must be URIs (RFC 5545 cal-address) and a bare ``mailto:`` is not
one, while RFC 5546 needs ORGANIZER on every REQUEST and CANCEL. A URN is a valid URI that keeps the
line (and the CN people read) without giving clients an address to send replies to."""

ATTENDEE_PARAMS = ";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE"


@dataclass(frozen=True, slots=True)
class Person:
    """Someone on the invite; ``email`` is None for invitees who reach us by chat only."""

    name: str
    email: str | None


@dataclass(frozen=True, slots=True)
class InviteEvent:
    """One booking as calendars see it; ``uid`` stays the same across its reschedules."""

    uid: str
    sequence: int
    title: str
    description: str
    start: datetime
    end: datetime
    organizer: Person
    attendees: tuple[Person, ...]
    location: str | None
    url: str | None
    created: datetime
    confirmed: bool = True
    """False while the host has yet to accept or the invitee to pay: the REQUEST says TENTATIVE."""


def invite(event: InviteEvent, method: Literal["REQUEST", "CANCEL"]) -> str:
    """The ``.ics`` text announcing (REQUEST) or withdrawing (CANCEL) ``event``."""
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(f"method must be 'REQUEST' or 'CANCEL', got {method!r}")
    if event.sequence < 0:
        raise ValueError(f"sequence must not be negative, got {event.sequence}")
    if utc_stamp(event.end, "end") <= utc_stamp(event.start, "start"):
        raise ValueError("end must be after start")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN"]
    lines += [f"METHOD:{method}", *_event(event, method), "END:VCALENDAR"]
    return "".join(fold_line(line) + "\r\n" for line in lines)


def _event(event: InviteEvent, method: str) -> Iterator[str]:
    """The VEVENT's content lines, unfolded."""
    yield "BEGIN:VEVENT"
    yield f"UID:{escape_text(event.uid)}"
    yield f"SEQUENCE:{event.sequence}"
    yield f"DTSTAMP:{utc_stamp(event.created, 'created')}"
    yield f"DTSTART:{utc_stamp(event.start, 'start')}"
    yield f"DTEND:{utc_stamp(event.end, 'end')}"
    yield f"SUMMARY:{escape_text(event.title)}"
    yield f"DESCRIPTION:{escape_text(event.description)}"
    if event.location is not None:
        yield f"LOCATION:{escape_text(event.location)}"
    if event.url is not None:
        yield f"URL:{_uri(event.url)}"
    yield _address("ORGANIZER", "", event.organizer, NO_EMAIL_ORGANIZER)
    for attendee in event.attendees:
        yield _address("ATTENDEE", ATTENDEE_PARAMS, attendee, NO_EMAIL_ATTENDEE)
    yield f"STATUS:{_status(event, method)}"
    if method == "REQUEST":
        yield from ("BEGIN:VALARM", "ACTION:DISPLAY", f"DESCRIPTION:{escape_text(event.title)}")
        yield from ("TRIGGER:-PT15M", "END:VALARM")
    yield "END:VEVENT"


def _status(event: InviteEvent, method: str) -> str:
    if method == "CANCEL":
        return "CANCELLED"
    return "CONFIRMED" if event.confirmed else "TENTATIVE"


def _address(name: str, params: str, person: Person, fallback: str) -> str:
    """An ORGANIZER or ATTENDEE line: the person's mailto, or ``fallback`` when they have no email."""
    value = fallback if person.email is None else _uri(f"mailto:{person.email}")
    return f"{name};CN={escape_param(person.name)}{params}:{value}"


def utc_stamp(value: datetime, what: str) -> str:
    """``value`` as an RFC 5545 UTC DATE-TIME (``YYYYMMDDTHHMMSSZ``); naive values are ambiguous."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got naive {value.isoformat()}")
    u = value.astimezone(UTC)
    return f"{u.year:04d}{u.month:02d}{u.day:02d}T{u.hour:02d}{u.minute:02d}{u.second:02d}Z"


def _uri(value: str) -> str:
    """``value`` unchanged, refused if it holds whitespace or controls that would break the line."""
    if any(char <= " " or char == "\x7f" for char in value):
        raise ValueError(f"not a usable URI: {value!r}")
    return value


def _without_controls(value: str, keep: str) -> str:
    """``value`` with control characters other than those in ``keep`` dropped (RFC 5545 forbids them)."""
    return "".join(char for char in value if char in keep or not (char < " " or char == "\x7f"))


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): any line break becomes ``\\n``; ``\\ ; ,`` get a backslash."""
    value = _without_controls(value.replace("\r\n", "\n").replace("\r", "\n"), keep="\t\n")
    for raw, escaped in (("\\", "\\\\"), (";", "\\;"), (",", "\\,"), ("\n", "\\n")):
        value = value.replace(raw, escaped)
    return value


def escape_param(value: str) -> str:
    """A parameter value (§3.2): DQUOTE cannot be escaped, so it is dropped; ``: ; ,`` need quotes.

    Line breaks become spaces because a parameter cannot hold control characters at all.
    """
    value = _without_controls(value.replace("\r\n", " ").translate({10: " ", 13: " "}), keep="\t")
    value = value.replace('"', "")
    return f'"{value}"' if any(char in value for char in ":;,") else value


def fold_line(line: str) -> str:
    """``line`` folded to 75-octet physical lines joined by CRLF + space (§3.1).

    Counted in UTF-8 octets and cut only between characters, so a multi-byte character is never
    split; the leading space of a continuation line counts towards its 75.
    """
    chunks: list[str] = []
    current: list[str] = []
    size, limit = 0, LINE_OCTETS
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            chunks.append("".join(current))
            current, size, limit = [], 0, LINE_OCTETS - 1
        current.append(char)
        size += width
    chunks.append("".join(current))
    return "\r\n ".join(chunks)
