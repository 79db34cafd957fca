"""Engines and transactions: the one place that knows SQLite and PostgreSQL behave differently.

Writes that must see every committed booking (book, reschedule, confirm) run in a *write* transaction:
``BEGIN IMMEDIATE`` on SQLite, which takes the database's write lock up front so two bookings are
checked one after the other; on PostgreSQL, bookings of different slots run side by side and the
exclusion constraint settles overlapping claims (the service locks an event type only when its rules
count bookings). Services never commit: the caller's ``transaction`` does.
"""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import chain
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from booking import changes
from booking.errors import SlotTaken

OVERLAP_GUARD = "booking_hosts_no_overlap"
GUARD_DEADLOCK = "exclusion constraint on tuple"
"""Two overlapping claims inserted at once wait on each other's guard check; PostgreSQL aborts one."""
DEADLOCK_DETECTED = "40P01"
SQLITE_BUSY_TIMEOUT_MS = 30_000
WROTE_SETUP = "wrote_setup"
"""The ``session.info`` key set once a flush has written a row of ``changes.SETUP_TABLES``."""


def _configure_sqlite(engine: Engine) -> None:
    """Let SQLAlchemy, not the driver, start transactions, so ``BEGIN IMMEDIATE`` is possible."""

    @event.listens_for(engine, "connect")
    def connect(dbapi_connection: sqlite3.Connection, _: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def _configure_postgres(engine: Engine) -> None:
    """Sessions in UTC, so the driver hands back timestamps in ``datetime.UTC`` with nothing to convert.

    Set on connect rather than as a startup option, which connection poolers such as PgBouncer
    refuse; where a pooler drops it, values arrive in the server's zone and are converted instead.
    """

    @event.listens_for(engine, "connect")
    def connect(dbapi_connection: Any, _: Any) -> None:
        dbapi_connection.execute("SET TIME ZONE 'UTC'")
        dbapi_connection.commit()


def make_engine(url: str, pool_size: int = 10) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and explicit transaction control.

    A PostgreSQL pool keeps ``pool_size`` connections open; the few overflow ones, for background
    work beside a full set of request threads, are closed on return, so the pool must not be smaller
    than the request concurrency or every request pays for a new server process (see ``create_app``).
    """
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        _configure_sqlite(engine)
        return engine
    engine = create_engine(url, pool_size=pool_size, max_overflow=5, pool_recycle=1800)
    _configure_postgres(engine)
    return engine


def _lost_overlap(exc: DBAPIError) -> bool:
    """Whether the database refused this transaction's claim on time another claim holds."""
    message = str(exc.orig)
    if isinstance(exc, IntegrityError):
        return OVERLAP_GUARD in message
    deadlocked = getattr(exc.orig, "sqlstate", None) == DEADLOCK_DETECTED
    return deadlocked and GUARD_DEADLOCK in message and '"booking_hosts"' in message


def _note_setup_writes(session: Session, _: Any) -> None:
    """Mark sessions that flushed a setup entity (every setup write goes through the ORM)."""
    written = chain(session.new, session.dirty, session.deleted)
    if any(getattr(entity, "__tablename__", None) in changes.SETUP_TABLES for entity in written):
        session.info[WROTE_SETUP] = True


class Database:
    """Sessions for one engine, with read and write transactions."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        writer = engine.execution_options(sqlite_begin="IMMEDIATE")
        # PostgreSQL reads skip BEGIN/COMMIT round trips: a listing is advice, every write re-checks.
        reader = (
            engine.execution_options(isolation_level="AUTOCOMMIT")
            if engine.dialect.name == "postgresql"
            else engine
        )
        self._read = sessionmaker(reader, class_=Session, expire_on_commit=False)
        self._write = sessionmaker(writer, class_=Session, expire_on_commit=False)
        event.listen(self._write, "after_flush", _note_setup_writes)

    @contextmanager
    def transaction(self, write: bool = False) -> Iterator[Session]:
        """A session committed on success and rolled back on error; reads (``write=False``) must not write.

        The overlap guard's violation becomes ``SlotTaken``: whatever the service checked, the
        database has the last word on double booking.
        """
        with (self._write if write else self._read)() as session:
            try:
                yield session
                session.commit()
                if write:
                    changes.note_local_write(setup=session.info.get(WROTE_SETUP, False))
            except (IntegrityError, OperationalError) as exc:
                session.rollback()
                if _lost_overlap(exc):
                    raise SlotTaken() from exc
                raise
            except BaseException:
                session.rollback()
                raise
