"""``chatcal serve`` on a database or setting it can't use: one ``error:`` line and exit 1, never a
traceback, whether one server process starts or several (whose parent prepares the database)."""

import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import make_url

from booking.db import make_engine
from chatcal.migrate import alembic_config
from migrations import LOCATION
from tests.api.live_server import server_env

SCRIPTS = ScriptDirectory(str(LOCATION))
WORKERS = pytest.mark.parametrize("workers", ["1", "2"])


def head() -> str:
    """The revision this chatcal's migrations end at."""
    revision = SCRIPTS.get_current_head()
    assert revision is not None
    return revision


def serve_error(database_url: str, data_dir: Path, **env: str) -> str:
    """Run ``chatcal serve``, expect it to refuse to start, and return its one error line."""
    data_dir.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [sys.executable, "-m", "chatcal", "serve"],
        env=server_env(database_url, data_dir, **env),
        cwd=data_dir,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    last = done.stderr.splitlines()[-1]
    assert last.startswith("error: "), done.stderr
    return last


def corrupt_sqlite(directory: Path) -> str:
    path = directory / "chatcal.db"
    path.write_bytes(b"this is not an SQLite database, whatever its name says " * 20)
    return f"sqlite:///{path}"


def sqlite_at(revision: str, directory: Path) -> str:
    """An SQLite database migrated only as far as ``revision``."""
    url = f"sqlite:///{directory / 'old.db'}"
    engine = make_engine(url)
    config = alembic_config(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    engine.dispose()
    return url


@WORKERS
def test_serve_refuses_a_corrupt_sqlite_file(workers: str, tmp_path: Path) -> None:
    url = corrupt_sqlite(tmp_path)
    line = serve_error(url, tmp_path / "data", CHATCAL_WORKERS=workers)
    assert line.startswith(f"error: could not migrate the database at {url}: file is not a database")
    assert "CHATCAL_DATABASE_URL" in line


def test_serve_refuses_a_missing_postgres_database(postgres_url: str, tmp_path: Path) -> None:
    missing = make_url(postgres_url).set(password="s3cret", database=f"absent_{uuid.uuid4().hex[:8]}")
    url = missing.render_as_string(hide_password=False)
    line = serve_error(url, tmp_path / "data")
    assert f"could not migrate the database at {missing.render_as_string()}" in line
    assert f'database "{missing.database}" does not exist' in line
    assert "s3cret" not in line


@WORKERS
def test_skipped_migrations_on_an_empty_database_stop_the_start(workers: str, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    line = serve_error(url, tmp_path / "data", CHATCAL_WORKERS=workers, CHATCAL_SKIP_MIGRATIONS="1")
    assert line == (
        f"error: the database at {url} has no chatcal schema; this chatcal needs revision {head()}: "
        "run `chatcal migrate`"
    )


def test_skipped_migrations_on_an_old_schema_stop_the_start(tmp_path: Path) -> None:
    previous = SCRIPTS.get_revision(head()).down_revision
    assert isinstance(previous, str)
    url = sqlite_at(previous, tmp_path)
    line = serve_error(url, tmp_path / "data", CHATCAL_SKIP_MIGRATIONS="1")
    assert line == (
        f"error: the database at {url} is at revision {previous}; this chatcal needs revision {head()}: "
        "run `chatcal migrate`"
    )


def test_serve_names_the_supported_database_urls(tmp_path: Path) -> None:
    line = serve_error("mysql://root:s3cret@127.0.0.1/chatcal", tmp_path / "data")
    assert line == (
        "error: CHATCAL_DATABASE_URL: 'mysql' is not supported; use sqlite:///path/to/chatcal.db "
        "or postgresql+psycopg://user:password@host:5432/database"
    )


def test_a_bad_setting_is_one_line_naming_its_variable(tmp_path: Path) -> None:
    line = serve_error(corrupt_sqlite(tmp_path), tmp_path / "data", CHATCAL_WORKERS="lots")
    assert line.startswith("error: CHATCAL_WORKERS: Input should be a valid integer")
