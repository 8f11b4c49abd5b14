"""A conversation over Rasa's socket.io channel, as the web widget will hold it."""

from __future__ import annotations

import queue
import uuid
from typing import Any

import pytest
import socketio

from bot.serve import Stack

pytestmark = pytest.mark.e2e
WAIT = 60.0


def test_welcome_then_answer_over_socketio(stack: Stack) -> None:
    # The synchronous client over long-polling: the async one needs a newer aiohttp than Rasa's.
    received: queue.Queue[dict[str, Any]] = queue.Queue()
    client = socketio.Client()
    client.on("bot_uttered", received.put_nowait)
    session = uuid.uuid4().hex
    client.connect(f"http://{stack.host}:{stack.ports.rasa}", transports=["polling"])
    try:
        client.emit("session_request", {"session_id": session})
        client.emit("user_uttered", {"message": "can I do pilates?", "session_id": session})
        messages: list[dict[str, Any]] = []
        while not any(m.get("custom", {}).get("type") == "answer" for m in messages):
            messages.append(received.get(timeout=WAIT))
    finally:
        client.disconnect()

    payloads = [m["custom"] for m in messages if "custom" in m]
    assert payloads[0]["type"] == "welcome"
    answer = next(p for p in payloads if p["type"] == "answer")
    assert answer["topic"] == "pilates"
    assert answer["disclaimers"] == ["consult_doctor", "pregnancy"]
    texts = [m["text"] for m in messages if "text" in m]
    assert any("talk to your doctor" in t for t in texts)
    assert any(m.get("quick_replies") for m in messages)
