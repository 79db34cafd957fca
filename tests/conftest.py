"""Suite-wide rules. In CI (``CI`` set) a skipped test fails: PostgreSQL and Redis run there, so a
test that would skip for lack of them has found a broken set-up, not a reason to pass quietly."""

import os
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from booking.db import Database, make_engine
from tests import databases
from tests.settings import app_client, app_settings


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where every test must run: {report.longrepr}"
    return report


@pytest.fixture(scope="session")
def sqlite_template_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return databases.sqlite_template(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(scope="session")
def postgres_url(worker_id: str) -> Iterator[str]:
    """This worker's migrated PostgreSQL database (skips outside CI when none runs; fails in CI)."""
    if not databases.postgres_available():
        pytest.skip(f"PostgreSQL is not reachable at {databases.ADMIN_URL}")
    with databases.postgres_database(worker_id) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, sqlite_template_path: Path, tmp_path: Path) -> Iterator[str]:
    """Each test using this runs on SQLite and on PostgreSQL, on a clean, migrated database."""
    if request.param == "sqlite":
        yield databases.sqlite_copy(sqlite_template_path, tmp_path)
        return
    url: str = request.getfixturevalue("postgres_url")
    yield url
    database = Database(make_engine(url))
    databases.empty_postgres(database)
    database.engine.dispose()


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(make_engine(database_url))
    yield database
    database.engine.dispose()


@pytest.fixture
def client(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    """The app in-process on the test database, its clocks pinned to the factory's ``NOW``."""
    with app_client(app_settings(database_url, tmp_path / "data")) as test_client:
        yield test_client
