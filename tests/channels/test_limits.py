"""The rate limits' counts: a one-minute window per key, in memory or shared through Redis."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator

import pytest

from bot.channels.limits import MemoryRateLimiter, RedisRateLimiter, Verdict, verdict
from bot.serve import port_is_free
from tests.conftest import skip_or_fail

REDIS_PORT = 19201
NOTHING_LISTENS_PORT = 19202


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_verdict_counts_up_to_the_limit_and_says_when_to_retry() -> None:
    assert verdict(3, 3, 120.0) == Verdict(True)
    assert verdict(4, 3, 120.0) == Verdict(False, 60)
    assert verdict(4, 3, 179.2) == Verdict(False, 1)
    assert verdict(1000, 0, 5.0) == Verdict(True)  # 0 turns the limit off


async def test_memory_limiter_counts_each_key_within_its_window() -> None:
    clock = Clock(600.0)
    limiter = MemoryRateLimiter(clock)
    assert [(await limiter.hit("ann", 2)).allowed for _ in range(3)] == [True, True, False]
    assert (await limiter.hit("bob", 2)).allowed
    assert (await limiter.hit("ann", 5)).allowed  # the caller's limit for this kind of key
    clock.now = 659.5
    assert await limiter.hit("ann", 2) == Verdict(False, 1)
    clock.now = 660.0  # a new window: the count starts again and old keys are forgotten
    assert (await limiter.hit("ann", 2)).allowed
    assert set(limiter._counts) == {"ann"}


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    server = shutil.which("redis-server")
    if server is None:
        skip_or_fail("redis-server is not installed")
    assert server is not None
    process = subprocess.Popen(
        [server, "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while port_is_free("127.0.0.1", REDIS_PORT):
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{REDIS_PORT}/0"
    finally:
        process.terminate()
        process.wait(10)


async def test_instances_sharing_redis_share_the_count(redis_url: str) -> None:
    clock = Clock(time.time())
    first, second = RedisRateLimiter(redis_url, clock), RedisRateLimiter(redis_url, clock)
    sender = f"sender-{time.time_ns()}"
    results = [await limiter.hit(sender, 3) for limiter in (first, second, first, second)]
    assert [r.allowed for r in results] == [True, True, True, False]
    assert 1 <= results[-1].retry_after <= 60
    keys = [k.decode() for k in await first.redis.keys("myositis:rate:*")]
    assert keys
    assert not any(sender in k for k in keys)
    await first.redis.close()
    await second.redis.close()


async def test_unreachable_redis_lets_messages_through() -> None:
    limiter = RedisRateLimiter(f"redis://127.0.0.1:{NOTHING_LISTENS_PORT}/0")
    assert [(await limiter.hit("ann", 1)).allowed for _ in range(3)] == [True, True, True]
