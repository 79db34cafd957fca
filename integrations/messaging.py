"""Telling hosts about their bookings. Slack DMs when configured; the log otherwise."""

import logging
from dataclasses import dataclass
from typing import Protocol

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

log = logging.getLogger("chatcal.notify")


@dataclass(frozen=True, slots=True)
class HostNotice:
    """One message for one host; ``slack_user_id`` None when the host has not linked Slack."""

    host: str
    slack_user_id: str | None
    text: str


class HostNotifier(Protocol):
    """Delivers a notice or raises, so the outbox keeps it for another try."""

    def notify(self, notice: HostNotice) -> None: ...


class LogNotifier:
    """The offline default: notices go to the log."""

    def notify(self, notice: HostNotice) -> None:
        log.info("for %s: %s", notice.host, notice.text)


class SlackNotifier:
    """Direct messages from the bot to hosts who have a Slack user id."""

    def __init__(self, token: str, base_url: str | None = None) -> None:
        self.client = WebClient(token=token, base_url=base_url or WebClient.BASE_URL)
        self.client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))

    def notify(self, notice: HostNotice) -> None:
        if notice.slack_user_id is None:
            LogNotifier().notify(notice)
            return
        self.client.chat_postMessage(channel=notice.slack_user_id, text=notice.text)
