"""Fixtures: the Bot API stand-in, the app in webhook mode on the test database, a person to chat."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.telegram.webhook import SECRET_HEADER
from tests.bot.telegram.harness import PUBLIC_URL, WEBHOOK_SECRET, settings_for
from tests.bot.telegram.person import TelegramPerson
from tests.settings import app_client
from tests.standins.telegram_api import TelegramApi, telegram_api
from tests.standins.telegram_methods import Json

WEBHOOK = "/webhooks/telegram"


@pytest.fixture
def telegram() -> Iterator[TelegramApi]:
    with telegram_api() as api:
        yield api


@pytest.fixture
def webhook_client(database_url: str, tmp_path: Path, telegram: TelegramApi) -> Iterator[TestClient]:
    """The app in webhook mode (a public URL is set), talking to the stand-in."""
    settings = settings_for(database_url, tmp_path / "data", telegram.base_url, PUBLIC_URL)
    with app_client(settings) as client:
        yield client


def post_update(client: TestClient, update: Json, secret: str | None = WEBHOOK_SECRET) -> int:
    """Deliver ``update`` as Telegram does; the HTTP status of our answer."""
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    return client.post(WEBHOOK, json=update, headers=headers).status_code


@pytest.fixture
def person(telegram: TelegramApi, webhook_client: TestClient) -> TelegramPerson:
    """Bo Li, whose every update must be answered 200 by the webhook."""

    def deliver(update: Json) -> int:
        status = post_update(webhook_client, update)
        assert status == 200, f"webhook answered {status}"
        return status

    return TelegramPerson(telegram, deliver)
