"""Rate limiting shared across API processes through a real Redis."""

import uuid
from collections.abc import Iterator

import pytest
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from api.ratelimit import WINDOW_SECONDS, MemoryLimiter, RedisLimiter

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis() -> Iterator[Redis]:
    client = Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except RedisConnectionError:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    yield client
    client.close()


def test_two_processes_share_one_count(redis: Redis) -> None:
    prefix = f"test:{uuid.uuid4().hex}"
    first, second = RedisLimiter(redis, 3, prefix), RedisLimiter(redis, 3, prefix)
    answers = [first.hit("1.2.3.4"), second.hit("1.2.3.4"), first.hit("1.2.3.4"), second.hit("1.2.3.4")]
    assert answers[:3] == [None, None, None]
    assert answers[3] is not None
    assert 0 < answers[3] <= WINDOW_SECONDS
    assert first.hit("5.6.7.8") is None
    keys = redis.keys(f"{prefix}:*")
    assert keys
    assert all(0 < redis.ttl(key) <= WINDOW_SECONDS + 1 for key in keys)


def test_memory_limiter_counts_clients_separately() -> None:
    limiter = MemoryLimiter(1)
    assert limiter.hit("a") is None
    assert limiter.hit("b") is None
    assert limiter.hit("a") is not None
