"""Real databases for tests: one migrated PostgreSQL database per test worker, SQLite files per test.

Each worker creates its own uniquely named PostgreSQL database (never assuming an empty server), builds
it with the real migrations, empties it between tests, and drops it at the end. SQLite tests copy a
migrated template file, which is far quicker than migrating again.
"""

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy import text
from sqlmodel import SQLModel

from booking.db import Database, make_engine
from chatcal.migrate import upgrade

ADMIN_URL = os.environ.get("CHATCAL_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


def postgres_available() -> bool:
    try:
        with psycopg.connect(ADMIN_URL, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


@contextmanager
def postgres_database(worker: str) -> Iterator[str]:
    """A new, migrated PostgreSQL database for this worker; dropped afterwards."""
    name = f"chatcal_test_{worker}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        yield url
    finally:
        engine.dispose()
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def empty_postgres(database: Database) -> None:
    """Remove every row, so the next test starts clean without re-running migrations."""
    tables = ", ".join(f'"{table.name}"' for table in SQLModel.metadata.sorted_tables)
    with database.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


def sqlite_template(directory: Path) -> Path:
    """A migrated SQLite file to copy for each test."""
    path = directory / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


def sqlite_copy(template: Path, directory: Path) -> str:
    """A fresh migrated SQLite database for one test."""
    path = directory / "chatcal.db"
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"
