"""Who is writing: a Slack user id → ``Who`` with their name and time zone from ``users.info``.

Slack profiles carry an IANA zone (``user.tz``), so Slack invitees are never asked for one. Profiles
change rarely and every message would otherwise cost a Web API call (``users.info`` is Tier 4, but a
busy workspace still meets the limit), so answers are kept for a while, per process, in a bounded map.
A failed lookup is not cached: the person is served without a zone now and looked up again next time.
"""

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.flow.messages import Who

log = logging.getLogger("chatcal.slack")

PROFILE_TTL_S = 3600.0
MAX_PROFILES = 10_000


def _zone(name: object) -> str | None:
    """Slack's zone when this machine knows it too; otherwise the flow asks the person."""
    if not isinstance(name, str) or not name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("Slack profile zone %r is not in this machine's tz database", name)
        return None
    return name


def _name(user: dict[str, Any]) -> str:
    profile: dict[str, Any] = user.get("profile") or {}
    for candidate in (user.get("real_name"), profile.get("real_name"), profile.get("display_name")):
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip()
    return ""


def who_from(user_id: str, user: dict[str, Any]) -> Who:
    """A ``Who`` from the ``user`` object of a ``users.info`` answer."""
    return Who(user_id, _name(user), _zone(user.get("tz")))


class Profiles:
    """``users.info`` answers for ``ttl_s`` seconds, at most ``limit`` people (oldest dropped first)."""

    def __init__(
        self,
        client: AsyncWebClient,
        ttl_s: float = PROFILE_TTL_S,
        limit: int = MAX_PROFILES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.ttl_s = ttl_s
        self.limit = limit
        self.clock = clock
        self._known: OrderedDict[str, tuple[float, Who]] = OrderedDict()

    async def who(self, user_id: str) -> Who:
        """The person behind ``user_id``; just the id when Slack won't say (the flow then asks)."""
        now = self.clock()
        cached = self._known.get(user_id)
        if cached is not None and cached[0] > now:
            return cached[1]
        try:
            answer = await self.client.users_info(user=user_id)
        except SlackApiError as error:
            log.warning("users.info for %s failed: %s", user_id, error.response.get("error"))
            return Who(user_id)
        user = answer.get("user")
        person = who_from(user_id, user if isinstance(user, dict) else {})
        self._known[user_id] = (now + self.ttl_s, person)
        self._known.move_to_end(user_id)
        while len(self._known) > self.limit:
            self._known.popitem(last=False)
        return person
