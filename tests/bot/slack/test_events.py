"""The HTTP face of ``/slack/events``: signatures, the URL check, and answering before the slow work.

Slack retries a request that gets no answer within 3 seconds, so the ack tests hold the stand-in's
``chat.postMessage`` (the last step of every turn) and show the HTTP answer arrives while it is held.
"""

import json
import time
from collections.abc import Callable
from urllib.parse import urlencode

import pytest
from sqlmodel import select

from booking.models import Conversation
from tests.booking.factory import setup
from tests.bot.slack.conftest import PERSON, Workspace
from tests.bot.slack.workspace import SIGNING_SECRET, event_callback, im_message, signature, slash_command
from tests.standins.serving import WAIT_S

FIVE_MINUTES_S = 5 * 60


def _forged(body: bytes) -> dict[str, str]:
    return signature(body, secret="not-" + SIGNING_SECRET)


def _stale(body: bytes) -> dict[str, str]:
    return signature(body, timestamp=int(time.time()) - FIVE_MINUTES_S - 10)


def _missing(body: bytes) -> dict[str, str]:
    return {}


def _other_body(body: bytes) -> dict[str, str]:
    tampered = body.replace(b"intro", b"other")
    assert tampered != body
    return signature(tampered)


def _no_timestamp(body: bytes) -> dict[str, str]:
    return {"X-Slack-Signature": signature(body)["X-Slack-Signature"]}


@pytest.mark.parametrize("sign", [_forged, _stale, _missing, _other_body, _no_timestamp])
def test_unsigned_requests_are_refused_and_ignored(
    slack: Workspace, sign: Callable[[bytes], dict[str, str]]
) -> None:
    setup(slack.db)
    command = urlencode(slash_command(PERSON, "ana/intro")).encode()
    event = json.dumps(event_callback(im_message(PERSON, "ana/intro"))).encode()
    for body, kind in ((command, "application/x-www-form-urlencoded"), (event, "application/json")):
        refused = slack.person.send(body, kind, sign(body))
        assert refused.status_code == 401
    assert slack.api.calls == []  # not even auth.test: nothing ran past the signature check
    slack.person.say("hello")  # a genuine message afterwards is answered, and only it
    slack.person.reply_with("What would you like to book?")
    assert not any("Intro call" in message["text"] for message in slack.person.messages())
    with slack.db.transaction() as session:
        [conversation] = session.exec(select(Conversation)).all()
        assert conversation.version == 1


def test_the_url_check_is_answered(slack: Workspace) -> None:
    challenge = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    body = json.dumps({"token": "legacy", "challenge": challenge, "type": "url_verification"}).encode()
    answer = slack.person.send(body, "application/json")
    assert answer.status_code == 200
    assert answer.json() == {"challenge": challenge}
    forged = slack.person.send(body, "application/json", _forged(body))
    assert forged.status_code == 401


def _by_message(slack: Workspace) -> None:
    assert slack.person.say("ana/intro").status_code == 200


def _by_command(slack: Workspace) -> None:
    assert slack.person.command("ana/intro").status_code == 200


def _by_click(slack: Workspace) -> None:
    assert slack.person.click("event:ana/intro").status_code == 200


@pytest.mark.parametrize("act", [_by_message, _by_command, _by_click])
def test_slack_gets_its_answer_before_the_slow_work(
    slack: Workspace, act: Callable[[Workspace], None]
) -> None:
    setup(slack.db)
    if act is _by_click:
        slack.person.command("")
        slack.person.reply_with("What would you like to book?")
    posted_before = len(slack.api.calls_of("chat.postMessage"))
    held = slack.api.hold("chat.postMessage")
    act(slack)  # returns only once the HTTP answer is back
    assert held.arrived.wait(WAIT_S), "the reply was never sent"
    assert len(slack.api.calls_of("chat.postMessage")) == posted_before, "answered only after posting"
    held.release()
    slack.person.reply(bool)
