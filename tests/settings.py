"""Apps under test: the test's database, no ``.env``, a fixed secret, the clock at the factory's ``NOW``."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from chatcal.app import create_app
from chatcal.settings import Settings
from tests.booking.factory import NOW


def app_settings(database_url: str, data_dir: Path, **overrides: Any) -> Settings:
    """The test fixtures already migrated ``database_url``; ``overrides`` switch features on."""
    return Settings(
        _env_file=None,
        database_url=database_url,
        data_dir=data_dir,
        secret_key="test-secret",
        skip_migrations=True,
        rate_limit_per_minute=1000,
        **overrides,
    )


@contextmanager
def app_client(settings: Settings) -> Iterator[TestClient]:
    """The whole app in-process (its lifespan running) on ``settings``, its clock pinned to ``NOW``."""
    with TestClient(create_app(settings, clock=lambda: NOW)) as client:
        yield client
