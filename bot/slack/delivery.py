"""Getting messages to people on Slack: the Web API client, replies with their files, host DMs.

One ``AsyncWebClient`` serves the whole front end. Its base URL is configurable so the real SDK can
talk to a stand-in in tests or a proxy in production; it retries rate-limited calls (HTTP 429) after
Slack's ``Retry-After``, because a booking confirmation that hits a burst limit must still arrive.
Links are posted unfurled-off: a DM full of previews of the manage page helps nobody.
"""

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.flow.messages import Attachment, Reply
from bot.slack.blocks import blocks_for, fallback_text

log = logging.getLogger("chatcal.slack")

RATE_LIMIT_RETRIES = 3


def web_client(token: str, base_url: str | None = None) -> AsyncWebClient:
    """The bot's Web API client: the default or given base URL, retrying 429s after ``Retry-After``."""
    client = AsyncWebClient(token=token, base_url=base_url or AsyncWebClient.BASE_URL)
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES))
    return client


async def post_reply(client: AsyncWebClient, channel: str, reply: Reply) -> str:
    """Post one reply (blocks, then each attachment as a file); returns the message's ``ts``."""
    posted = await client.chat_postMessage(
        channel=channel,
        text=fallback_text(reply),
        blocks=blocks_for(reply),
        unfurl_links=False,
        unfurl_media=False,
    )
    for attachment in reply.attachments:
        await upload(client, channel, attachment)
    return str(posted.get("ts", ""))


async def upload(client: AsyncWebClient, channel: str, attachment: Attachment) -> None:
    """Share a file in the DM (files.getUploadURLExternal → upload → files.completeUploadExternal).

    The message before it already holds the manage link, so a refused upload (say, the app lacks
    ``files:write``) is logged rather than failing the turn.
    """
    try:
        await client.files_upload_v2(
            channel=channel,
            content=attachment.content,
            filename=attachment.filename,
            title=attachment.filename,
        )
    except SlackApiError as error:
        log.warning("could not upload %s: %s", attachment.filename, error.response.get("error"))


async def post_replies(client: AsyncWebClient, channel: str, replies: list[Reply]) -> None:
    """Post a turn's replies in order: the flow's sentences read top to bottom."""
    for reply in replies:
        await post_reply(client, channel, reply)


async def dm_host(client: AsyncWebClient, slack_user_id: str, text: str) -> str:
    """Tell a host something in a direct message from the bot; returns the message's ``ts``.

    Posting to a user id lands in the bot's DM with that person (``chat.postMessage`` opens it), so
    no ``conversations.open`` is needed. Raises ``SlackApiError`` so an outbox can retry later.
    """
    posted = await client.chat_postMessage(
        channel=slack_user_id, text=fallback_text(Reply(text)), unfurl_links=False, unfurl_media=False
    )
    return str(posted.get("ts", ""))
