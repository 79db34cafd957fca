"""Per-client request limits for the public endpoints: fixed one-minute windows.

In memory for a single process; in Redis when ``CHATCAL_REDIS_URL`` is set, so every API process
shares one count per client.
"""

import time
from typing import Protocol

from redis.asyncio import Redis

WINDOW_SECONDS = 60


class RateLimiter(Protocol):
    """Counts a hit; answers None when allowed, else the seconds until the window resets."""

    async def hit(self, client: str) -> int | None: ...


def _retry_after(now: float) -> int:
    return WINDOW_SECONDS - int(now) % WINDOW_SECONDS


class MemoryLimiter:
    """Counts in this process (on the event loop, so no lock); old windows are dropped as time moves on."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._counts: dict[str, int] = {}
        self._window = 0

    async def hit(self, client: str) -> int | None:
        now = time.time()
        window = int(now) // WINDOW_SECONDS
        if window != self._window:
            self._counts.clear()
            self._window = window
        self._counts[client] = count = self._counts.get(client, 0) + 1
        return None if count <= self.per_minute else _retry_after(now)


class RedisLimiter:
    """Counts in Redis with one expiring key per client and window."""

    def __init__(self, redis: Redis, per_minute: int, prefix: str = "chatcal:rate") -> None:
        self.redis = redis
        self.per_minute = per_minute
        self.prefix = prefix

    async def hit(self, client: str) -> int | None:
        now = time.time()
        key = f"{self.prefix}:{int(now) // WINDOW_SECONDS}:{client}"
        async with self.redis.pipeline() as pipe:
            pipe.incr(key)
            pipe.expire(key, WINDOW_SECONDS + 1)
            count = int((await pipe.execute())[0])
        return None if count <= self.per_minute else _retry_after(now)
