"""A conversation over Rasa's socket.io channel, as the web widget will hold it."""

from __future__ import annotations

import json
import queue
import uuid
from typing import Any

import pytest

from bot.serve import Stack
from tests.e2e.conftest import within_one_window
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


def test_a_connection_changing_its_session_every_message_is_limited(stack: Stack) -> None:
    """Each message under a new session id dodges the per-sender limit, not the connection's."""
    per_minute = stack.settings.rate_limit_per_minute
    within_one_window()
    with socketio_session(stack) as (client, _, received):
        confirmed: queue.Queue[str] = queue.Queue()
        client.on("session_confirm", confirmed.put_nowait)
        for _ in range(per_minute + 1):
            session = uuid.uuid4().hex
            client.emit("session_request", {"session_id": session})
            while confirmed.get(timeout=WAIT) != session:  # now in that session's room
                pass
            client.emit("user_uttered", {"message": "thanks", "session_id": session})
        limited = None
        while limited is None:
            message = received.get(timeout=WAIT)
            if message.get("custom", {}).get("type") == "limit":
                limited = message
    assert "faster than I can answer" in json.dumps(limited)
    # Another connection (the same address) is not held back by this one's count.
    with socketio_session(stack) as (other, session, other_received):
        other.emit("user_uttered", {"message": "can I do pilates?", "session_id": session})
        types = []
        while "answer" not in types:
            types.append(other_received.get(timeout=WAIT).get("custom", {}).get("type"))
    assert "limit" not in types


@pytest.mark.parametrize("event", ["session_request", "user_uttered"])
@pytest.mark.parametrize("data", [None, 7, "text", ["a"], {"session_id": ["a"], "message": 3}])
def test_a_malformed_event_is_dropped_and_the_connection_still_answers(
    stack: Stack, event: str, data: Any
) -> None:
    """An event with no data or data of the wrong shape is acknowledged, not a crashed handler."""
    with socketio_session(stack) as (client, session, received):
        client.call(event, data, timeout=WAIT)  # the ack comes only when the handler returned
        if event == "session_request":  # a refused request leaves the connection's session
            client.emit("session_request", {"session_id": session})
        client.emit("user_uttered", {"message": "can I do pilates?", "session_id": session})
        types: list[str] = []
        while "answer" not in types:
            types.append(received.get(timeout=WAIT).get("custom", {}).get("type"))
