"""How the bot connects: long polling without a public URL, webhooks with one, off without a token."""

import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from booking.db import Database
from tests.booking.factory import setup
from tests.bot.telegram.conftest import post_update
from tests.bot.telegram.harness import PUBLIC_URL, settings_for
from tests.bot.telegram.person import TelegramPerson
from tests.settings import app_client
from tests.standins.telegram_api import TelegramApi


def answered(api: TelegramApi, person: TelegramPerson, action: Callable[[], object], expect: str) -> str:
    """Run ``action`` and wait (on the stand-in's record, not a timer) for a reply containing ``expect``."""
    before = len(person.sent())
    action()

    def reply(_: TelegramApi) -> str | None:
        texts = [str(call.params["text"]) for call in person.sent()[before:]]
        return next((text for text in texts if expect in text), None)

    return api.wait_for(reply, f"a reply containing {expect!r}")


def test_polling_fetches_updates_and_answers_them(
    db: Database, telegram: TelegramApi, database_url: str, tmp_path: Path
) -> None:
    setup(db)
    settings = settings_for(database_url, tmp_path / "data", telegram.base_url, public_url=None)
    person = TelegramPerson(telegram, telegram.push_update)
    with app_client(settings):
        answered(telegram, person, lambda: person.command("start", "ana_intro"), "time zone")
        answered(telegram, person, lambda: person.say("UTC"), "Right?")
        answered(telegram, person, lambda: person.press("Yes"), "next free times")
        answered(telegram, person, lambda: person.press(person.buttons()[0]["callback_data"]), "email")
        answered(telegram, person, lambda: person.press("Skip"), "Please check")
        booked = answered(telegram, person, lambda: person.press("Confirm"), "Booked")
    methods = [call.method for call in telegram.calls]
    assert "setWebhook" not in methods
    assert methods.index("deleteWebhook") < methods.index("getUpdates")
    offsets = [call.params.get("offset") for call in telegram.calls_of("getUpdates")]
    assert len(set(offsets)) > 1  # each batch confirmed by asking past it
    # Without a public URL the manage link is local, which Telegram refuses on a button: it is in the text.
    assert "Manage booking: http://127.0.0.1:8000/v1/manage/" in booked
    assert [button["text"] for button in person.buttons() if "url" in button] == ["Join the call"]


def test_without_a_token_telegram_is_off(telegram: TelegramApi, database_url: str, tmp_path: Path) -> None:
    settings = settings_for(database_url, tmp_path / "data", telegram.base_url, PUBLIC_URL)
    settings = settings.model_copy(update={"telegram_bot_token": None})
    with app_client(settings) as client:
        response = client.post("/webhooks/telegram", json={"update_id": 1})
    assert response.status_code == 404
    assert "TELEGRAM_BOT_TOKEN" in response.json()["detail"]
    assert telegram.calls == []


def test_a_webhook_while_polling_is_404(telegram: TelegramApi, database_url: str, tmp_path: Path) -> None:
    settings = settings_for(database_url, tmp_path / "data", telegram.base_url, public_url=None)
    with app_client(settings) as client:
        assert post_update(client, {"update_id": 1}) == 404


def test_an_unreachable_bot_api_at_start_is_retried_on_delivery(
    db: Database, telegram: TelegramApi, database_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    setup(db)
    telegram.fail_next("getMe", 502, "Bad Gateway")
    telegram.fail_next("getMe", 502, "Bad Gateway")
    settings = settings_for(database_url, tmp_path / "data", telegram.base_url, PUBLIC_URL)
    with (
        caplog.at_level(logging.ERROR, "chatcal.telegram"),
        app_client(settings) as client,
    ):
        assert "trying again on the next webhook delivery" in caplog.text
        person = TelegramPerson(telegram, lambda update: post_update(client, update))
        assert person.command("help") == 503  # still unreachable: Telegram will deliver again
        assert person.sent() == []
        assert person.command("help") == 200
    assert person.last_text.startswith("I book calls.")
    assert [call.status for call in telegram.calls_of("getMe")] == [502, 502, 200]
    assert len(telegram.calls_of("setWebhook")) == 1


def test_polling_without_a_reachable_bot_api_leaves_the_app_up(
    telegram: TelegramApi, database_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    telegram.fail_next("getMe", 401, "Unauthorized")
    settings = settings_for(database_url, tmp_path / "data", telegram.base_url, public_url=None)
    with (
        caplog.at_level(logging.ERROR, "chatcal.telegram"),
        app_client(settings),
    ):
        assert "trying again at the next restart" in caplog.text
    assert [call.method for call in telegram.calls] == ["getMe"]
