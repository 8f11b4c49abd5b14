"""Message limits per sender, connection and client address: a fixed one-minute window each.

Each count has a key ("sender:<id>", "connection:<id>", "address:<ip>", see `bot.channels.guard`)
and the limit the caller gives for that kind of key.

One process counts in memory. Several instances behind a load balancer must share the count, or
each would allow the limit again: with REDIS_URL set the counts live in Redis (one INCR per
message, expiring with the window). If Redis cannot be reached the message is let through, with a
warning: a person asking about their health is not turned away because a counter is down.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from redis import asyncio as aioredis
from redis.exceptions import RedisError

from bot.settings import Settings

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 60
REDIS_TIMEOUT_SECONDS = 1.0
Clock = Callable[[], float]


@dataclass(frozen=True)
class Verdict:
    """Whether a message may pass and, if not, how many seconds until it may."""

    allowed: bool
    retry_after: int = 0


class RateLimiter(Protocol):
    """Counts messages per key."""

    async def hit(self, key: str, limit: int) -> Verdict:
        """Count one message under ``key`` and say whether it is within ``limit``."""


def verdict(count: int, limit: int, now: float) -> Verdict:
    """The verdict for the ``count``-th message of the window that contains ``now``."""
    if limit <= 0 or count <= limit:
        return Verdict(True)
    return Verdict(False, max(1, math.ceil(WINDOW_SECONDS - now % WINDOW_SECONDS)))


class MemoryRateLimiter:
    """Counts in this process; only the current window is kept, so memory stays bounded."""

    def __init__(self, clock: Clock = time.time) -> None:
        self.clock = clock
        self._window = -1
        self._counts: dict[str, int] = {}

    async def hit(self, key: str, limit: int) -> Verdict:
        """Count the message in this process's current window."""
        now = self.clock()
        window = int(now // WINDOW_SECONDS)
        if window != self._window:
            self._window, self._counts = window, {}
        count = self._counts[key] = self._counts.get(key, 0) + 1
        return verdict(count, limit, now)


class RedisRateLimiter:
    """Counts in Redis, shared by every instance; keys (ids, addresses) are hashed, never stored."""

    def __init__(self, url: str, clock: Clock = time.time) -> None:
        self.clock = clock
        self.redis = aioredis.from_url(
            url, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
        )

    async def hit(self, key: str, limit: int) -> Verdict:
        """Count the message in Redis; let it through if Redis is unreachable."""
        now = self.clock()
        digest = hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()[:32]
        counter = f"myositis:rate:{int(now // WINDOW_SECONDS)}:{digest}"
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                count, _ = await pipe.incr(counter).expire(counter, 2 * WINDOW_SECONDS).execute()
        except (RedisError, OSError, asyncio.TimeoutError) as error:
            logger.warning("rate limit not checked, Redis unreachable: %s", type(error).__name__)
            return Verdict(True)
        return verdict(int(count), limit, now)


def rate_limiter(settings: Settings) -> RateLimiter:
    """The limiter this deployment is configured for."""
    if settings.redis_url and (
        settings.rate_limit_per_minute > 0 or settings.rate_limit_per_address_per_minute > 0
    ):
        return RedisRateLimiter(settings.redis_url)
    return MemoryRateLimiter()
