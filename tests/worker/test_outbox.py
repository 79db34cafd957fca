"""Outbox dispatch: every host hears about bookings once, failures are retried, leases expire."""

import asyncio
import threading
from datetime import timedelta

import anyio.to_thread
import pytest
from sqlmodel import select

from booking import service
from booking.db import Database
from booking.models import Booking, EventType, OutboxEvent
from integrations.messaging import HostNotice
from tests.booking.factory import NOW, PAYMENTS, VIDEO, request, setup
from worker import in_process
from worker.outbox import BATCH, LEASE, claim, dispatch


class Inbox:
    """A notifier that records notices, or fails while ``broken``."""

    def __init__(self) -> None:
        self.notices: list[HostNotice] = []
        self.broken = False

    def notify(self, notice: HostNotice) -> None:
        if self.broken:
            raise ConnectionError("Slack is down")
        self.notices.append(notice)


def book_and_cancel(db: Database, event_type_id: int) -> None:
    with db.transaction(write=True) as session:
        booking = service.book(
            session, session.get_one(EventType, event_type_id), request(), NOW, VIDEO, payments=PAYMENTS
        ).booking
    with db.transaction(write=True) as session:
        service.cancel(session, session.get_one(Booking, booking.id), NOW, "ill")


def test_hosts_hear_of_new_and_cancelled_bookings_in_both_zones(db: Database) -> None:
    _, event_type = setup(db)
    book_and_cancel(db, event_type)
    inbox = Inbox()
    assert dispatch(db, inbox, NOW) == 2
    assert [notice.text.split(":")[0] for notice in inbox.notices] == ["New booking", "Cancelled"]
    assert "Mon 7 Jan 10:00 your time (UTC)" in inbox.notices[0].text
    assert dispatch(db, inbox, NOW + timedelta(hours=1)) == 0
    assert len(inbox.notices) == 2


def test_a_failed_delivery_is_retried_after_the_lease(db: Database) -> None:
    _, event_type = setup(db)
    book_and_cancel(db, event_type)
    inbox = Inbox()
    inbox.broken = True
    assert dispatch(db, inbox, NOW) == 0
    inbox.broken = False
    assert dispatch(db, inbox, NOW + timedelta(seconds=30)) == 0
    assert dispatch(db, inbox, NOW + LEASE) == 2
    with db.transaction() as session:
        assert [event.attempts for event in session.exec(select(OutboxEvent))] == [2, 2]


def test_two_dispatchers_never_claim_the_same_event(db: Database) -> None:
    _, event_type = setup(db)
    book_and_cancel(db, event_type)
    first, second = claim(db, NOW), claim(db, NOW)
    assert len(first) == 2
    assert second == []


def test_a_backlog_is_dispatched_without_waiting_between_full_batches(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With rounds an hour apart, a backlog of several batches can only all arrive by rounds back to back."""
    _, event_type = setup(db)
    book_and_cancel(db, event_type)
    with db.transaction(write=True) as session:
        booking_id = session.exec(select(Booking.id)).one()
        for _ in range(2 * BATCH + 1):
            session.add(OutboxEvent(kind="booking.accepted", booking_id=booking_id, payload={}))
    arrived = threading.Event()

    class Counting(Inbox):
        def notify(self, notice: HostNotice) -> None:
            super().notify(notice)
            if len(self.notices) == 2 * BATCH + 1 + 2:  # and the booking's own two
                arrived.set()

    async def run() -> bool:
        stop = asyncio.Event()
        runner = asyncio.create_task(in_process.run_jobs(db, Counting(), lambda: NOW, stop))
        all_arrived = await anyio.to_thread.run_sync(arrived.wait, 60)
        stop.set()
        await runner
        return all_arrived

    monkeypatch.setattr(in_process, "EVERY_SECONDS", 3600.0)
    assert asyncio.run(run())
