"""The adapter's pure parts: button data, deep links, commands, link buttons, flood retries."""

import asyncio
from typing import Any

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import RetryAfter

from bot.flow.messages import Choice, Kind, Link, Reply
from bot.telegram.callback_data import CHOSEN, CallbackCodec, token_of
from bot.telegram.flood import RetryOnFlood
from bot.telegram.front import TelegramConfig, telegram_config
from bot.telegram.render import button_safe, chosen_keyboard, keyboard, text_of
from bot.telegram.updates import deep_link, event_path, from_message, start_payload

LONG = "x" * 65


def test_short_values_travel_verbatim_and_long_ones_as_tokens() -> None:
    codec = CallbackCodec()
    assert codec.encode("slot:2030-01-07T09:00:00+00:00") == "slot:2030-01-07T09:00:00+00:00"
    assert codec.encode("é" * 32) == "é" * 32  # 64 bytes: fits
    token = codec.encode("é" * 33)
    assert token == token_of("é" * 33)
    assert len(token.encode()) <= 64
    assert codec.encode("~looks-like-a-token") != "~looks-like-a-token"
    assert codec.decode(token, None) == "é" * 33
    assert codec.decode("yes", None) == "yes"
    assert codec.decode(CHOSEN, None) is None


def test_a_token_resolves_from_its_own_label_without_memory() -> None:
    token = CallbackCodec().encode(LONG)
    pressed = InlineKeyboardMarkup([[InlineKeyboardButton(LONG, callback_data=token)]])
    fresh = CallbackCodec()  # another process, or after a restart
    assert fresh.decode(token, pressed) == LONG
    other = CallbackCodec().encode("event:" + LONG)
    relabelled = InlineKeyboardMarkup([[InlineKeyboardButton("Intro call", callback_data=other)]])
    assert fresh.decode(other, relabelled) is None  # label isn't the value: expired, never guessed


def test_the_remembered_tokens_are_bounded() -> None:
    codec = CallbackCodec(remembered=2)
    first, *_ = [codec.encode(f"{LONG}{n}") for n in range(3)]
    assert codec.decode(first, None) is None


def test_deep_link_payloads_fit_telegrams_alphabet() -> None:
    assert start_payload("ana", "intro") == "ana_intro"
    assert deep_link("chatcal_bot", "ana", "intro") == "https://t.me/chatcal_bot?start=ana_intro"
    assert start_payload("a" * 40, "b" * 30) == "b" * 30
    assert event_path("ana_intro") == "ana/intro"
    assert event_path("team-a--b_call--x") == "team-a--b/call--x"
    assert event_path("ana/intro") == "ana/intro"
    assert event_path(" intro ") == "intro"


def message(text: str) -> Message:
    data: dict[str, Any] = {
        "message_id": 1,
        "date": 0,
        "chat": {"id": -100, "type": "group"},
        "from": {"id": 5, "is_bot": False, "first_name": "Ann", "last_name": "Lee"},
        "text": text,
    }
    return Update.de_json({"update_id": 1, "message": data}, None).message  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("text", "kind", "name", "argument"),
    [
        ("/start ana_intro", Kind.COMMAND, "start", "ana/intro"),
        ("/Book@ChatcalBot   ana/intro ", Kind.COMMAND, "book", "ana/intro"),
        ("/cancel now_please", Kind.COMMAND, "cancel", "now_please"),
        ("/mybookings", Kind.COMMAND, "mybookings", ""),
        ("next tuesday after 3pm", Kind.TEXT, "next tuesday after 3pm", ""),
    ],
)
def test_messages_become_incoming(text: str, kind: Kind, name: str, argument: str) -> None:
    incoming = from_message(message(text))
    assert incoming is not None
    assert (incoming.channel, incoming.chat_id, incoming.who.user_id, incoming.who.name) == (
        "telegram",
        "-100",
        "5",
        "Ann Lee",
    )
    assert (incoming.kind, incoming.text, incoming.argument) == (kind, name, argument)


def test_links_are_buttons_only_where_telegram_accepts_them() -> None:
    assert button_safe("https://meet.jit.si/room")
    assert button_safe("http://cal.example.com/x")
    for url in ("http://127.0.0.1:8000/x", "http://localhost/x", "http://10.0.0.2/x", "http://box/x"):
        assert not button_safe(url)
    assert not button_safe("ftp://example.com/x")
    reply = Reply(
        "Booked.",
        ((Choice("Cancel", "cancel:abc"),),),
        (Link("Join", "https://meet.jit.si/r"), Link("Manage", "http://127.0.0.1:8000/m")),
    )
    markup = keyboard(reply, CallbackCodec())
    assert markup is not None
    assert [[b.text for b in row] for row in markup.inline_keyboard] == [["Cancel"], ["Join"]]
    assert text_of(reply) == "Booked.\nManage: http://127.0.0.1:8000/m"
    assert keyboard(Reply("Hi"), CallbackCodec()) is None


def test_a_pressed_keyboard_keeps_only_the_choice_and_its_links() -> None:
    pressed = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Yes", callback_data="yes"),
                InlineKeyboardButton("No", callback_data="no"),
            ],
            [InlineKeyboardButton("Docs", url="https://example.com")],
        ]
    )
    after = chosen_keyboard(pressed, "no")
    assert [[(b.text, b.callback_data, b.url) for b in row] for row in after.inline_keyboard] == [
        [("✓ No", CHOSEN, None)],
        [("Docs", None, "https://example.com")],
    ]
    assert chosen_keyboard(None, "no").inline_keyboard == ()


def test_flood_retries_wait_and_give_up_on_long_pauses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # as TelegramFront opts in; else RetryAfter warns
    calls: list[int] = []

    async def flaky(pause: int, failures: int) -> bool:
        calls.append(pause)
        if len(calls) <= failures:
            raise RetryAfter(pause)
        return True

    limiter = RetryOnFlood(attempts=3, max_pause=5)
    assert asyncio.run(limiter.process_request(flaky, (0, 2), {}, "sendMessage", {}, None)) is True
    assert calls == [0, 0, 0]
    calls.clear()
    with pytest.raises(RetryAfter):
        asyncio.run(limiter.process_request(flaky, (0, 3), {}, "sendMessage", {}, None))
    calls.clear()
    with pytest.raises(RetryAfter):
        asyncio.run(limiter.process_request(flaky, (60, 1), {}, "sendMessage", {}, None))
    assert calls == [60]


def test_the_webhook_secret_defaults_to_one_derived_from_the_signing_key() -> None:
    def config(token: str | None, secret: str | None, key: bytes = b"k") -> TelegramConfig | None:
        return telegram_config(
            token=token, webhook_secret=secret, public_url=None, api_base_url="", signing_key=key
        )

    derived, again, other = config("1:x", None), config("1:x", None), config("1:x", None, b"other")
    assert derived is not None
    assert again is not None
    assert other is not None
    assert derived.webhook_secret == again.webhook_secret != other.webhook_secret
    assert derived.api_base_url is None
    assert derived.webhook_url is None
    assert config(None, "s") is None
