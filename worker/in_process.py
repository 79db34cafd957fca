"""The embedded default's job runner: outbox dispatch on a timer inside the web process."""

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

import anyio.to_thread

from booking.db import Database
from integrations.messaging import HostNotifier
from worker.outbox import dispatch

log = logging.getLogger("chatcal.worker")
EVERY_SECONDS = 2.0


async def run_outbox(db: Database, notifier: HostNotifier, clock: Callable[[], datetime]) -> None:
    """Dispatch forever (until cancelled); one failing round is logged and the next one tries again."""
    while True:
        try:
            await anyio.to_thread.run_sync(dispatch, db, notifier, clock())
        except Exception:
            log.exception("outbox round failed")
        await asyncio.sleep(EVERY_SECONDS)
