"""What slot listings keep in memory while nothing that decides it has changed.

A booking page is looked at far more often than it is booked, and each look asks the same question
(this event type, this week, this zone) at the cost of several reads and the engine's work. Two
things are kept, each with the generation read before computing it (``booking.changes``) and for a
ttl at most (``CHATCAL_SLOT_CACHE_SECONDS``):

- **answers**: the encoded answer per question, served again while no commit could have changed
  availability. Only the changes time makes on its own (minimum notice running out, a hold lapsing,
  a rolling period moving on) wait up to the ttl.
- **setups**: each event type's rules, hosts and schedules, kept while no host edits a setup table,
  bookings notwithstanding; a new question (another week, another zone) then reads only busy time.

A slot served from here may be taken a moment later, exactly as one computed afresh may: booking
re-checks the exact start in its own transaction, with the setup read afresh, and the loser gets a 409.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from booking.calendar import Setup
from booking.changes import ChangeWatch, Generation

ANSWER_BYTES = 32 * 1024 * 1024
SETUPS = 4096
V = TypeVar("V")


class Kept(Generic[V]):
    """Values by key, least recently used first out once their sizes pass ``budget``."""

    def __init__(
        self,
        generation: Callable[[], Generation | None],
        budget: int,
        size: Callable[[V], int],
        ttl: timedelta,
    ) -> None:
        self._generation = generation
        self._budget = budget
        self._size_of = size
        self._ttl = ttl
        self._size = 0
        self._entries: OrderedDict[Hashable, tuple[Generation, datetime, V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, now: datetime, compute: Callable[[], V]) -> V:
        """The kept value for ``key`` if still good, else ``compute()``'s, kept for next time.

        The generation is read before computing: a change committed meanwhile makes this value
        stale at once rather than keeping it as if it were newer.
        """
        generation = self._generation()
        if generation is None:
            return compute()
        with self._lock:
            kept = self._entries.get(key)
            if kept is not None and kept[0] == generation and now - kept[1] < self._ttl:
                self._entries.move_to_end(key)
                return kept[2]
        value = compute()
        self._keep(key, (generation, now, value))
        return value

    def _keep(self, key: Hashable, entry: tuple[Generation, datetime, V]) -> None:
        with self._lock:
            old = self._entries.pop(key, None)
            self._size += self._size_of(entry[2]) - (self._size_of(old[2]) if old else 0)
            self._entries[key] = entry
            while self._size > self._budget and self._entries:
                _, (_, _, value) = self._entries.popitem(last=False)
                self._size -= self._size_of(value)


def _one(_: object) -> int:
    return 1


@dataclass
class ListingCaches:
    """The slot listing's caches and the watch that tells them when to let go."""

    watch: ChangeWatch
    setups: Kept[Setup]
    answers: Kept[bytes]

    @classmethod
    def over(cls, watch: ChangeWatch, ttl: timedelta) -> "ListingCaches":
        """Caches that ``watch`` empties, each entry kept for ``ttl`` at most."""
        setups = Kept[Setup](watch.setup_generation, SETUPS, _one, ttl)
        return cls(watch, setups, Kept[bytes](watch.generation, ANSWER_BYTES, len, ttl))

    def close(self) -> None:
        """Stop the watch (its listener thread on PostgreSQL)."""
        self.watch.close()
