"""Simulated users on the REST channel: each follows a script turn by turn, awaiting every reply.

A closed loop (a user sends the next message only when the last reply is read) is how people
chat, so latency and throughput are measured together: the fixed number of messages of a level
is shared among its users, and latency is the wall time of one POST until its body is read.
"""

from __future__ import annotations

import asyncio
import itertools
import statistics
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from benchmarks.scripts import Script

ERROR_EXAMPLES = 5


@dataclass
class Level:
    """What one level of load measured."""

    users: int
    messages: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    # Replies with no message at all: a valid answer over HTTP, but worth seeing.
    empty: int = 0
    # Structured payload types of our replies (answer, welcome, red_flag...): proof of the path.
    kinds: Counter[str] = field(default_factory=Counter)
    error_examples: list[str] = field(default_factory=list)

    def percentile(self, share: int) -> float:
        """Latency in seconds below which ``share`` per cent of the answered messages fall."""
        if len(self.latencies) < 2:
            return self.latencies[0] if self.latencies else float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[share - 1]

    def summary(self) -> dict[str, Any]:
        """Figures for the report (milliseconds, messages per second)."""
        return {
            "users": self.users,
            "messages": self.messages,
            "seconds": round(self.seconds, 3),
            "throughput": round(len(self.latencies) / self.seconds, 2) if self.seconds else 0.0,
            "p50_ms": round(1000 * self.percentile(50), 1),
            "p95_ms": round(1000 * self.percentile(95), 1),
            "p99_ms": round(1000 * self.percentile(99), 1),
            "errors": self.errors,
            "empty": self.empty,
            "kinds": dict(sorted(self.kinds.items())),
            "error_examples": self.error_examples,
        }

    def record_error(self, description: str) -> None:
        """Count a failed message and keep the first few descriptions to diagnose them."""
        self.errors += 1
        if len(self.error_examples) < ERROR_EXAMPLES:
            self.error_examples.append(description)


async def send(
    session: aiohttp.ClientSession, url: str, sender: str, text: str
) -> tuple[float, list[dict[str, Any]]]:
    """POST one message; return the seconds until the whole reply was read, and the reply.

    Raises:
        aiohttp.ClientError: the request failed or was not answered with 200.
        asyncio.TimeoutError: the session's timeout passed.
    """
    started = time.perf_counter()
    async with session.post(url, json={"sender": sender, "message": text}) as response:
        response.raise_for_status()
        body: list[dict[str, Any]] = await response.json()
    return time.perf_counter() - started, body


async def _user(
    session: aiohttp.ClientSession,
    url: str,
    conversations: Iterator[Script],
    budget: Iterator[int],
    name: str,
    level: Level,
) -> None:
    """Follow scripts, each as a new conversation, until the level's messages are all sent."""
    for number, script in enumerate(conversations):
        sender = f"{name}-{number}"
        for text in script:
            if next(budget, None) is None:
                return
            try:
                seconds, body = await send(session, url, sender, text)
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                level.record_error(f"{text!r}: {type(error).__name__}: {error}")
                continue
            level.latencies.append(seconds)
            level.empty += not body
            level.kinds.update(m["custom"]["type"] for m in body if "type" in m.get("custom", {}))


async def drive(
    url: str,
    scripts: Sequence[Script],
    users: int,
    messages: int,
    timeout: float,
    headers: Mapping[str, str] | None = None,
) -> Level:
    """Run ``users`` simulated users until ``messages`` messages are answered or failed.

    User *i* starts with script *i* and goes round them all, so every script is in use at once.
    """
    level = Level(users, messages)
    budget = iter(range(messages))
    run = uuid.uuid4().hex[:8]
    connector = aiohttp.TCPConnector(limit=users)
    async with aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=timeout), headers=headers
    ) as session:
        started = time.perf_counter()
        await asyncio.gather(
            *(
                _user(
                    session,
                    url,
                    itertools.islice(itertools.cycle(scripts), i % len(scripts), None),
                    budget,
                    f"bench-{run}-{users}-{i}",
                    level,
                )
                for i in range(users)
            )
        )
        level.seconds = time.perf_counter() - started
    return level


async def first_answer(url: str, timeout: float, headers: Mapping[str, str] | None = None) -> float:
    """Send "hello" as a new user; return the seconds until the reply was read."""
    async with aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=timeout), headers=headers
    ) as session:
        seconds, _ = await send(session, url, f"bench-first-{uuid.uuid4().hex[:8]}", "hello")
    return seconds
