"""The bot's Web API calls against the stand-in: host DMs, rate limits, bad tokens, profile caching.

These drive ``slack_sdk``'s real ``AsyncWebClient`` (built by ``web_client``), so a 429 is retried by
the SDK's own ``AsyncRateLimitErrorRetryHandler`` after ``Retry-After``, exactly as in production.
"""

import asyncio

import pytest
from slack_sdk.errors import SlackApiError

from bot.flow.messages import Attachment, Reply, Who
from bot.slack.delivery import dm_host, post_reply, web_client
from bot.slack.profiles import Profiles
from tests.bot.slack.conftest import NAME, PERSON, ZONE
from tests.standins.slack_api import BOT_TOKEN, SlackApi
from tests.standins.slack_methods import dm_channel

HOST = "U0HOST"


def test_hosts_get_a_direct_message(api: SlackApi) -> None:
    ts = asyncio.run(dm_host(web_client(BOT_TOKEN, api.base_url), HOST, "New booking: <Bo> & co"))
    [call] = api.calls_of("chat.postMessage")
    assert call.args["channel"] == HOST
    assert call.args["text"] == "New booking: &lt;Bo&gt; &amp; co"  # a name cannot @-mention anyone
    assert call.token == BOT_TOKEN
    assert api.messages[(dm_channel(HOST), ts)]["text"] == call.args["text"]


def test_rate_limited_calls_are_retried_after_retry_after(api: SlackApi) -> None:
    api.rate_limit_next("chat.postMessage", times=2)
    ts = asyncio.run(dm_host(web_client(BOT_TOKEN, api.base_url), HOST, "hello"))
    assert ts
    assert [call.status for call in api.calls_of("chat.postMessage")] == [429, 429, 200]


def test_a_bad_token_is_an_error_for_the_caller(api: SlackApi) -> None:
    with pytest.raises(SlackApiError) as raised:
        asyncio.run(dm_host(web_client("xoxb-revoked", api.base_url), HOST, "hello"))
    assert raised.value.response["error"] == "invalid_auth"
    assert api.messages == {}


def test_profiles_are_cached_for_a_while(api: SlackApi) -> None:
    now = [0.0]
    profiles = Profiles(web_client(BOT_TOKEN, api.base_url), ttl_s=60, limit=2, clock=lambda: now[0])
    api.add_user("U0ANN", "Ann", "Europe/Berlin")
    api.add_user("U0ODD", "", "Mars/Olympus_Mons")

    async def look_up(*users: str) -> list[Who]:
        return [await profiles.who(user) for user in users]

    first, again = asyncio.run(look_up(PERSON, PERSON))
    assert first == again == Who(PERSON, NAME, ZONE)
    assert len(api.calls_of("users.info")) == 1
    now[0] = 61.0
    asyncio.run(look_up(PERSON))
    assert len(api.calls_of("users.info")) == 2
    [odd] = asyncio.run(look_up("U0ODD"))
    assert odd == Who("U0ODD", "", None)  # a zone this machine lacks is left for the flow to ask
    asyncio.run(look_up("U0ANN", PERSON))  # three people in a cache of two: the oldest went
    assert len(api.calls_of("users.info")) == 5


def test_invites_are_uploaded_as_files(api: SlackApi) -> None:
    invite = Attachment("abc.ics", "text/calendar", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    reply = Reply("Booked.", attachments=(invite,))
    asyncio.run(post_reply(web_client(BOT_TOKEN, api.base_url), dm_channel(PERSON), reply))
    methods = [call.method for call in api.calls]
    assert methods == ["chat.postMessage", "files.getUploadURLExternal", "files.completeUploadExternal"]
    [upload] = api.uploads.values()
    assert upload == {
        "filename": "abc.ics",
        "length": len(invite.content),
        "data": invite.content,
        "title": "abc.ics",
        "channel": dm_channel(PERSON),
    }


def test_a_refused_upload_does_not_lose_the_message(api: SlackApi, caplog: pytest.LogCaptureFixture) -> None:
    api.fail_next("files.getUploadURLExternal", "missing_scope")
    reply = Reply("Booked.", attachments=(Attachment("abc.ics", "text/calendar", b"BEGIN:VCALENDAR"),))
    asyncio.run(post_reply(web_client(BOT_TOKEN, api.base_url), dm_channel(PERSON), reply))
    assert len(api.calls_of("chat.postMessage")) == 1
    assert "missing_scope" in caplog.text
