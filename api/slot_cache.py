"""Slot answers kept in memory while nothing that decides them has changed.

A booking page is looked at far more often than it is booked, and each look asks the same question
(this event type, this week, this zone) at the cost of several reads and the engine's work. The
encoded answer is kept per question and served again while ``booking.changes`` reports no commit
that could change availability and the answer is younger than ``ttl``. Only the changes time makes on
its own (minimum notice running out, a hold lapsing, a rolling period moving on) wait up to ``ttl``.

A slot served from here may be taken a moment later, exactly as one computed afresh may: booking
re-checks the exact start in its own transaction, and the loser gets a 409.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime, timedelta

from booking.changes import ChangeWatch

MAX_BYTES = 32 * 1024 * 1024


class SlotCache:
    """Encoded slot answers by question, least recently used first out past ``max_bytes``."""

    def __init__(self, watch: ChangeWatch, ttl: timedelta, max_bytes: int = MAX_BYTES) -> None:
        self._watch = watch
        self._ttl = ttl
        self._max_bytes = max_bytes
        self._size = 0
        self._entries: OrderedDict[Hashable, tuple[object, datetime, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def answer(self, question: Hashable, now: datetime, compute: Callable[[], bytes]) -> bytes:
        """The kept answer to ``question`` if still good, else ``compute()``'s, kept for next time.

        The generation is read before computing: a change committed meanwhile makes this answer
        stale at once rather than keeping it as if it were newer.
        """
        generation = self._watch.generation()
        if generation is None:
            return compute()
        with self._lock:
            kept = self._entries.get(question)
            if kept is not None and kept[0] == generation and now - kept[1] < self._ttl:
                self._entries.move_to_end(question)
                return kept[2]
        body = compute()
        self._keep(question, (generation, now, body))
        return body

    def _keep(self, question: Hashable, entry: tuple[object, datetime, bytes]) -> None:
        with self._lock:
            old = self._entries.pop(question, None)
            self._size += len(entry[2]) - (len(old[2]) if old else 0)
            self._entries[question] = entry
            while self._size > self._max_bytes and self._entries:
                _, (_, _, body) = self._entries.popitem(last=False)
                self._size -= len(body)

    def close(self) -> None:
        """Stop the watch (its listener thread on PostgreSQL)."""
        self._watch.close()
