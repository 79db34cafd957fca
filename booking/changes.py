"""Telling, without a query, whether anything that decides availability may have changed.

A watch's ``generation()`` is a value that differs from any earlier one once a write that could
change availability has committed; None means it can't tell just now, and nothing should be trusted.
Caches keep what they computed together with the generation read *before* computing it, and throw
it away when the generation has moved.

- Every write transaction committed by this process moves it at once (``note_local_write``, called
  by ``Database.transaction``), so a process always reads its own writes.
- **SQLite**: ``PRAGMA data_version`` on a connection of the watch's own moves with every commit by
  any other connection, of this process or another (the CLI, a second worker).
- **PostgreSQL**: triggers on the availability tables (migration 0003) ``NOTIFY chatcal_availability``,
  which PostgreSQL delivers at commit; a thread LISTENs on its own connection and counts them. While
  that connection is down the generation is None, and it moves when listening resumes.
"""

import logging
import sqlite3
import threading
from collections.abc import Iterator
from itertools import count
from typing import Protocol

import psycopg
from sqlalchemy import Engine

log = logging.getLogger(__name__)

CHANNEL = "chatcal_availability"
RECONNECT_S = 1.0
POLL_S = 0.5
_local_writes = count()
_local_generation = 0


def note_local_write() -> None:
    """Called after each committed write transaction of this process."""
    global _local_generation  # noqa: PLW0603 - one counter per process is the point
    _local_generation = next(_local_writes) + 1


class ChangeWatch(Protocol):
    """Whether availability data may have changed; see the module docstring."""

    def generation(self) -> tuple[int, int] | None:
        """The current generation, or None when changes can't be seen right now."""
        ...

    def close(self) -> None:
        """Stop watching (idempotent)."""
        ...


class SqliteWatch:
    """Reads ``PRAGMA data_version`` on a connection that never writes, so every commit moves it."""

    def __init__(self, path: str) -> None:
        self._connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()

    def generation(self) -> tuple[int, int] | None:
        with self._lock:
            row = self._connection.execute("PRAGMA data_version").fetchone()
        return _local_generation, int(row[0])

    def close(self) -> None:
        self._connection.close()


class PostgresWatch:
    """Counts ``chatcal_availability`` notifications on a LISTEN connection of its own, in a thread."""

    def __init__(self, conninfo: str) -> None:
        self._conninfo = conninfo
        self._heard = 0
        self._listening = False
        self._moved = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="availability-listener", daemon=True)
        self._thread.start()

    def generation(self) -> tuple[int, int] | None:
        return (_local_generation, self._heard) if self._listening else None

    def close(self) -> None:
        self._stop.set()
        self._thread.join()

    def wait_for_change(self, since: tuple[int, int] | None, timeout_s: float) -> bool:
        """Block until the generation is trusted and differs from ``since``; False on timeout.

        For callers that must see another process's commit before going on (tests, tools).
        """
        with self._moved:
            return self._moved.wait_for(lambda: self.generation() not in (None, since), timeout_s)

    def _heard_one(self) -> None:
        with self._moved:
            self._heard += 1
            self._moved.notify_all()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                for _ in self._notifications():
                    self._heard_one()
            except psycopg.Error as exc:
                log.warning("not listening for availability changes (%s); slot answers are not cached", exc)
            self._listening = False
            self._stop.wait(RECONNECT_S)

    def _notifications(self) -> Iterator[object]:
        with psycopg.connect(self._conninfo, autocommit=True) as connection:
            connection.execute(f"LISTEN {CHANNEL}")
            self._listening = True
            self._heard_one()  # whatever happened while not listening
            while not self._stop.is_set():
                yield from connection.notifies(timeout=POLL_S)


class NoWatch:
    """For databases no other connection can see (in-memory SQLite): never trusted."""

    def generation(self) -> tuple[int, int] | None:
        return None

    def close(self) -> None:
        return None


def watch(engine: Engine) -> ChangeWatch:
    """The watch that fits ``engine``'s database."""
    url = engine.url
    if url.get_backend_name() == "postgresql":
        conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        return PostgresWatch(conninfo)
    if url.database and url.database != ":memory:":
        return SqliteWatch(url.database)
    return NoWatch()
