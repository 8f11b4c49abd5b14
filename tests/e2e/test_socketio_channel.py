"""A conversation over Rasa's socket.io channel, as the web widget will hold it."""

from __future__ import annotations

from typing import Any

import pytest

from bot.serve import Stack
from tests.e2e.platform_requests import socketio_session

pytestmark = pytest.mark.e2e
WAIT = 60.0


def test_welcome_then_answer_over_socketio(stack: Stack) -> None:
    with socketio_session(stack) as (client, session, received):
        client.emit("user_uttered", {"message": "can I do pilates?", "session_id": session})
        messages: list[dict[str, Any]] = []
        while not any(m.get("custom", {}).get("type") == "answer" for m in messages):
            messages.append(received.get(timeout=WAIT))

    payloads = [m["custom"] for m in messages if "custom" in m]
    assert payloads[0]["type"] == "welcome"
    answer = next(p for p in payloads if p["type"] == "answer")
    assert answer["topic"] == "pilates"
    assert answer["disclaimers"] == ["consult_doctor", "pregnancy"]
    texts = [m["text"] for m in messages if "text" in m]
    assert any("talk to your doctor" in t for t in texts)
    assert any(m.get("quick_replies") for m in messages)
