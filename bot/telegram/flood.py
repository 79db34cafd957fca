"""Telegram's flood control: when the Bot API answers 429, wait what it asks and send again.

PTB turns a 429 into ``RetryAfter`` and leaves retrying to a ``BaseRateLimiter`` plugged into the
``Application``; its own ``AIORateLimiter`` needs the optional ``aiolimiter`` package and throttles every
request up front, which a bot that answers people (at most a few messages per incoming update) does
not need. This one reacts only when told: it retries the same request after ``retry_after`` seconds,
a few times, and gives up (re-raising) when Telegram asks for a longer pause than a person would wait
for an answer.
"""

import asyncio
import logging
import warnings
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

log = logging.getLogger("chatcal.telegram")
ApiResult = bool | dict[str, Any] | list[dict[str, Any]]


def pause_of(error: RetryAfter) -> float:
    """Seconds Telegram asked us to wait, whichever type PTB hands out (int now, timedelta later)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class RetryOnFlood(BaseRateLimiter[None]):
    """Retries a request refused with 429, up to ``attempts`` sends, each pause at most ``max_pause``."""

    def __init__(self, attempts: int = 3, max_pause: float = 30.0) -> None:
        self.attempts = attempts
        self.max_pause = max_pause

    async def initialize(self) -> None:
        """Nothing to set up: no throttling state is kept."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, ApiResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> ApiResult:
        """Send; on ``RetryAfter`` pause and send again, re-raising once the budget is spent."""
        for attempt in range(1, self.attempts + 1):
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                pause = pause_of(error)
                if attempt == self.attempts or pause > self.max_pause:
                    raise
                log.warning("telegram %s: flood control, retrying in %.1f s", endpoint, pause)
                await asyncio.sleep(pause)
        raise AssertionError("unreachable: the last attempt returns or raises")
