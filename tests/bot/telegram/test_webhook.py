"""Booking over the Telegram webhook, on SQLite and PostgreSQL, against the Bot API stand-in."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import select

from booking.db import Database
from booking.models import Booking, Conversation, ProcessedWebhook
from bot.telegram.webhook import SECRET_HEADER
from tests.booking.factory import setup
from tests.bot.telegram.conftest import post_update
from tests.bot.telegram.harness import WEBHOOK_SECRET
from tests.bot.telegram.person import TelegramPerson
from tests.standins.telegram_api import TelegramApi

LONG_OPTION = "A longer conversation about pricing, contracts and the roadmap for next year"
QUESTIONS: list[dict[str, Any]] = [
    {"key": "topic", "label": "What is it about?", "type": "choice", "options": ["Pricing", LONG_OPTION]}
]


def rows(db: Database, model: Any) -> list[Any]:
    with db.transaction() as session:
        return list(session.exec(select(model)).all())


def test_a_whole_booking_over_the_webhook(
    db: Database, telegram: TelegramApi, person: TelegramPerson
) -> None:
    setup(db, questions=QUESTIONS)
    [hook] = telegram.calls_of("setWebhook")
    assert hook.params["url"] == "https://chat.example.com/webhooks/telegram"
    assert hook.params["allowed_updates"] == ["message", "callback_query"]

    person.command("start", "ana_intro")
    assert person.sent()[0].params["text"] == "Intro call: 30 minutes."
    assert "time zone" in person.last_text
    person.say("Berlin")
    person.press("Yes")
    assert "your time, Europe/Berlin" in person.last_text
    first = person.buttons()[0]
    assert first == {"text": "Mon 7 Jan 10:00", "callback_data": "slot:2030-01-07T09:00:00+00:00"}
    shown, _ = person.find_button(first["callback_data"])
    person.press(first["callback_data"])
    [answered] = telegram.calls_of("answerCallbackQuery")[-1:]
    assert answered.status == 200
    [edit] = telegram.calls_of("editMessageReplyMarkup")[-1:]
    assert edit.params["message_id"] == str(shown["message_id"])
    assert edit.params["reply_markup"] == {
        "inline_keyboard": [[{"text": "✓ Mon 7 Jan 10:00", "callback_data": "~"}]]
    }

    assert "email" in person.last_text  # the name came from the Telegram profile
    person.press("Skip")
    assert person.last_text == "What is it about?"
    long_button = person.buttons()[1]
    assert long_button["text"] == LONG_OPTION
    assert long_button["callback_data"].startswith("~")  # over 64 bytes as "topic" would be sent
    person.press(LONG_OPTION)
    assert "Please check" in person.last_text
    assert "Name: Bo Li" in person.last_text
    person.press("Confirm")

    assert person.last_text.startswith("Booked: Intro call")
    links = [button for button in person.buttons() if "url" in button]
    assert [link["text"] for link in links] == ["Join the call", "Manage booking"]
    assert links[1]["url"].startswith("https://chat.example.com/v1/manage/")
    [document] = person.sent("sendDocument")
    invite = document.files["document"]
    assert invite.filename.endswith(".ics")
    assert invite.content_type == "text/calendar"
    assert b"BEGIN:VCALENDAR" in invite.content
    assert all(call.status == 200 for call in telegram.calls)

    [booking] = rows(db, Booking)
    assert (booking.channel, booking.channel_user_id, booking.attendee_name) == ("telegram", "42", "Bo Li")
    assert booking.answers == {"topic": LONG_OPTION}
    assert booking.attendee_email is None


def test_forged_or_missing_secrets_change_nothing(
    db: Database, telegram: TelegramApi, webhook_client: TestClient, person: TelegramPerson
) -> None:
    setup(db)
    startup = len(telegram.calls)
    update = person.message_update(
        "/start ana_intro", entities=[{"type": "bot_command", "offset": 0, "length": 6}]
    )
    assert post_update(webhook_client, update, secret=None) == 401
    assert post_update(webhook_client, update, secret=WEBHOOK_SECRET[:-1] + "x") == 403
    assert post_update(webhook_client, update, secret="") == 403
    forged = webhook_client.post("/webhooks/telegram", content=b"not json", headers={"X-Other": "1"})
    assert forged.status_code == 401
    assert forged.headers["content-type"] == "application/problem+json"
    assert len(telegram.calls) == startup
    assert rows(db, Conversation) == []
    assert rows(db, ProcessedWebhook) == []


def test_malformed_bodies_are_400_problems(
    db: Database, telegram: TelegramApi, webhook_client: TestClient
) -> None:
    headers = {SECRET_HEADER: WEBHOOK_SECRET}
    bodies = [
        b"{not json",
        b"[]",
        b'{"message": {}}',
        b'{"update_id": "7"}',
        b'{"update_id": 1, "message": "x"}',
    ]
    bodies.append(b'{"update_id": 2, "callback_query": []}')
    startup = len(telegram.calls)
    for body in bodies:
        response = webhook_client.post("/webhooks/telegram", content=body, headers=headers)
        assert response.status_code == 400, body
        assert response.json()["status"] == 400
    assert len(telegram.calls) == startup
    assert rows(db, ProcessedWebhook) == []


def test_a_double_tap_books_once_and_a_redelivery_is_ignored(
    db: Database, telegram: TelegramApi, webhook_client: TestClient, person: TelegramPerson
) -> None:
    setup(db)
    person.command("start", "ana_intro")
    person.say("UTC")
    person.press("Yes")
    person.press(person.buttons()[0]["callback_data"])
    person.press("Skip")
    shown, _ = person.find_button("confirm")
    first, second = person.tap("confirm", shown), person.tap("confirm", shown)
    assert post_update(webhook_client, first) == 200
    sent = len(telegram.calls)
    assert post_update(webhook_client, first) == 200  # Telegram delivering the same update again
    assert len(telegram.calls) == sent
    assert post_update(webhook_client, second) == 200
    assert "already done" in person.last_text
    assert len(rows(db, Booking)) == 1
    answered = [call.params["callback_query_id"] for call in telegram.calls_of("answerCallbackQuery")]
    assert answered[-2:] == [first["callback_query"]["id"], second["callback_query"]["id"]]


def test_the_inert_chosen_button_and_expired_tokens_do_not_reach_the_conversation(
    db: Database, telegram: TelegramApi, person: TelegramPerson
) -> None:
    setup(db)
    person.command("book")
    person.press("event:ana/intro")
    person.press("✓ Intro call (Ana)")
    assert telegram.calls_of("answerCallbackQuery")[-1].params["text"] == "Already chosen."
    update = person.tap("✓ Intro call (Ana)")
    update["callback_query"]["data"] = "~unknowntoken000"
    before = len(person.sent())
    person.deliver(update)
    assert "expired" in telegram.calls_of("answerCallbackQuery")[-1].params["text"]
    assert len(person.sent()) == before


def test_flood_control_is_waited_out(db: Database, telegram: TelegramApi, person: TelegramPerson) -> None:
    setup(db)
    telegram.flood_next("sendMessage", retry_after=1)
    person.command("help")
    refused, delivered = person.sent()
    assert (refused.status, delivered.status) == (429, 200)
    assert delivered.at - refused.at >= 1.0
    assert delivered.params["text"].startswith("I book calls.")


def test_commands_and_what_is_not_for_the_conversation(
    db: Database, telegram: TelegramApi, webhook_client: TestClient, person: TelegramPerson
) -> None:
    setup(db)
    person.command("start@chatcal_standin_bot", "intro")  # a lone slug, the group-chat command form
    assert "time zone" in person.last_text
    person.command("cancel")
    assert person.last_text.startswith("Stopped.")
    person.command("mybookings")
    person.command("help")
    assert "/mybookings" in person.last_text
    count = len(telegram.calls)
    sticker_message = person.message_update("")["message"]
    del sticker_message["text"]
    sticker_message["sticker"] = {
        **{"file_id": "CAACAgIAAxk", "file_unique_id": "AgADsticker", "type": "regular"},
        **{"width": 512, "height": 512, "is_animated": False, "is_video": False},
    }
    person.deliver(person.update(message=sticker_message))
    person.deliver(person.update(edited_message=person.message_update("hi")["message"]))
    assert len(telegram.calls) == count


def test_a_turn_that_fails_is_apologised_for_not_answered_500(
    db: Database, telegram: TelegramApi, webhook_client: TestClient, person: TelegramPerson
) -> None:
    update = person.message_update("hello")
    update["message"]["text"] = 5  # an authenticated update our code can't read
    assert post_update(webhook_client, update) == 200
    assert person.last_text.startswith("Sorry, something went wrong")
