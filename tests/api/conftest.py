"""An in-process app on the test database, with its clock pinned to the factory's ``NOW``."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from booking import hosts
from booking.db import Database
from chatcal.app import create_app
from chatcal.settings import Settings
from tests.booking.factory import NOW


@pytest.fixture
def client(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(
        _env_file=None,
        database_url=database_url,
        data_dir=tmp_path / "data",
        secret_key="test-secret",
        skip_migrations=True,
        rate_limit_per_minute=1000,
    )
    with TestClient(create_app(settings)) as test_client:
        test_client.app.state.runtime.clock = lambda: NOW  # type: ignore[attr-defined]
        yield test_client


def api_key(db: Database, slug: str) -> dict[str, str]:
    """An ``Authorization`` header for host ``slug``."""
    with db.transaction(write=True) as session:
        key = hosts.create_api_key(session, hosts.host_by_slug(session, slug))
    return {"Authorization": f"Bearer {key}"}
