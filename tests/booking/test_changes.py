"""The availability watch: every commit that could change slots moves its generation, on both databases.

Writes here come from a plain DB-API connection, as another process's would (the CLI, a second
worker): they bypass ``booking.db``, so only the database itself can tell the watch.
"""

import sqlite3
from collections.abc import Iterator

import psycopg
import pytest
from sqlmodel import select

from booking.changes import ChangeWatch, PostgresWatch, SqliteWatch, watch
from booking.db import Database
from booking.models import Host
from integrations.messaging import LogNotifier
from tests.booking.factory import NOW, setup
from worker import in_process
from worker.outbox import dispatch

WAIT_S = 10.0


@pytest.fixture
def watched(db: Database) -> Iterator[ChangeWatch]:
    setup(db)
    found = watch(db.engine)
    if isinstance(found, PostgresWatch):
        assert found.wait_for_change(None, WAIT_S), "the listener did not start"
    yield found
    found.close()


def write_elsewhere(db: Database, statement: str, commit: bool = True) -> None:
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        with sqlite3.connect(url.database or "") as connection:
            connection.execute(statement)
            if not commit:
                connection.rollback()
        return
    conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo) as connection:
        connection.execute(statement)
        if not commit:
            connection.rollback()


def moved(found: ChangeWatch, since: tuple[int, int] | None) -> bool:
    if isinstance(found, PostgresWatch):
        return found.wait_for_change(since, WAIT_S)
    return found.generation() != since


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE event_types SET duration = 45",
        "UPDATE schedules SET name = 'Other'",
        "DELETE FROM busy_blocks",
        "UPDATE hosts SET time_zone = 'Asia/Tokyo'",
    ],
)
def test_a_commit_elsewhere_moves_the_generation(db: Database, watched: ChangeWatch, statement: str) -> None:
    before = watched.generation()
    assert before is not None
    write_elsewhere(db, statement)
    assert moved(watched, before)


def test_this_process_s_commits_move_it_at_once(db: Database, watched: ChangeWatch) -> None:
    before = watched.generation()
    with db.transaction(write=True) as session:
        session.connection().exec_driver_sql("UPDATE hosts SET name = 'Ana B'")
    assert watched.generation() != before


def test_a_rolled_back_write_elsewhere_does_not(db: Database, watched: ChangeWatch) -> None:
    before = watched.generation()
    write_elsewhere(db, "UPDATE hosts SET name = 'never'", commit=False)
    write_elsewhere(db, "UPDATE event_types SET duration = 45")  # a later commit is heard...
    assert moved(watched, before)
    if isinstance(watched, SqliteWatch):
        return  # (data_version counts commits, so SQLite's check is the single move below)
    assert before is not None
    assert watched.generation() == (before[0], before[1] + 1)  # ...and only that one


def test_a_lost_listener_reconnects_and_moves_the_generation(
    postgres_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Notifications sent while it was gone are lost, so coming back counts as a change."""
    conninfo = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    listener = PostgresWatch(conninfo)
    try:
        assert listener.wait_for_change(None, WAIT_S)
        before = listener.generation()
        with psycopg.connect(conninfo, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND query LIKE 'LISTEN chatcal_availability%'"
            )
        assert listener.wait_for_change(before, WAIT_S)
        assert "not listening for availability changes" in caplog.text
    finally:
        listener.close()


def test_without_a_listener_nothing_is_trusted() -> None:
    unreachable = PostgresWatch("postgresql://postgres@127.0.0.1:1/none?connect_timeout=1")
    try:
        assert unreachable.generation() is None
        assert not unreachable.wait_for_change(None, 0.2)
    finally:
        unreachable.close()


def test_setup_edits_move_the_setup_generation_and_bookings_do_not(
    db: Database, watched: ChangeWatch
) -> None:
    """What depends on hosts' setup alone outlives bookings (on SQLite every commit moves both)."""
    before, setup_before = watched.generation(), watched.setup_generation()
    write_elsewhere(db, "DELETE FROM busy_blocks")
    assert moved(watched, before)
    if isinstance(watched, PostgresWatch):
        assert watched.setup_generation() == setup_before
    before = watched.generation()
    write_elsewhere(db, "UPDATE event_types SET duration = 45")
    assert moved(watched, before)
    assert watched.setup_generation() != setup_before


def test_this_process_s_setup_edits_move_the_setup_generation_at_once(
    db: Database, watched: ChangeWatch
) -> None:
    setup_before = watched.setup_generation()
    assert setup_before is not None
    with db.transaction(write=True) as session:  # a booking-side write: no setup entity flushed
        session.connection().exec_driver_sql("DELETE FROM busy_blocks")
    assert watched.setup_generation() is not None
    assert watched.setup_generation()[0] == setup_before[0]  # type: ignore[index]
    with db.transaction(write=True) as session:
        host = session.exec(select(Host)).one()
        host.name = "Ana B"
        session.add(host)
    assert watched.setup_generation()[0] != setup_before[0]  # type: ignore[index]


def test_idle_job_rounds_leave_it_alone(db: Database, watched: ChangeWatch) -> None:
    """The jobs run every two seconds in every process; were each round a write, no cached slot
    answer would outlive it."""
    before = watched.generation()
    assert in_process.expire_lapsed_holds(db, NOW) == 0
    assert dispatch(db, LogNotifier(), NOW) == 0
    assert watched.generation() == before
