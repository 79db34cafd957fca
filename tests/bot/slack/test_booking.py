"""Booking over Slack end to end: signed events in, Block Kit out, a booking row at the end.

Runs on SQLite and PostgreSQL (``db``). The person's zone comes from ``users.info``, so the flow never
asks for one; each click takes the buttons off the clicked message (``chat.update``).
"""

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import select

from booking.db import Database
from booking.models import Booking, Conversation
from bot.flow.conversation import ChatFlow
from bot.slack.adapter import SlackBot
from tests.booking.factory import setup
from tests.bot.slack.conftest import NAME, PERSON, ZONE, Workspace, served
from tests.bot.slack.workspace import SIGNING_SECRET, SlackPerson, buttons, im_message
from tests.standins.slack_api import BOT_TOKEN, SlackApi
from tests.standins.slack_methods import BOT_USER, dm_channel

FIRST_SLOT = "slot:2030-01-07T09:00:00+00:00"


def stored(db: Database) -> list[Booking]:
    with db.transaction() as session:
        return list(session.exec(select(Booking)).all())


def test_a_whole_booking_in_a_direct_message(slack: Workspace) -> None:
    setup(slack.db)
    bo, api = slack.person, slack.api
    assert bo.say("hi").status_code == 200
    menu = bo.reply_with("What would you like to book?")
    assert [b["value"] for b in buttons(menu)] == ["event:ana/intro"]

    bo.click("event:ana/intro")
    times = bo.reply(lambda message: any(b["value"] == FIRST_SLOT for b in buttons(message)))
    assert f"your time, {ZONE}" in times["text"]
    assert buttons(times)[0]["text"]["text"] == "Mon 7 Jan 14:30"
    assert buttons(menu) == []  # the clicked message lost its buttons
    assert menu["blocks"][-1]["elements"][0]["text"] == "You chose *Intro call (Ana)*"

    bo.click(FIRST_SLOT)
    bo.reply_with("Your email")  # the name came from the Slack profile
    bo.say("<mailto:bo@example.com|bo@example.com>")  # how Slack delivers a typed address
    summary = bo.reply_with("Please check")
    assert f"({ZONE})" in summary["text"]

    bo.click("confirm")
    booked = bo.reply_with("Booked: Intro call")
    api.wait_for(lambda a: a.calls_of("files.completeUploadExternal"), "the invite upload")

    links = booked["blocks"][1]["text"]["text"]
    assert "|Join the call>" in links
    assert "<http://chat.test/v1/manage/" in links
    assert "|Manage booking>" in links
    [upload] = api.uploads.values()
    assert upload["channel"] == dm_channel(PERSON)
    assert upload["filename"].endswith(".ics")
    assert upload["data"].startswith(b"BEGIN:VCALENDAR")
    assert upload["length"] == len(upload["data"])

    [booking] = stored(slack.db)
    assert (booking.channel, booking.channel_user_id) == ("slack", PERSON)
    assert (booking.attendee_name, booking.attendee_email) == (NAME, "bo@example.com")
    assert booking.attendee_time_zone == ZONE
    assert booking.start.isoformat() == FIRST_SLOT.removeprefix("slot:")

    said = [message["text"] for message in bo.messages()]
    assert not any("time zone" in text for text in said)
    assert len(api.calls_of("users.info")) == 1  # cached for the rest of the conversation
    assert len(api.calls_of("chat.update")) == 3  # one per click
    assert all(call.status == 200 and call.error is None for call in api.calls)


def test_book_command_continues_in_the_direct_message(slack: Workspace) -> None:
    setup(slack.db)
    bo, api = slack.person, slack.api
    acked = bo.command("ana/intro")
    assert acked.status_code == 200
    assert acked.text == ""  # nothing is shown in the channel the command was typed in
    times = bo.reply(lambda message: bool(buttons(message)))
    assert buttons(times)[0]["value"] == FIRST_SLOT
    assert bo.messages()[0]["text"] == "Intro call: 30 minutes."
    [opened] = api.calls_of("conversations.open")
    assert opened.args["users"] == PERSON
    posts = api.calls_of("chat.postMessage")
    assert {call.args["channel"] for call in posts} == {dm_channel(PERSON)}
    assert all(call.args["unfurl_links"] is False for call in posts)
    blocks = posts[-1].args["blocks"]
    assert blocks[0] == {"type": "section", "text": {"type": "mrkdwn", "text": times["text"]}}
    action_ids = [b["action_id"] for b in buttons(times)]
    assert len(action_ids) == len(set(action_ids))


def test_without_a_profile_zone_the_flow_asks(slack: Workspace) -> None:
    setup(slack.db)
    slack.api.add_user(PERSON, "Bo Li", None)
    slack.person.command("ana/intro")
    slack.person.reply_with("Which time zone are you in?")
    slack.person.say("Tokyo")
    slack.person.reply_with("Asia/Tokyo")


def test_a_failed_profile_lookup_still_answers(slack: Workspace) -> None:
    setup(slack.db)
    slack.api.fail_next("users.info", "user_not_found")
    slack.person.command("ana/intro")
    slack.person.reply_with("Which time zone are you in?")
    slack.person.say("Tokyo")
    slack.person.reply_with("Asia/Tokyo")
    assert len(slack.api.calls_of("users.info")) == 2  # failures are not cached


def test_other_messages_are_not_for_the_bot(slack: Workspace) -> None:
    setup(slack.db)
    bo = slack.person
    bo.say("my own bot speaking", bot_id="B0OTHER")
    bo.say("edited", subtype="message_changed")
    bo.say("joined", subtype="channel_join")
    bo.event({**im_message(bo.user, "in a channel"), "channel": "C0GENERAL", "channel_type": "channel"})
    bo.say("hi")
    bo.reply_with("What would you like to book?")
    assert len(slack.api.calls_of("chat.postMessage")) == 1
    assert len(slack.api.calls_of("users.info")) == 1


def test_a_retried_delivery_runs_once(slack: Workspace) -> None:
    setup(slack.db)
    bo = slack.person
    event = im_message(bo.user, "hi")
    bo.event(event, event_id="Ev0RETRIED")
    bo.event(
        event, event_id="Ev0RETRIED", **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    )
    bo.say("hello")
    bo.api.wait_for(lambda api: len(api.calls_of("chat.postMessage")) == 2, "two answers")
    with slack.db.transaction() as session:
        [conversation] = session.exec(select(Conversation)).all()
        assert conversation.version == 2


def test_a_delivery_retried_after_a_restart_still_runs_once(db: Database, api: SlackApi) -> None:
    """Retries are remembered in ``processed_webhooks``, not in the process that saw the first one."""
    setup(db)
    event = im_message(PERSON, "hi")
    with served(db, api) as first:
        first.person.event(event, event_id="Ev0BEFORE")
        api.wait_for(lambda api: len(api.calls_of("chat.postMessage")) == 1, "the first answer")
    with served(db, api) as restarted:
        restarted.person.event(event, event_id="Ev0BEFORE", **{"X-Slack-Retry-Num": "1"})
        restarted.person.say("hello")
        api.wait_for(lambda api: len(api.calls_of("chat.postMessage")) == 2, "the answer to hello")
    with db.transaction() as session:
        [conversation] = session.exec(select(Conversation)).all()
        assert conversation.version == 2


def test_a_mention_in_a_channel_is_answered_in_the_dm(slack: Workspace) -> None:
    setup(slack.db)
    bo = slack.person
    mention = {"type": "app_mention", "user": PERSON, "text": f"<@{BOT_USER}> hello", "channel": "C0GENERAL"}
    assert bo.event({**mention, "ts": "1.000001", "event_ts": "1.000001"}).status_code == 200
    bo.reply_with("What would you like to book?")
    assert slack.api.calls_of("conversations.open")[0].args["users"] == PERSON


def test_a_failing_turn_gets_an_apology(api: SlackApi) -> None:
    def broken() -> ChatFlow:
        raise RuntimeError("the database is down")

    app = FastAPI()
    app.include_router(SlackBot(BOT_TOKEN, SIGNING_SECRET, broken, api.base_url).router())
    with TestClient(app) as client:
        bo = SlackPerson(client, api, PERSON)
        assert bo.say("hi").status_code == 200
        bo.reply_with("Sorry, something went wrong")
