"""Send messages to the running assistant and read what it sent back, as a user would get it.

The real trained model and the real action server run as `make run` starts them (bot.serve.Stack),
on their own ports and a scratch database, and every message goes through the REST channel. So
the figures measure the composed payloads (reply type, topic, urgency), not the classifier alone.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import requests

from bot.console.migrate import migrate
from bot.db import engine_for
from bot.knowledge import repository
from bot.knowledge.files import read_knowledge
from bot.serve import Ports, Stack
from bot.settings import Settings, sqlite_url

# EVAL_PORT_BASE moves every port, so an evaluation can run beside `make run` or a test run.
DEFAULT_PORT_BASE = 17000
REQUEST_TIMEOUT_SECONDS = 60.0
# Conversations sent at once: different senders are handled in parallel by the Rasa server.
PARALLEL_CONVERSATIONS = 4
# The harness is one client on loopback sending hundreds of messages a minute: the per-address
# limit would answer most of them "slow down" (HTTP 429) and stop the run.
ONE_LOOPBACK_CLIENT = {"RATE_LIMIT_PER_ADDRESS_PER_MINUTE": "0"}
# Safety replies win over anything sent with them: they are what the user must act on.
PRECEDENCE = ("crisis", "red_flag")
NO_PAYLOAD = "none"


@dataclass(frozen=True)
class Reply:
    """What the assistant sent for one message, read from the payloads of its messages."""

    kind: str
    topics: tuple[str, ...]
    urgency: str | None
    types: tuple[str, ...]

    @classmethod
    def read(cls, messages: Sequence[Mapping[str, Any]]) -> Reply:
        """Read the reply; its kind is ``none`` when no message carried a payload.

        The welcome that opens a session is not the reply to the message it came with, unless
        nothing else was sent.
        """
        payloads = [m["custom"] for m in messages if isinstance(m.get("custom"), Mapping)]
        types = tuple(str(p.get("type")) for p in payloads)
        if not types:
            return cls(NO_PAYLOAD, (), None, ())
        kind = next((k for k in PRECEDENCE if k in types), None)
        if kind is None:
            kind = next((t for t in types if t != "welcome"), types[0])
        return cls(
            kind=kind,
            topics=tuple(str(p["topic"]) for p in payloads if p.get("type") == "answer"),
            urgency=next((p.get("urgency") for p in payloads if p.get("type") == kind), None),
            types=types,
        )


@dataclass(frozen=True)
class RestChannel:
    """Where a running assistant's REST channel is, and the token it requires."""

    url: str
    token: str

    @classmethod
    def of(cls, stack: Stack) -> RestChannel:
        """The REST channel of ``stack``, with the run's REST_CHANNEL_TOKEN."""
        return cls(
            f"http://{stack.host}:{stack.ports.rasa}/webhooks/rest/webhook",
            stack.environment()["REST_CHANNEL_TOKEN"],
        )


def port_base() -> int:
    """The first port of the evaluation's servers."""
    return int(os.environ.get("EVAL_PORT_BASE", str(DEFAULT_PORT_BASE)))


@contextmanager
def running_assistant(settings: Settings, model: Path, log_dir: Path) -> Iterator[RestChannel]:
    """Start the action and Rasa servers on a scratch database; yield their REST channel."""
    base = port_base()
    with tempfile.TemporaryDirectory(prefix="eval-") as folder:
        database = sqlite_url(Path(folder) / "assistant.db")
        repository.load(engine_for(database), read_knowledge(settings.knowledge_dir))
        migrate(engine_for(database))
        stack = Stack(
            replace(settings, database_url=database),
            ports=Ports(rasa=base + 5, actions=base + 55, web=base + 80),
            parts=("actions", "rasa"),
            model=model,
            log_dir=log_dir,
            extra_env=ONE_LOOPBACK_CLIENT,
        )
        try:
            stack.start()
            yield RestChannel.of(stack)
        finally:
            stack.stop()


def converse(channel: RestChannel, conversations: Sequence[Sequence[str]]) -> list[list[Reply]]:
    """Send each conversation's messages in order under one fresh sender id; read every reply.

    A single message is a conversation of one, so it too starts a fresh conversation.
    """
    run = secrets.token_hex(4)

    def one(numbered: tuple[int, Sequence[str]]) -> list[Reply]:
        number, texts = numbered
        sender = f"eval-{run}-{number}"
        with requests.Session() as session:
            replies = []
            for text in texts:
                response = session.post(
                    channel.url,
                    json={"sender": sender, "message": text},
                    headers={"Authorization": f"Bearer {channel.token}"},
                    timeout=REQUEST_TIMEOUT_SECONDS,
                )
                response.raise_for_status()
                replies.append(Reply.read(response.json()))
            return replies

    with ThreadPoolExecutor(PARALLEL_CONVERSATIONS) as pool:
        return list(pool.map(one, enumerate(conversations)))
