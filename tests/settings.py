"""Settings for an app under test: the test's database, no ``.env``, a fixed secret, nothing else on."""

from pathlib import Path
from typing import Any

from chatcal.settings import Settings


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
