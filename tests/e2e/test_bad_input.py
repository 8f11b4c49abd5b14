"""Bad input on every webhook and API of the running assistant: a 4xx or a sensible reply.

The cases here are the table in README.md ("Bad input, limits and tokens"). Every answer is
checked for what matters: never a 5xx, a JSON error saying what is wrong, no stack trace.
"""

from __future__ import annotations

import json
import secrets
import socket
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests

from bot.serve import Stack
from tests.e2e.conftest import REQUEST_TIMEOUT, ChannelSecrets, rest_headers, within_one_window
from tests.e2e.fake_platforms import FakePlatforms
from tests.e2e.platform_requests import (
    post_messenger,
    post_telegram,
    post_twilio,
    socketio_session,
    telegram_text,
    twilio_form,
)

pytestmark = pytest.mark.e2e

LONG = "Can I exercise? " * 6400  # about 100 KB
JSON = {"Content-Type": "application/json"}


def rest(stack: Stack) -> str:
    return f"http://{stack.host}:{stack.ports.rasa}/webhooks/rest/webhook"


def api(stack: Stack, path: str) -> str:
    return f"http://{stack.host}:{stack.ports.rasa}{path}"


def assert_clear_error(response: requests.Response, status: int, says: str) -> None:
    assert response.status_code == status, response.text[:300]
    assert "Traceback" not in response.text
    assert says in response.json()["error"]


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n\n".join(m.get("text", "") for m in messages)


def payload_types(messages: list[dict[str, Any]]) -> list[str]:
    return [m["custom"]["type"] for m in messages if "custom" in m]


@pytest.mark.parametrize(
    ("label", "body", "status", "says"),
    [
        ("malformed JSON", b'{"sender": ', 400, "not valid JSON"),
        ("a JSON list", b'[{"sender": "a", "message": "hi"}]', 400, "must be a JSON object"),
        ("a JSON number", b"42", 400, "must be a JSON object"),
        ("a JSON string", b'"hello"', 400, "must be a JSON object"),
        ("an empty body", b"", 400, "must be a JSON object"),
        ("invalid UTF-8", b'{"sender": "s", "message": "\xff\xfe"}', 400, "not valid JSON"),
        ("no sender", b'{"message": "hi"}', 400, "sender is required"),
        ("no message", b'{"sender": "s1234567"}', 400, "message is required"),
        ("a number as text", b'{"sender": "s1234567", "message": 5}', 400, "must be a string"),
        ("a number as sender", b'{"sender": 5, "message": "hi"}', 400, "must be a string"),
        ("a 5,000-character sender", json.dumps({"sender": "x" * 5000, "message": "hi"}), 400,
         "printable characters"),
        ("metadata a list", b'{"sender": "s1", "message": "hi", "metadata": [1]}', 400,
         "metadata must be a JSON object"),
        ("empty text", b'{"sender": "s1234567", "message": "   "}', 400, "message is empty"),
        ("only control characters", b'{"sender": "s1", "message": "\\u0000\\u001b"}', 400,
         "message is empty"),
        ("100 KB of text", json.dumps({"sender": "s-long", "message": LONG}), 413,
         "at most 2000 characters"),
    ],
)  # fmt: skip
def test_rest_refuses_what_it_cannot_read(
    stack: Stack, label: str, body: bytes | str, status: int, says: str
) -> None:
    response = requests.post(
        rest(stack), data=body, headers={**JSON, **rest_headers()}, timeout=REQUEST_TIMEOUT
    )
    assert_clear_error(response, status, says)


@pytest.mark.parametrize(
    ("label", "text", "expected"),
    [
        ("emoji", "💪🏽 can I do pilates? 🙂", "answer"),
        ("right-to-left text", "هل يمكنني ممارسة الرياضة مع التهاب العضلات؟", None),
        ("control characters", "can I do\x00 pilates?\x1b[0m\x07", "answer"),
        ("a lone surrogate", "can I do pilates? \ud800", "answer"),
        ("a warning sign among emoji", "😰 chest pain when I exercise 😰", "red_flag"),
    ],
)
def test_rest_answers_unusual_text_sensibly(
    stack: Stack, sender: str, label: str, text: str, expected: str | None
) -> None:
    body = json.dumps({"sender": sender, "message": text})  # escapes the surrogate as JSON does
    response = requests.post(
        rest(stack), data=body, headers={**JSON, **rest_headers()}, timeout=REQUEST_TIMEOUT
    )
    assert response.status_code == 200
    assert texts(response.json()).strip(), f"no reply to {label}"
    if expected:
        assert expected in payload_types(response.json())
        assert "Please note:" in texts(response.json())  # the disclaimers came with it
    tracker = requests.get(
        api(stack, f"/conversations/rest:{sender}/tracker"),
        params={"token": stack.api_token},
        timeout=REQUEST_TIMEOUT,
    ).json()
    stored = [e["text"] for e in tracker["events"] if e["event"] == "user"]
    assert stored[-1] == stored[-1].strip()
    assert not any(ch in stored[-1] for ch in "\x00\x1b\x07\ud800")


def test_the_rest_rate_limit_answers_429_with_retry_after(stack: Stack, sender: str) -> None:
    within_one_window()
    statuses = []
    for _ in range(31):
        response = requests.post(
            rest(stack),
            json={"sender": sender, "message": "thanks"},
            headers=rest_headers(),
            timeout=REQUEST_TIMEOUT,
        )
        statuses.append(response.status_code)
    assert statuses == [200] * 30 + [429]
    assert_clear_error(response, 429, "too many messages")
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert response.json()["retry_after"] == int(response.headers["Retry-After"])
    other = requests.post(
        rest(stack),
        json={"sender": sender + "-b", "message": "thanks"},
        headers=rest_headers(),
        timeout=REQUEST_TIMEOUT,
    )
    assert other.status_code == 200  # the limit is per sender


# --- Rasa's HTTP API --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/status"), ("GET", "/conversations/abc/tracker"), ("POST", "/model/parse")],
)
def test_the_http_api_needs_its_token(stack: Stack, method: str, path: str) -> None:
    for params in ({}, {"token": "not-the-token"}, {"token": ""}):
        response = requests.request(
            method, api(stack, path), params=params, json={"text": "hi"}, timeout=REQUEST_TIMEOUT
        )
        assert response.status_code == 401, (params, response.text[:200])
    good = requests.request(
        method,
        api(stack, path),
        params={"token": stack.api_token},
        json={"text": "hi"},
        timeout=REQUEST_TIMEOUT,
    )
    assert good.status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "says"),
    [
        ("POST", "/model/parse", b"[1]", 400, "must be a JSON object"),
        ("POST", "/model/parse", b"{", 400, "not valid JSON"),
        ("POST", "/model/parse", b"7", 400, "must be a JSON object"),
        ("POST", "/model/parse", b'{"text": 5}', 400, "text must be a string"),
        ("POST", "/model/parse", b'{"text": " "}', 400, "text is empty"),
        ("POST", "/conversations/bad1/messages", b"[1]", 400, "must be a JSON object"),
        ("POST", "/conversations/bad1/messages", b'{"text": 5, "sender": "user"}', 400,
         "text must be a string"),
        ("POST", "/conversations/bad1/messages", b'{"text": "hi"}', 400, "sender is required"),
        ("POST", "/conversations/bad1/messages", b'{"text": "a\\u0000", "sender": "user"}', 400,
         "control characters"),
        ("POST", "/conversations/bad1/trigger_intent", b"[1]", 400, "must be a JSON object"),
        ("POST", "/conversations/bad1/trigger_intent", b'{"name": 3}', 400,
         "name must be a string"),
        ("POST", "/conversations/bad1/trigger_intent", b'{"name": "greet", "entities": [1]}', 400,
         "entities must be a JSON object"),
        ("POST", "/conversations/bad1/execute", b'"x"', 400, "must be a JSON object"),
        ("POST", "/model/test/intents", b"[1]", 403, "cannot be changed over HTTP"),
        ("POST", "/model/train", b"{}", 403, "cannot be changed over HTTP"),
        ("PUT", "/model", b'{"model_file": "/tmp/x.tar.gz"}', 403, "cannot be changed"),
        ("DELETE", "/model", b"", 403, "cannot be changed over HTTP"),
    ],
)  # fmt: skip
def test_the_http_api_refuses_bad_bodies_with_400(
    stack: Stack, method: str, path: str, body: bytes, status: int, says: str
) -> None:
    response = requests.request(
        method,
        api(stack, path),
        data=body,
        headers=JSON,
        params={"token": stack.api_token},
        timeout=REQUEST_TIMEOUT,
    )
    assert_clear_error(response, status, says)


def test_rasas_own_validation_still_answers_400(stack: Stack) -> None:
    response = requests.post(
        api(stack, "/conversations/bad1/tracker/events"),
        data=b'{"event": "no-such-event"}',
        headers=JSON,
        params={"token": stack.api_token},
        timeout=REQUEST_TIMEOUT,
    )
    assert response.status_code == 400
    assert "Traceback" not in response.text


# --- the action server -------------------------------------------------------------------------


def test_the_action_server_refuses_calls_without_the_token(stack: Stack) -> None:
    base = f"http://{stack.host}:{stack.ports.actions}"
    assert requests.get(f"{base}/health", timeout=REQUEST_TIMEOUT).status_code == 200
    call: dict[str, Any] = {"next_action": "action_welcome", "sender_id": "x", "tracker": {}}
    right = {"Authorization": f"Bearer {stack.action_token}"}
    refused: list[tuple[dict[str, str], dict[str, str]]] = [
        ({}, {}),
        ({"Authorization": "Bearer wrong"}, {}),
        ({}, {"token": stack.action_token}),  # the URL form, which access logs record
    ]
    for headers, params in refused:
        response = requests.post(
            f"{base}/webhook", json=call, headers=headers, params=params, timeout=10
        )
        assert_clear_error(response, 401, "missing or wrong token")
        listing = requests.get(f"{base}/actions", headers=headers, params=params, timeout=10)
        assert listing.status_code == 401
    listed = requests.get(f"{base}/actions", headers=right, timeout=REQUEST_TIMEOUT)
    assert {"name": "action_answer"} in listed.json()
    wrong_shape = requests.post(
        f"{base}/webhook", data=b"[1]", headers={**JSON, **right}, timeout=REQUEST_TIMEOUT
    )
    assert_clear_error(wrong_shape, 400, "expected an action call")


def listening_addresses(port: int) -> set[str]:
    """The IPv4 addresses something listens on at ``port``, from the kernel's socket table."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, hex_port = local.split(":")
        if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
            found.add(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
    return found


def test_the_action_server_listens_on_loopback_only(stack: Stack) -> None:
    if not Path("/proc/net/tcp").exists():
        pytest.skip("no /proc/net/tcp to read listening sockets from")
    assert listening_addresses(stack.ports.actions) == {"127.0.0.1"}


# --- CORS -------------------------------------------------------------------------------------


def test_cors_allows_only_the_configured_origins(stack: Stack) -> None:
    allowed, unlisted = f"http://{stack.host}:{stack.ports.web}", "https://evil.example"
    history = f"http://{stack.host}:{stack.ports.web}/api/history"
    session = {"X-Session-Secret": uuid.uuid4().hex}
    preflight = {"Access-Control-Request-Method": "POST"}
    for origin, expected in ((allowed, allowed), (unlisted, None)):
        answers = [
            requests.options(rest(stack), headers={"Origin": origin, **preflight}, timeout=10),
            requests.post(
                rest(stack),
                json={"sender": uuid.uuid4().hex, "message": "hi"},
                headers={"Origin": origin, **rest_headers()},
                timeout=REQUEST_TIMEOUT,
            ),
            requests.get(history, headers={"Origin": origin, **session}, timeout=REQUEST_TIMEOUT),
            requests.options(
                history,
                headers={
                    "Origin": origin,
                    "Access-Control-Request-Method": "GET",
                    "Access-Control-Request-Headers": "X-Session-Secret",
                },
                timeout=REQUEST_TIMEOUT,
            ),
        ]
        for response in answers:
            assert response.headers.get("Access-Control-Allow-Origin") == expected, (
                origin,
                response.url,
            )


# --- the web app ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/history", 400),  # no session secret
        ("/console/api/queue", 401),
        ("/console/api/conversations/%00", 401),
    ],
)
def test_the_web_app_answers_bad_paths_with_a_json_4xx(
    stack: Stack, path: str, status: int
) -> None:
    response = requests.get(f"http://{stack.host}:{stack.ports.web}{path}", timeout=REQUEST_TIMEOUT)
    assert response.status_code == status
    assert "Traceback" not in response.text
    assert response.json()


@pytest.mark.parametrize(
    "secret", ["short", "x" * 129, "has space in it and is long enough to pass otherwise", "é" * 40]
)
def test_history_refuses_a_malformed_session_secret(stack: Stack, secret: str) -> None:
    response = requests.get(
        f"http://{stack.host}:{stack.ports.web}/api/history",
        headers={"X-Session-Secret": secret.encode("latin-1")},
        timeout=REQUEST_TIMEOUT,
    )
    assert response.status_code == 400
    assert "X-Session-Secret" in response.json()["error"]


def test_history_of_an_unknown_session_is_empty(stack: Stack) -> None:
    response = requests.get(
        f"http://{stack.host}:{stack.ports.web}/api/history",
        headers={"X-Session-Secret": uuid.uuid4().hex},
        timeout=REQUEST_TIMEOUT,
    )
    assert response.json() == {"messages": []}


# --- the messaging platforms ------------------------------------------------------------------


def test_telegram_bad_bodies_get_400_and_long_text_a_polite_reply(
    stack: Stack, channel_secrets: ChannelSecrets, platforms: FakePlatforms
) -> None:
    url = f"http://{stack.host}:{stack.ports.rasa}/webhooks/telegram/webhook"
    secret = {"X-Telegram-Bot-Api-Secret-Token": channel_secrets.telegram_secret, **JSON}
    for body in (b"{", b"[1, 2]", b"12", b'"update"', b"\xff\xfe"):
        response = requests.post(url, data=body, headers=secret, timeout=REQUEST_TIMEOUT)
        assert_clear_error(response, 400, "expected a Telegram Update object")
    no_text = requests.post(url, json={"update_id": 1, "message": {"chat": {"id": 5}}},
                            headers=secret, timeout=REQUEST_TIMEOUT)  # fmt: skip
    assert no_text.json() == {"status": "ignored"}
    chat_id = 10**9 + secrets.randbelow(10**9)
    response = post_telegram(stack, telegram_text(chat_id, LONG), channel_secrets.telegram_secret)
    assert response.status_code == 200
    sent = [
        c.json["text"]
        for c in platforms.sent("telegram", path_end="/sendMessage")
        if c.json["chat_id"] == str(chat_id)
    ]
    assert len(sent) == 1
    assert "longer than I can read" in sent[0]
    assert "talk to your doctor" in sent[0]


def test_messenger_bad_bodies_get_400(stack: Stack, channel_secrets: ChannelSecrets) -> None:
    secret = channel_secrets.messenger_app_secret
    for notification in ([1], 5, "page", None, {"object": "user"}):
        response = post_messenger(stack, notification, secret)  # type: ignore[arg-type]
        assert_clear_error(response, 400, "expected a Messenger page notification")
    odd = post_messenger(stack, {"object": "page", "entry": 7}, secret)
    assert odd.status_code == 200  # a page notification with nothing to answer


def test_twilio_long_text_gets_a_polite_sms(
    stack: Stack, channel_secrets: ChannelSecrets, platforms: FakePlatforms
) -> None:
    number = f"+6141{secrets.randbelow(10**7):07d}"
    form = twilio_form(channel_secrets, number, LONG)
    response = post_twilio(
        stack, form, channel_secrets.twilio_auth_token, channel_secrets.twilio_webhook_url
    )
    assert response.status_code == 200
    sent = [c.form["Body"] for c in platforms.sent("twilio") if c.form.get("To") == number]
    assert len(sent) == 1
    assert "longer than I can read" in sent[0]
    no_sender = {k: v for k, v in form.items() if k != "From"}
    refused = post_twilio(
        stack, no_sender, channel_secrets.twilio_auth_token, channel_secrets.twilio_webhook_url
    )
    assert_clear_error(refused, 400, "expected a Twilio message with From")


# --- socket.io ------------------------------------------------------------------------------


def test_socketio_survives_malformed_events_and_refuses_long_text(stack: Stack) -> None:
    with socketio_session(stack) as (client, session, received):
        for bad in (
            [1, 2],
            "hello",
            42,
            None,
            {"message": "no session"},
            {"message": 5, "session_id": session},
            {"message": "hi", "session_id": ["a"]},
            {"message": "hi", "session_id": session, "customData": "{not json"},
            {"message": "   ", "session_id": session},
        ):
            client.emit("user_uttered", bad)
        client.emit("user_uttered", {"message": LONG, "session_id": session})
        first = received.get(timeout=60)
        assert "longer than I can read" in first.get("text", "")
        client.emit("user_uttered", {"message": "can I do pilates?", "session_id": session})
        messages: list[dict[str, Any]] = []
        while not any(m.get("custom", {}).get("type") == "answer" for m in messages):
            messages.append(received.get(timeout=60))
    assert payload_types(messages)[-1] == "answer"
