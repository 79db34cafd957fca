"""The embedded default's job runner: outbox dispatch on a timer inside the web process."""

import asyncio
import logging
from collections.abc import Callable
from contextlib import suppress
from datetime import datetime

import anyio.to_thread

from booking.db import Database
from integrations.messaging import HostNotifier
from worker.outbox import BATCH, dispatch

log = logging.getLogger("chatcal.worker")
EVERY_SECONDS = 2.0


async def run_outbox(
    db: Database, notifier: HostNotifier, clock: Callable[[], datetime], stop: asyncio.Event
) -> None:
    """Dispatch every few seconds until ``stop`` is set; a failing round is logged and the next one retries.

    A full batch means more may be waiting (a burst of bookings), so the next round starts at once.
    Stopping is cooperative, not a cancel: a round already in its thread finishes and hands its
    connection back before the caller closes the database.
    """
    while not stop.is_set():
        delivered = 0
        try:
            delivered = await anyio.to_thread.run_sync(dispatch, db, notifier, clock())
        except Exception:
            log.exception("outbox round failed")
        if delivered >= BATCH:
            continue
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), EVERY_SECONDS)
