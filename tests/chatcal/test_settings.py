"""The configuration contract: prefixes, vendor names, defaults and the feature report."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from chatcal.features import feature_report
from chatcal.settings import Settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Settings read the process environment and ``.env``: run each test from an empty directory."""
    monkeypatch.chdir(tmp_path)
    for name in (
        "CHATCAL_DATABASE_URL",
        "CHATCAL_REDIS_URL",
        "TELEGRAM_BOT_TOKEN",
        "GEMINI_API_KEY",
    ):
        monkeypatch.delenv(name, raising=False)


def test_embedded_defaults() -> None:
    settings = Settings()
    assert settings.effective_database_url == "sqlite:///data/chatcal.db"
    assert settings.redis_url is None
    assert settings.telegram_bot_token is None


def test_prefixed_and_vendor_names_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHATCAL_DATABASE_URL", "postgresql+psycopg://db/chatcal")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:abc")
    monkeypatch.setenv("GEMINI_MODEL", "gemini-2.5-pro")
    settings = Settings()
    assert settings.effective_database_url == "postgresql+psycopg://db/chatcal"
    assert settings.telegram_bot_token is not None
    assert settings.telegram_bot_token.get_secret_value() == "123:abc"
    assert settings.gemini_model == "gemini-2.5-pro"


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("CHATCAL_REDIS_URL=redis://127.0.0.1:6379/0\n")
    assert Settings().redis_url == "redis://127.0.0.1:6379/0"


def test_secrets_do_not_leak_into_reprs() -> None:
    settings = Settings(stripe_api_key="sk_test_secret")
    assert "sk_test_secret" not in repr(settings)


def test_bad_values_are_rejected_with_the_field_name() -> None:
    with pytest.raises(ValidationError, match="port"):
        Settings(port=70000)
    with pytest.raises(ValidationError, match="public_url"):
        Settings(public_url="not a url")


def test_feature_report_says_how_to_turn_things_on() -> None:
    report = {feature.name: feature for feature in feature_report(Settings())}
    assert "CHATCAL_DATABASE_URL" in report["database"].detail
    assert "CHATCAL_REDIS_URL" in report["background jobs"].detail
    assert not report["telegram"].enabled
    assert "TELEGRAM_BOT_TOKEN" in report["telegram"].detail
    assert "GEMINI_API_KEY" in report["gemini"].detail


def test_feature_report_follows_the_settings() -> None:
    settings = Settings(
        telegram_bot_token="1:x",
        public_url="https://cal.example.com",
        redis_url="redis://127.0.0.1:6379/0",
        gemini_api_key="key",
    )
    report = {feature.name: feature for feature in feature_report(settings)}
    assert report["gemini"].detail.startswith("gemini-2.5-flash rewords")
    assert report["telegram"].enabled
    assert report["telegram"].detail == "webhook mode"
    assert "Redis" in report["background jobs"].detail
