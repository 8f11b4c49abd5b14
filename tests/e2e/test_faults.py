"""Faults the running assistant survives: its action server down or hung, its database gone.

Each test breaks something for real (stops or freezes the action server's process, replaces the
SQLite file with a folder so it cannot be opened), checks the user still gets a safe reply, then
repairs it and checks the conversation carries on.
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy.engine import make_url

from bot.channels.conversations import conversation_id
from bot.knowledge.schema import KnowledgeSet
from bot.serve import Stack
from tests.e2e.conftest import REQUEST_TIMEOUT, rest_headers
from tests.e2e.platform_requests import stored_events

pytestmark = pytest.mark.e2e


def say(stack: Stack, sender: str, text: str) -> list[dict[str, Any]]:
    response = requests.post(
        f"http://{stack.host}:{stack.ports.rasa}/webhooks/rest/webhook",
        json={"sender": sender, "message": text},
        headers=rest_headers(),
        timeout=REQUEST_TIMEOUT,
    )
    assert response.status_code == 200
    assert "Traceback" not in response.text
    messages: list[dict[str, Any]] = response.json()
    return messages


def types(messages: list[dict[str, Any]]) -> list[str]:
    return [m["custom"]["type"] for m in messages if "custom" in m]


def text_of(messages: list[dict[str, Any]]) -> str:
    return "\n\n".join(m.get("text", "") for m in messages)


def assert_disclaimed(messages: list[dict[str, Any]], knowledge: KnowledgeSet) -> None:
    for disclaimer in knowledge.disclaimers.values():
        assert disclaimer.text in text_of(messages)


def test_action_server_down_gets_the_safe_reply_then_recovers(
    stack: Stack, sender: str, knowledge: KnowledgeSet
) -> None:
    assert "answer" in types(say(stack, sender, "can I do pilates?"))
    stack.stop_server("actions")
    try:
        plain = say(stack, sender, "is stretching good for me?")
        warning = say(stack, sender, "I get chest pain when I exercise")
        newcomer = say(stack, sender + "-new", "how do I get started with exercise?")
    finally:
        stack.start_server("actions")
        stack.warm_actions()
    assert types(plain) == ["unavailable"]
    assert "can't look that up right now" in text_of(plain)
    assert_disclaimed(plain, knowledge)
    assert types(warning) == ["red_flag", "unavailable"]  # the urgent advice first
    red_flag = next(m["custom"] for m in warning if m.get("custom", {}).get("type") == "red_flag")
    assert red_flag["urgency"] == "emergency"
    assert f"call {stack.settings.emergency_number}" in text_of(warning)
    assert_disclaimed(warning, knowledge)
    assert types(newcomer) == ["unavailable"]
    # The failed session start fell back to Rasa's own, so the new conversation is well-formed.
    assert "session_started" in [
        kind for kind, _ in stored_events(stack, conversation_id("rest", sender + "-new"))
    ]

    assert types(say(stack, sender, "is stretching good for me?")) == ["answer"]
    assert "answer" in types(say(stack, sender + "-new", "how do I get started with exercise?"))


def test_a_hung_action_server_gets_the_safe_reply_within_the_timeout(
    stack: Stack, sender: str
) -> None:
    assert "answer" in types(say(stack, sender, "can I do pilates?"))
    actions = next(s for s in stack.servers if s.name == "actions")
    assert actions.process is not None
    timeout = float(stack.environment().get("ACTION_TIMEOUT_SECONDS", "10"))
    os.killpg(actions.process.pid, signal.SIGSTOP)  # it still accepts connections, never answers
    try:
        started = time.monotonic()
        hung = say(stack, sender, "is stretching good for me?")
        waited = time.monotonic() - started
    finally:
        os.killpg(actions.process.pid, signal.SIGCONT)
    assert types(hung) == ["unavailable"]
    assert timeout <= waited < timeout + 20  # Rasa alone would wait five minutes
    assert types(say(stack, sender, "is stretching good for me?")) == ["answer"]


def test_database_unreachable_mid_run_asks_to_resend_then_recovers(
    stack: Stack, sender: str, knowledge: KnowledgeSet
) -> None:
    assert "answer" in types(say(stack, sender, "can I do pilates?"))
    database = Path(str(make_url(stack.settings.database_url).database))
    away = database.with_name(database.name + ".away")
    history_url = f"http://{stack.host}:{stack.ports.web}/api/history"
    session = {"X-Session-Secret": uuid.uuid4().hex}
    database.rename(away)
    database.mkdir()  # SQLite cannot open a folder: every connection fails
    try:
        down = say(stack, sender, "is stretching good for me?")
        history = requests.get(history_url, headers=session, timeout=REQUEST_TIMEOUT)
    finally:
        database.rmdir()
        away.rename(database)
    assert types(down) == ["unavailable"]
    assert "send it again" in text_of(down)
    assert_disclaimed(down, knowledge)
    assert history.status_code == 503
    assert "database is unavailable" in history.json()["error"]

    # Back: the conversation is remembered (no second welcome) and the resent message answered.
    assert types(say(stack, sender, "is stretching good for me?")) == ["answer"]
    said = [
        e["text"]
        for kind, e in stored_events(stack, conversation_id("rest", sender))
        if kind == "user"
    ]
    assert said == ["can I do pilates?", "is stretching good for me?"]
    assert requests.get(history_url, headers=session, timeout=REQUEST_TIMEOUT).status_code == 200
