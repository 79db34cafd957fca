"""Small builders for booking tests: a host with hours, an event type, a booking request."""

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session

from booking import catalog, hosts
from booking.db import Database
from booking.models import EventType, Host
from booking.schemas import BookingIn, EventTypeIn
from integrations.video import JitsiRooms

NOW = datetime(2030, 1, 7, 8, 0, tzinfo=UTC)
"""A Monday morning; tests pass it as ``now`` so their slots never drift into the past."""
MONDAY_10 = datetime(2030, 1, 7, 10, 0, tzinfo=UTC)
VIDEO = JitsiRooms()
PAYMENTS = frozenset({"stripe", "razorpay"})
"""A server set up to take payments through both providers."""


def add_host(session: Session, slug: str = "ana", zone: str = "UTC") -> Host:
    host = hosts.create_host(session, hosts.HostIn(slug=slug, name=slug.title(), time_zone=zone))
    catalog.save_schedule(session, host, catalog.working_hours(zone))
    return host


def add_event_type(session: Session, host: Host, **fields: Any) -> EventType:
    spec = {"slug": "intro", "title": "Intro call", "duration": 30, **fields}
    return catalog.save_event_type(session, host, EventTypeIn.model_validate(spec))


def setup(db: Database, **fields: Any) -> tuple[int, int]:
    """One host ``ana`` with a workweek and one event type; returns (host id, event type id)."""
    with db.transaction(write=True) as session:
        host = add_host(session)
        event_type = add_event_type(session, host, **fields)
        return host.id or 0, event_type.id or 0


def request(start: datetime = MONDAY_10, name: str = "Bo", **answers: Any) -> BookingIn:
    return BookingIn.model_validate(
        {"start": start, "attendee": {"name": name, "email": "bo@example.com"}, "answers": answers}
    )


def later(minutes: int) -> datetime:
    return MONDAY_10 + timedelta(minutes=minutes)
