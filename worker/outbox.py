"""Dispatching outbox events: claim a batch under a lease, deliver each, mark it done.

Delivery is at least once: an event whose dispatcher died mid-send is claimed again when its lease
runs out. Sending happens outside any transaction, so a slow Slack call never holds the database's
write lock that bookings need.
"""

import logging
from collections import defaultdict
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import bindparam, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, or_, select

from booking.db import Database
from booking.models import Booking, BookingHost, EventType, Host, OutboxEvent
from bot.flow.wording import local
from integrations.messaging import HostNotice, HostNotifier

log = logging.getLogger("chatcal.outbox")
LEASE = timedelta(minutes=2)
BATCH = 50
HEADLINES = {
    "booking.accepted": "New booking",
    "booking.pending": "New booking request (needs your confirmation)",
    "booking.paid": "Paid booking",
    "booking.rescheduled": "Rescheduled",
    "booking.cancelled": "Cancelled",
}


def claim(db: Database, now: datetime, limit: int = BATCH) -> list[int]:
    """Take up to ``limit`` undelivered events whose lease is free; other dispatchers skip them.

    Ids and a single UPDATE rather than ORM objects: a busy server claims a full batch every round.
    An idle round only reads: every committed write transaction counts as a change that may free
    time, and would drop this process's cached slot answers every round.
    """
    free = (
        select(OutboxEvent.id)
        .where(
            col(OutboxEvent.dispatched_at).is_(None),
            or_(col(OutboxEvent.claimed_until).is_(None), col(OutboxEvent.claimed_until) <= now),
        )
        .order_by(col(OutboxEvent.id))
        .limit(limit)
    )
    with db.transaction() as session:
        if session.exec(free.limit(1)).first() is None:
            return []
    with db.transaction(write=True) as session:
        locked = session.exec(free.with_for_update(skip_locked=True)).all()
        ids = [event_id for event_id in locked if event_id is not None]
        if ids:
            session.execute(
                update(OutboxEvent)
                .where(col(OutboxEvent.id).in_(ids))
                .values(claimed_until=now + LEASE, attempts=col(OutboxEvent.attempts) + 1)
            )
        return ids


EVENTS = (
    sa_select(
        col(OutboxEvent.id),
        col(OutboxEvent.kind),
        col(Booking.id),
        col(Booking.start),
        col(Booking.attendee_name),
        col(Booking.attendee_time_zone),
        col(EventType.title),
    )
    .join(Booking, col(Booking.id) == OutboxEvent.booking_id)
    .join(EventType, col(EventType.id) == Booking.event_type_id)
    .where(col(OutboxEvent.id).in_(bindparam("ids", expanding=True)), col(OutboxEvent.kind).in_(HEADLINES))
)
HOSTS = (
    sa_select(col(BookingHost.booking_id), col(Host.slug), col(Host.slack_user_id), col(Host.time_zone))
    .join(Host, col(Host.id) == BookingHost.host_id)
    .where(col(BookingHost.booking_id).in_(bindparam("booking_ids", expanding=True)))
    .order_by(col(BookingHost.id))
)
"""Plain columns, not entities: a busy server reads a full batch every round."""


class Recipient(NamedTuple):
    """A host as a notice addresses them."""

    slug: str
    slack_user_id: str | None
    time_zone: str


def notices(session: Session, ids: list[int]) -> dict[int, list[HostNotice]]:
    """What each host should read about each of these events (none for events hosts don't need).

    Two queries for the whole batch: the events with their bookings and event types, then the hosts
    of those bookings.
    """
    connection = session.connection()
    events = connection.execute(EVENTS, {"ids": ids}).all()
    hosts: dict[int, list[Recipient]] = defaultdict(list)
    for booking_id, slug, slack_user_id, zone in connection.execute(
        HOSTS, {"booking_ids": [row[2] for row in events]}
    ):
        hosts[booking_id].append(Recipient(slug, slack_user_id, zone))
    found = {
        event_id: _notices(HEADLINES[kind], start, guest, zone, title, hosts[booking_id or 0])
        for event_id, kind, booking_id, start, guest, zone, title in events
    }
    return {event_id: found.get(event_id, []) for event_id in ids}


def _notices(
    headline: str, start: datetime, guest: str, zone: str, title: str, hosts: list[Recipient]
) -> list[HostNotice]:
    invitee = f"{guest} ({local(start, zone)} for them, {zone})"
    return [
        HostNotice(
            host.slug,
            host.slack_user_id,
            f"{headline}: {title}, {local(start, host.time_zone)} your time ({host.time_zone}), "
            f"with {invitee}.",
        )
        for host in hosts
    ]


def deliver(db: Database, notifier: HostNotifier, ids: list[int], now: datetime) -> int:
    """Send claimed events' notices and mark the sent ones done; a failed one keeps its lease for a retry.

    One read and one write per batch rather than per event: a burst of bookings costs its dispatcher
    two transactions. A crash between sending and marking re-sends that batch's notices after the lease
    (delivery is at least once either way).
    """
    with db.transaction() as session:
        pending = notices(session, ids)
    sent = [event_id for event_id, batch in pending.items() if _send(notifier, event_id, batch)]
    if sent:
        with db.transaction(write=True) as session:
            session.execute(
                update(OutboxEvent).where(col(OutboxEvent.id).in_(sent)).values(dispatched_at=now)
            )
    return len(sent)


def _send(notifier: HostNotifier, event_id: int, batch: list[HostNotice]) -> bool:
    try:
        for notice in batch:
            notifier.notify(notice)
    except Exception:
        log.exception("outbox event %s not delivered; it will be retried", event_id)
        return False
    return True


def dispatch(db: Database, notifier: HostNotifier, now: datetime) -> int:
    """One round: claim and deliver a batch; returns how many were delivered."""
    claimed = claim(db, now)
    return deliver(db, notifier, claimed, now) if claimed else 0
