"""Telling, without a query, whether anything that decides availability may have changed.

A watch's ``generation()`` is a value that differs from any earlier one once a write that could
change availability has committed; None means it can't tell just now, and nothing should be trusted.
Caches keep what they computed together with the generation read *before* computing it, and throw
it away when the generation has moved. ``setup_generation()`` moves only with writes to the tables
of ``SETUP_TABLES`` (hosts' rules, hours and teams, which hosts edit now and then), not with
bookings and busy blocks (which change all day), so what depends on setup alone outlives bookings.

- Every write transaction committed by this process moves it at once (``note_local_write``, called
  by ``Database.transaction``), so a process always reads its own writes; the setup generation
  too when the transaction flushed an entity of a setup table.
- **SQLite**: ``PRAGMA data_version`` on a connection of the watch's own moves with every commit by
  any other connection, of this process or another (the CLI, a second worker). It can't tell tables
  apart, so there both generations move together.
- **PostgreSQL**: triggers on the availability tables (migrations 0003 and 0005) ``NOTIFY
  chatcal_availability`` with payload ``setup`` or ``busy``, which PostgreSQL delivers at commit; a
  thread LISTENs on its own connection and counts them. While that connection is down both
  generations are None, and they move when listening resumes.
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
BUSY = "busy"
"""The payload of notifications from bookings, their hosts' shares and busy blocks; any other is setup."""
SETUP_TABLES = frozenset({"hosts", "teams", "team_members", "schedules", "event_types"})
RECONNECT_S = 1.0
POLL_S = 0.5
Generation = tuple[int, int]
_local_writes = count(1)
_local_generation = 0
_local_setup_generation = 0


def note_local_write(setup: bool) -> None:
    """Called after each committed write transaction of this process; ``setup``: it wrote setup tables."""
    global _local_generation, _local_setup_generation  # noqa: PLW0603 - one count per process is the point
    _local_generation = next(_local_writes)
    if setup:
        _local_setup_generation = _local_generation


class ChangeWatch(Protocol):
    """Whether availability data may have changed; see the module docstring."""

    def generation(self) -> Generation | None:
        """The current generation, or None when changes can't be seen right now."""
        ...

    def setup_generation(self) -> Generation | None:
        """The generation of ``SETUP_TABLES`` alone, or None when changes can't be seen right now."""
        ...

    def close(self) -> None:
        """Stop watching (idempotent)."""
        ...


class SqliteWatch:
    """Reads ``PRAGMA data_version`` on a connection that never writes, so every commit moves it."""

    def __init__(self, path: str) -> None:
        self._connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()

    def generation(self) -> Generation | None:
        return _local_generation, self._data_version()

    def setup_generation(self) -> Generation | None:
        return _local_setup_generation, self._data_version()

    def _data_version(self) -> int:
        with self._lock:
            row = self._connection.execute("PRAGMA data_version").fetchone()
        return int(row[0])

    def close(self) -> None:
        self._connection.close()


class PostgresWatch:
    """Counts ``chatcal_availability`` notifications on a LISTEN connection of its own, in a thread."""

    def __init__(self, conninfo: str) -> None:
        self._conninfo = conninfo
        self._heard = 0
        self._heard_setup = 0
        self._listening = False
        self._moved = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="availability-listener", daemon=True)
        self._thread.start()

    def generation(self) -> Generation | None:
        return (_local_generation, self._heard) if self._listening else None

    def setup_generation(self) -> Generation | None:
        return (_local_setup_generation, self._heard_setup) if self._listening else None

    def close(self) -> None:
        self._stop.set()
        self._thread.join()

    def wait_for_change(self, since: Generation | None, timeout_s: float) -> bool:
        """Block until the generation is trusted and differs from ``since``; False on timeout.

        For callers that must see another process's commit before going on (tests, tools).
        """
        with self._moved:
            return self._moved.wait_for(lambda: self.generation() not in (None, since), timeout_s)

    def _heard_one(self, payload: str) -> None:
        """Count a change; one of setup unless it says busy (triggers older than 0005 say nothing)."""
        with self._moved:
            self._heard += 1
            self._heard_setup += payload != BUSY
            self._moved.notify_all()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                for payload in self._notifications():
                    self._heard_one(payload)
            except psycopg.Error as exc:
                log.warning("not listening for availability changes (%s); slot answers are not cached", exc)
            self._listening = False
            self._stop.wait(RECONNECT_S)

    def _notifications(self) -> Iterator[str]:
        with psycopg.connect(self._conninfo, autocommit=True) as connection:
            connection.execute(f"LISTEN {CHANNEL}")
            self._listening = True
            self._heard_one("")  # whatever happened while not listening, of either kind
            while not self._stop.is_set():
                yield from (notice.payload for notice in connection.notifies(timeout=POLL_S))


class NoWatch:
    """For databases no other connection can see (in-memory SQLite): never trusted."""

    def generation(self) -> Generation | None:
        return None

    def setup_generation(self) -> Generation | None:
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
