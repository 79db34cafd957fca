"""Every setting, read from environment variables and ``.env``.

chatcal's own settings carry the ``CHATCAL_`` prefix; vendor credentials use the names their providers'
docs use (``TELEGRAM_BOT_TOKEN``, ``STRIPE_API_KEY``, …). Every setting has a safe default or switches
its feature off; ``features.py`` says which and how to turn it on. Base URLs exist so the real SDKs can
talk to local stand-ins in tests and to self-hosted or regional endpoints in production.
"""

from pathlib import Path
from typing import Any

from pydantic import AnyHttpUrl, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError

DATABASE_URLS = "sqlite:///path/to/chatcal.db or postgresql+psycopg://user:password@host:5432/database"
DRIVERS = {
    "sqlite": "sqlite",
    "postgresql+psycopg": "postgresql+psycopg",
    "postgresql": "postgresql+psycopg",
    "postgres": "postgresql+psycopg",
}
"""The database URL schemes chatcal runs on (``booking.db.make_engine``), and the driver each means."""


def vendor(name: str, default: str | None = None) -> Any:
    """A vendor setting read from its provider-style variable name (no ``CHATCAL_`` prefix)."""
    return Field(default=default, validation_alias=name)


class Settings(BaseSettings):
    """The whole configuration contract of DESIGN.md; construct once at the composition root."""

    model_config = SettingsConfigDict(
        env_prefix="CHATCAL_", env_file=".env", extra="ignore", populate_by_name=True
    )

    data_dir: Path = Path("data")
    database_url: str | None = None
    redis_url: str | None = None
    public_url: AnyHttpUrl | None = None
    secret_key: SecretStr | None = None
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)  # 0: any free port
    log_level: str = "info"
    skip_migrations: bool = False
    workers: int = Field(default=1, ge=1, le=64)  # server processes; one per core in production
    db_pool_size: int = Field(default=10, ge=1, le=200)  # connections, and request threads, per process
    rate_limit_per_minute: int = Field(default=120, ge=1)
    slot_cache_seconds: int = Field(default=10, ge=0, le=3600)  # 0: read and compute every listing afresh
    jitsi_base_url: str = "https://meet.jit.si"

    telegram_bot_token: SecretStr | None = vendor("TELEGRAM_BOT_TOKEN")
    telegram_webhook_secret: SecretStr | None = vendor("TELEGRAM_WEBHOOK_SECRET")
    telegram_api_base_url: str | None = vendor("TELEGRAM_API_BASE_URL")

    slack_bot_token: SecretStr | None = vendor("SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = vendor("SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = vendor("SLACK_APP_TOKEN")
    slack_api_base_url: str | None = vendor("SLACK_API_BASE_URL")

    gemini_api_key: SecretStr | None = vendor("GEMINI_API_KEY")
    gemini_model: str = vendor("GEMINI_MODEL", "gemini-2.5-flash")
    gemini_base_url: str | None = vendor("GEMINI_BASE_URL")

    notion_token: SecretStr | None = vendor("NOTION_TOKEN")
    notion_database_id: str | None = vendor("NOTION_DATABASE_ID")
    notion_base_url: str | None = vendor("NOTION_BASE_URL")

    stripe_api_key: SecretStr | None = vendor("STRIPE_API_KEY")
    stripe_webhook_secret: SecretStr | None = vendor("STRIPE_WEBHOOK_SECRET")
    stripe_api_base: str | None = vendor("STRIPE_API_BASE")

    razorpay_key_id: str | None = vendor("RAZORPAY_KEY_ID")
    razorpay_key_secret: SecretStr | None = vendor("RAZORPAY_KEY_SECRET")
    razorpay_webhook_secret: SecretStr | None = vendor("RAZORPAY_WEBHOOK_SECRET")
    razorpay_base_url: str | None = vendor("RAZORPAY_BASE_URL")

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, url: str | None) -> str | None:
        """Only SQLite and PostgreSQL through psycopg: anything else would fail deep in SQLAlchemy.

        ``postgresql://`` and ``postgres://`` (as hosting providers hand them out) mean psycopg.
        """
        if not url:
            return url
        try:
            scheme = make_url(url).drivername
        except (ArgumentError, ValueError) as exc:
            raise ValueError(f"not a database URL; use {DATABASE_URLS}") from exc
        if scheme not in DRIVERS:
            raise ValueError(f"{scheme!r} is not supported; use {DATABASE_URLS}")
        return DRIVERS[scheme] + url[len(scheme) :]

    @property
    def base_url(self) -> str:
        """Where people reach this service: the public URL, else the local bind address."""
        if self.public_url is not None:
            return str(self.public_url).rstrip("/")
        return f"http://{self.host}:{self.port or 8000}"

    @classmethod
    def variable(cls, field: str) -> str:
        """The environment variable that sets ``field`` (errors name the variable an operator sets)."""
        if field not in cls.model_fields:
            return field
        alias = cls.model_fields[field].validation_alias
        return alias if isinstance(alias, str) else f"CHATCAL_{field.upper()}"

    @property
    def effective_database_url(self) -> str:
        """The configured database, or an SQLite file in the data directory."""
        return self.database_url or f"sqlite:///{self.data_dir / 'chatcal.db'}"
