"""Engines and transactions: the one place that knows SQLite and PostgreSQL behave differently.

Writes that must see every committed booking (book, reschedule, confirm) run in a *write* transaction:
``BEGIN IMMEDIATE`` on SQLite, which takes the database's write lock up front so two bookings are
checked one after the other; on PostgreSQL, host rows are locked by the service and the exclusion
constraint settles whatever slips past. Services never commit: the caller's ``transaction`` does.
"""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from booking.errors import SlotTaken

OVERLAP_GUARD = "booking_hosts_no_overlap"
SQLITE_BUSY_TIMEOUT_MS = 30_000


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


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and explicit transaction control."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_size=10, max_overflow=20, pool_recycle=1800)


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
            except IntegrityError as exc:
                session.rollback()
                if OVERLAP_GUARD in str(exc.orig):
                    raise SlotTaken() from exc
                raise
            except BaseException:
                session.rollback()
                raise
