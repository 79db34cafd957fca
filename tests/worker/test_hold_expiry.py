"""Payment holds lapse on their own: the job loop expires them once each, whoever else is running."""

import asyncio
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from itertools import count

import pytest
from sqlmodel import col, select

from booking import service
from booking.db import Database, make_engine
from booking.models import Booking, BookingHost, EventType, OutboxEvent
from booking.models.bookings import BookingStatus
from tests.booking.factory import NOW, PAYMENTS, VIDEO, later, request, setup
from tests.worker.test_outbox import Inbox
from worker import in_process

HOLD = timedelta(minutes=15)
LAPSED = NOW + HOLD
"""The moment the holds booked at ``NOW`` lapse (``hold_expires_at <= now`` counts as lapsed)."""


def hold(db: Database, slots: int = 1) -> list[int]:
    """``slots`` held bookings of a paid event type, half an hour apart from 10:00; returns their ids."""
    _, event_type_id = setup(db, price=5000, payment_provider="stripe", hold_minutes=15)
    with db.transaction(write=True) as session:
        event_type = session.get_one(EventType, event_type_id)
        held = [
            service.book(session, event_type, request(later(30 * n)), NOW, VIDEO, payments=PAYMENTS)
            for n in range(slots)
        ]
        return [booked.booking.id or 0 for booked in held]


def run_rounds(db: Database, now: datetime, rounds: int = 1, inbox: Inbox | None = None) -> None:
    """Run the job loop for ``rounds`` rounds at ``now``, with no sleeping: reading the clock (once per
    round) for the last time stops the loop, which then finishes that round and returns."""

    async def run() -> None:
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        readings = count(1)

        def clock() -> datetime:
            if next(readings) == rounds:
                loop.call_soon_threadsafe(stop.set)
            return now

        await asyncio.wait_for(in_process.run_jobs(db, inbox or Inbox(), clock, stop), 10)

    asyncio.run(run())


def statuses(db: Database) -> list[BookingStatus]:
    with db.transaction() as session:
        return [booking.status for booking in session.exec(select(Booking).order_by(col(Booking.id)))]


def events(db: Database) -> list[tuple[int, str]]:
    """(booking id, kind) of every outbox event, oldest first."""
    with db.transaction() as session:
        rows = session.exec(select(OutboxEvent).order_by(col(OutboxEvent.id)))
        return [(event.booking_id or 0, event.kind) for event in rows]


def active_shares(db: Database) -> list[bool]:
    with db.transaction() as session:
        return list(session.exec(select(BookingHost.active).order_by(col(BookingHost.id))).all())


def test_a_lapsed_hold_expires_in_one_round_and_frees_its_time(db: Database) -> None:
    [held] = hold(db)
    inbox = Inbox()
    run_rounds(db, LAPSED, inbox=inbox)
    assert statuses(db) == [BookingStatus.EXPIRED]
    assert events(db) == [(held, "booking.held"), (held, "booking.expired")]
    assert active_shares(db) == [False]
    assert inbox.notices == []  # hosts hear of paid bookings, never of holds coming or going
    with db.transaction() as session:
        assert session.get_one(Booking, held).cancel_reason == "payment not received in time"
    run_rounds(db, LAPSED + timedelta(hours=1))
    assert len(events(db)) == 2


def test_a_hold_still_within_its_window_is_untouched(db: Database) -> None:
    hold(db)
    run_rounds(db, LAPSED - timedelta(seconds=1))
    assert statuses(db) == [BookingStatus.HELD]
    assert [kind for _, kind in events(db)] == ["booking.held"]
    assert active_shares(db) == [True]


def test_a_payment_after_expiry_still_revives_the_hold(db: Database) -> None:
    [held] = hold(db)
    run_rounds(db, LAPSED)
    with db.transaction(write=True) as session:
        service.mark_paid(session, session.get_one(Booking, held), "pi_1", LAPSED)
    assert statuses(db) == [BookingStatus.ACCEPTED]
    assert active_shares(db) == [True]


def test_a_backlog_is_expired_in_bounded_batches_without_waiting_between_them(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rounds an hour apart would time the loop out: only rounds back to back expire it all in time."""
    hold(db, slots=5)
    monkeypatch.setattr(in_process, "HOLD_BATCH", 2)
    monkeypatch.setattr(in_process, "EVERY_SECONDS", 3600.0)
    assert in_process.expire_lapsed_holds(db, LAPSED) == 2
    run_rounds(db, LAPSED, rounds=2)
    assert statuses(db) == [BookingStatus.EXPIRED] * 5
    assert in_process.expire_lapsed_holds(db, LAPSED) == 0


def test_a_failed_round_is_logged_and_the_next_one_retries(
    db: Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    hold(db)
    expire = in_process.expire_lapsed_holds
    calls = count(1)

    def flaky(database: Database, now: datetime) -> int:
        if next(calls) == 1:
            raise ConnectionError("database restarting")
        return expire(database, now)

    monkeypatch.setattr(in_process, "expire_lapsed_holds", flaky)
    monkeypatch.setattr(in_process, "EVERY_SECONDS", 0.0)
    with caplog.at_level(logging.ERROR, "chatcal.worker"):
        run_rounds(db, LAPSED, rounds=2)
    assert "hold expiry round failed" in caplog.text
    assert statuses(db) == [BookingStatus.EXPIRED]


def test_concurrent_rounds_expire_each_hold_once(db: Database, database_url: str) -> None:
    """Two processes' loops (a Database each) racing through the same backlog, a batch at a time."""
    held = hold(db, slots=6)
    others = [Database(make_engine(database_url)) for _ in range(2)]
    start = threading.Barrier(len(others))

    def drain(database: Database) -> int:
        start.wait()
        expired = 0
        while batch := in_process.expire_lapsed_holds(database, LAPSED):
            expired += batch
        return expired

    try:
        with pytest.MonkeyPatch.context() as patch, ThreadPoolExecutor(len(others)) as pool:
            patch.setattr(in_process, "HOLD_BATCH", 2)
            expired = sum(pool.map(drain, others))
    finally:
        for other in others:
            other.engine.dispose()
    assert expired == len(held)
    assert statuses(db) == [BookingStatus.EXPIRED] * len(held)
    assert sorted(booking for booking, kind in events(db) if kind == "booking.expired") == held


def test_a_payment_racing_a_round_is_recorded_and_never_expired(db: Database, database_url: str) -> None:
    """The payment's transaction has written but not committed when the round runs.

    PostgreSQL: the round skips the row the payment has locked instead of waiting for it (or, worse,
    overwriting it once the payment commits). SQLite: the round waits for the write lock and then
    reads the payment.
    """
    [held] = hold(db)
    other = Database(make_engine(database_url))
    try:
        with ThreadPoolExecutor(1) as pool:
            with db.transaction(write=True) as session:
                service.mark_paid(session, session.get_one(Booking, held), "pi_1", LAPSED)
                expiring = pool.submit(in_process.expire_lapsed_holds, other, LAPSED)
                if db.engine.dialect.name == "postgresql":
                    assert expiring.result(timeout=10) == 0
            assert expiring.result(timeout=10) == 0
    finally:
        other.engine.dispose()
    with db.transaction() as session:
        booking = session.get_one(Booking, held)
        assert (booking.status, booking.payment_ref) == (BookingStatus.ACCEPTED, "pi_1")
    assert [kind for _, kind in events(db)] == ["booking.held", "booking.paid"]
    assert active_shares(db) == [True]
