"""Rate limiting shared across API processes through a real Redis."""

import asyncio
import uuid

import pytest
from redis import Redis as SyncRedis
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from api.ratelimit import WINDOW_SECONDS, MemoryLimiter, RedisLimiter

REDIS_URL = "redis://127.0.0.1:6379/15"


def test_two_processes_share_one_count() -> None:
    prefix = f"test:{uuid.uuid4().hex}"
    try:
        SyncRedis.from_url(REDIS_URL).ping()
    except RedisConnectionError:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")

    async def scenario() -> list[int | None]:
        async with Redis.from_url(REDIS_URL) as first_client, Redis.from_url(REDIS_URL) as second_client:
            first = RedisLimiter(first_client, 3, prefix)
            second = RedisLimiter(second_client, 3, prefix)
            hits = [await limiter.hit("1.2.3.4") for limiter in (first, second, first, second)]
            hits.append(await first.hit("5.6.7.8"))
            return hits

    answers = asyncio.run(scenario())
    assert answers[:3] == [None, None, None]
    assert answers[3] is not None
    assert 0 < answers[3] <= WINDOW_SECONDS
    assert answers[4] is None
    keys = SyncRedis.from_url(REDIS_URL).keys(f"{prefix}:*")
    assert keys
    assert all(0 < SyncRedis.from_url(REDIS_URL).ttl(key) <= WINDOW_SECONDS + 1 for key in keys)


def test_memory_limiter_counts_clients_separately() -> None:
    async def scenario() -> list[int | None]:
        limiter = MemoryLimiter(1)
        return [await limiter.hit("a"), await limiter.hit("b"), await limiter.hit("a")]

    first, other, again = asyncio.run(scenario())
    assert first is None
    assert other is None
    assert again is not None
