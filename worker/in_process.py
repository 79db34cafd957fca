"""The embedded default's job runner: hold expiry and outbox dispatch on a timer inside the web process."""

import asyncio
import logging
from collections.abc import Callable
from contextlib import suppress
from datetime import datetime
from typing import TypeVarTuple

import anyio.to_thread

from booking import repository, service
from booking.db import Database
from integrations.messaging import HostNotifier
from worker.outbox import BATCH, dispatch

log = logging.getLogger("chatcal.worker")
EVERY_SECONDS = 2.0
Args = TypeVarTuple("Args")
HOLD_BATCH = 100
"""Holds expired per write transaction: a backlog (holds that lapsed while no server ran) is worked off
in short transactions, rounds back to back, instead of one that keeps bookings waiting."""


def expire_lapsed_holds(db: Database, now: datetime) -> int:
    """End a batch of holds whose payment window has closed; returns how many.

    Every server process runs this at once: each batch skips holds another one has locked, so each
    hold is expired, with its outbox event, exactly once; a payment arriving meanwhile is never undone
    (``service.expire_holds``).
    """
    with db.transaction() as session:
        if not repository.any_stale_hold(session, now):
            return 0  # no write transaction: each would count as a change and drop cached slot answers
    with db.transaction(write=True) as session:
        return service.expire_holds(session, now, batch=HOLD_BATCH)


async def _attempt(job: str, work: Callable[[*Args], int], *args: *Args) -> int:
    """``work(*args)`` in a thread; a failure is logged and counts as nothing done, for the next round."""
    try:
        return await anyio.to_thread.run_sync(work, *args)
    except Exception:
        log.exception("%s round failed", job)
        return 0


async def run_jobs(
    db: Database, notifier: HostNotifier, clock: Callable[[], datetime], stop: asyncio.Event
) -> None:
    """Every few seconds until ``stop`` is set, expire lapsed holds, then dispatch the outbox.

    Holds lapse by the clock alone, with nobody booking their time to clear them on the way, so a round
    ends them; their events then go out in the same round. Each job fails on its own: it is logged and
    the next round retries. A full batch of either means more may be waiting (a burst of bookings, holds
    that lapsed during downtime), so the next round starts at once. The clock is read once per round.
    Stopping is cooperative, not a cancel: a round already in its thread finishes and hands its
    connection back before the caller closes the database.
    """
    while not stop.is_set():
        now = clock()
        expired = await _attempt("hold expiry", expire_lapsed_holds, db, now)
        delivered = await _attempt("outbox", dispatch, db, notifier, now)
        if expired >= HOLD_BATCH or delivered >= BATCH:
            continue
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), EVERY_SECONDS)
