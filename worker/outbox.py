"""Dispatching outbox events: claim a batch under a lease, deliver each, mark it done.

Delivery is at least once: an event whose dispatcher died mid-send is claimed again when its lease
runs out. Sending happens outside any transaction, so a slow Slack call never holds the database's
write lock that bookings need.
"""

import logging
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import update
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
    """
    with db.transaction(write=True) as session:
        free = (
            select(OutboxEvent.id)
            .where(
                col(OutboxEvent.dispatched_at).is_(None),
                or_(col(OutboxEvent.claimed_until).is_(None), col(OutboxEvent.claimed_until) <= now),
            )
            .order_by(col(OutboxEvent.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        ids = [event_id for event_id in session.exec(free).all() if event_id is not None]
        if ids:
            session.execute(
                update(OutboxEvent)
                .where(col(OutboxEvent.id).in_(ids))
                .values(claimed_until=now + LEASE, attempts=col(OutboxEvent.attempts) + 1)
            )
        return ids


def notices(session: Session, ids: list[int]) -> dict[int, list[HostNotice]]:
    """What each host should read about each of these events (none for events hosts don't need).

    Two queries for the whole batch: the events with their bookings and event types, then the hosts
    of those bookings.
    """
    rows = session.exec(
        select(OutboxEvent, Booking, EventType)
        .join(Booking, col(Booking.id) == OutboxEvent.booking_id)
        .join(EventType, col(EventType.id) == Booking.event_type_id)
        .where(col(OutboxEvent.id).in_(ids), col(OutboxEvent.kind).in_(HEADLINES))
    ).all()
    hosts: dict[int, list[Host]] = defaultdict(list)
    for booking_id, host in session.exec(
        select(BookingHost.booking_id, Host)
        .join(Host, col(Host.id) == BookingHost.host_id)
        .where(col(BookingHost.booking_id).in_([booking.id for _, booking, _ in rows]))
        .order_by(col(BookingHost.id))
    ):
        hosts[booking_id].append(host)
    found = {
        event.id or 0: _notices(event, booking, event_type, hosts[booking.id or 0])
        for event, booking, event_type in rows
    }
    return {event_id: found.get(event_id, []) for event_id in ids}


def _notices(
    event: OutboxEvent, booking: Booking, event_type: EventType, hosts: list[Host]
) -> list[HostNotice]:
    headline = HEADLINES[event.kind]
    zone = booking.attendee_time_zone
    guest = f"{booking.attendee_name} ({local(booking.start, zone)} for them, {zone})"
    return [
        HostNotice(
            host.slug,
            host.slack_user_id,
            f"{headline}: {event_type.title}, {local(booking.start, host.time_zone)} your time "
            f"({host.time_zone}), with {guest}.",
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
