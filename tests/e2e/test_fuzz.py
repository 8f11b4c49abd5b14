"""Property-based fuzzing of the running assistant's webhooks: no 5xx, no corrupted conversation.

Hypothesis sends each webhook bodies of every shape (valid messages with odd text, JSON of the
wrong shape, bytes that are not JSON or not UTF-8), signed where the platform signs, and requires
a 2xx or a 4xx with a JSON error every time. Afterwards the conversations it started must still
load, hold well-formed events with cleaned text, and the assistant must still answer normally.
"""

from __future__ import annotations

import json
import re
import secrets
import uuid
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given
from hypothesis import settings as fuzz_settings
from hypothesis import strategies as st

from bot.channels.conversations import conversation_id, widget_conversation
from bot.serve import Stack
from tests.e2e.conftest import REQUEST_TIMEOUT, ChannelSecrets, rest_headers
from tests.e2e.platform_requests import (
    messenger_event,
    messenger_notification,
    post_messenger,
    post_telegram,
    post_twilio,
    socketio_session,
    stored_events,
    telegram_text,
    twilio_form,
    webhook,
)

pytestmark = pytest.mark.e2e

FUZZ = fuzz_settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
TRICKY = [
    "",
    " ",
    "\x00",
    "\ud800 half a pair",
    "💪🏽🏊‍♀️",
    "هل يمكنني ممارسة الرياضة؟",
    "\u202eevil\u202c text",
    "chest pain\x1b[0m when I exercise",
    "a" * 2001,
    "can I do pilates?" * 117,
]
UNREADABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=6,
)
texts = st.one_of(st.text(max_size=300), st.sampled_from(TRICKY))
senders = st.one_of(
    st.from_regex(r"\Afuzz-[A-Za-z0-9_-]{6,20}\Z"), st.text(max_size=140), json_values
)
messages = st.fixed_dictionaries(
    {"sender": st.from_regex(r"\Afuzz-[A-Za-z0-9_-]{6,20}\Z"), "message": texts}
).map(json.dumps)
rest_bodies = st.one_of(
    messages,  # about half the bodies are messages that reach a conversation
    messages,
    messages,
    st.fixed_dictionaries(
        {"sender": senders, "message": st.one_of(texts, json_values)},
        optional={"metadata": json_values},
    ).map(json.dumps),
    json_values.map(json.dumps),
    st.binary(max_size=300),
)


def assert_handled(response: requests.Response) -> None:
    """A 2xx, or a 4xx whose JSON says what is wrong; never a 5xx or a stack trace."""
    assert response.status_code < 500, response.text[:300]
    assert "Traceback" not in response.text
    if response.status_code >= 400:
        assert response.json()["error"]


def assert_well_formed(stack: Stack, sender: str) -> None:
    """The conversation loads, and each event has its type, its time and clean user text."""
    events = stored_events(stack, sender)
    assert events, sender
    for kind, event in events:
        assert event["event"] == kind
        assert isinstance(event["timestamp"], float)
        if kind == "user":
            assert event["text"] == event["text"].strip()
            assert not UNREADABLE.search(event["text"])
    if re.fullmatch(r"[A-Za-z0-9_:-]+", sender):
        tracker = requests.get(
            f"http://{stack.host}:{stack.ports.rasa}/conversations/{sender}/tracker",
            params={"token": stack.api_token},
            timeout=REQUEST_TIMEOUT,
        )
        assert tracker.status_code == 200
        assert len(tracker.json()["events"]) >= len([k for k, _ in events if k == "user"])


def assert_still_answers(stack: Stack) -> None:
    response = requests.post(
        webhook(stack, "rest"),
        json={"sender": f"fuzz-after-{uuid.uuid4().hex[:8]}", "message": "can I do pilates?"},
        headers=rest_headers(),
        timeout=REQUEST_TIMEOUT,
    )
    payloads = [m["custom"] for m in response.json() if "custom" in m]
    assert payloads[-1]["type"] == "answer"
    assert payloads[-1]["topic"] == "pilates"


def test_fuzzing_the_rest_webhook(stack: Stack) -> None:
    answered: set[str] = set()

    @FUZZ
    @given(body=rest_bodies)
    def post(body: str | bytes) -> None:
        response = requests.post(
            webhook(stack, "rest"),
            data=body,
            headers={"Content-Type": "application/json", **rest_headers()},
            timeout=REQUEST_TIMEOUT,
        )
        assert_handled(response)
        if response.status_code == 200 and response.json():
            answered.add(response.json()[0]["recipient_id"])

    post()
    assert answered, "no fuzzed message reached a conversation"
    for sender in sorted(answered)[:40]:
        assert_well_formed(stack, sender)
    assert_still_answers(stack)


def test_fuzzing_the_rasa_http_api(stack: Stack) -> None:
    routes = st.sampled_from(["/model/parse", "/conversations/fuzz-api/messages"])
    requests.post(
        f"http://{stack.host}:{stack.ports.rasa}/conversations/fuzz-api/messages",
        json={"text": "hello", "sender": "user"},
        params={"token": stack.api_token},
        timeout=REQUEST_TIMEOUT,
    ).raise_for_status()

    @FUZZ
    @given(route=routes, body=st.one_of(rest_bodies, st.builds(
        lambda text, extra: json.dumps({"text": text, "sender": "user", **extra}),
        st.one_of(texts, json_values), st.dictionaries(st.text(max_size=8), json_values),
    )))  # fmt: skip
    def post(route: str, body: str | bytes) -> None:
        response = requests.post(
            f"http://{stack.host}:{stack.ports.rasa}{route}",
            data=body,
            params={"token": stack.api_token},
            headers={"Content-Type": "application/json"},
            timeout=REQUEST_TIMEOUT,
        )
        assert response.status_code < 500, response.text[:300]

    post()
    assert_well_formed(stack, "fuzz-api")
    assert_still_answers(stack)


def test_fuzzing_the_telegram_webhook(stack: Stack, channel_secrets: ChannelSecrets) -> None:
    updates = st.one_of(
        st.builds(telegram_text, st.integers(1, 10**12), texts),
        st.dictionaries(st.sampled_from(["update_id", "message", "callback_query"]), json_values),
        json_values,
    )

    @FUZZ
    @given(update=updates)
    def post(update: Any) -> None:
        assert_handled(post_telegram(stack, update, channel_secrets.telegram_secret))

    post()
    chat_id = 10**9 + secrets.randbelow(10**9)
    post_telegram(stack, telegram_text(chat_id, "hello\x00"), channel_secrets.telegram_secret)
    assert_well_formed(stack, conversation_id("telegram", str(chat_id)))
    assert_still_answers(stack)


def test_fuzzing_the_messenger_webhook(stack: Stack, channel_secrets: ChannelSecrets) -> None:
    events = st.one_of(
        st.builds(messenger_event, st.from_regex(r"\A[0-9]{16}\Z"), texts),
        st.builds(lambda psid, extra: messenger_event(psid, **extra), st.text(max_size=20),
                  st.dictionaries(st.sampled_from(["message", "postback", "sender"]), json_values)),
    )  # fmt: skip
    notifications = st.one_of(
        st.lists(events, max_size=3).map(lambda e: messenger_notification(*e)), json_values
    )

    @FUZZ
    @given(notification=notifications)
    def post(notification: Any) -> None:
        assert_handled(post_messenger(stack, notification, channel_secrets.messenger_app_secret))

    post()
    assert_still_answers(stack)


def test_fuzzing_the_twilio_webhook(stack: Stack, channel_secrets: ChannelSecrets) -> None:
    bodies = st.one_of(  # a form is UTF-8: no lone surrogates
        st.text(max_size=300), st.sampled_from([t for t in TRICKY if "\ud800" not in t])
    )

    @FUZZ
    @given(
        number=st.from_regex(r"\A\+614[0-9]{8}\Z"),
        body=bodies,
        whatsapp=st.booleans(),
        extra=st.dictionaries(st.text(min_size=1, max_size=8), st.text(max_size=20), max_size=3),
    )
    def post(number: str, body: str, whatsapp: bool, extra: dict[str, str]) -> None:
        form = {**extra, **twilio_form(channel_secrets, number, body, whatsapp)}
        response = post_twilio(
            stack, form, channel_secrets.twilio_auth_token, channel_secrets.twilio_webhook_url
        )
        assert_handled(response)

    post()
    assert_still_answers(stack)


def test_fuzzing_socketio_events(stack: Stack) -> None:
    with socketio_session(stack) as (client, fuzzed, received):
        client.emit("user_uttered", {"message": "hello", "session_id": fuzzed})
        received.get(timeout=REQUEST_TIMEOUT)  # the conversation exists before the fuzzing

        @FUZZ
        @given(
            data=st.one_of(
                json_values,
                st.fixed_dictionaries(
                    {"message": st.one_of(texts, json_values)},
                    optional={"session_id": st.one_of(st.just(fuzzed), json_values),
                              "customData": json_values},
                ),
            )
        )  # fmt: skip
        def emit(data: Any) -> None:
            # One event at a time, as the widget sends them: the server's acknowledgement comes
            # when its handler has finished, so a handler that raises fails here (no ack).
            client.call("user_uttered", data, timeout=REQUEST_TIMEOUT)

        emit()
    with socketio_session(stack) as (client, session, received):
        client.emit("user_uttered", {"message": "can I do pilates?", "session_id": session})
        messages: list[dict[str, Any]] = []
        while not any(m.get("custom", {}).get("type") == "answer" for m in messages):
            messages.append(received.get(timeout=120))
    assert_well_formed(stack, str(widget_conversation(fuzzed)))
