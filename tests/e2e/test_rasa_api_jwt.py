"""The running Rasa server takes the console's JWTs for their own conversation only, for a minute.

The console (bot/console/rasa_client.py) signs a JWT per call with RASA_JWT_SECRET; the Rasa
server is given the secret by its launcher (bot/rasa_server.py). A JWT read from a log or a proxy
must open nothing else: no other conversation, nothing after it expires, and a JWT signed with
another key nothing at all. Neither the JWT secret nor the API token is on a command line.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import jwt
import pytest
import requests

from bot.channels.conversations import conversation_id
from bot.console.rasa_client import JWT_LIFETIME_SECONDS, conversation_jwt
from bot.rasa_server import JWT_LEEWAY_SECONDS
from bot.serve import Stack
from tests.e2e.conftest import REQUEST_TIMEOUT

pytestmark = pytest.mark.e2e

SLOT = [{"event": "slot", "name": "volunteer", "value": None}]


def append(stack: Stack, conversation: str, token: str) -> requests.Response:
    """Append a harmless event to ``conversation`` with ``token`` as the bearer JWT."""
    return requests.post(
        f"http://{stack.host}:{stack.ports.rasa}/conversations/{conversation}/tracker/events",
        json=SLOT,
        headers={"Authorization": f"Bearer {token}"},
        timeout=REQUEST_TIMEOUT,
    )


def jwt_secret(stack: Stack) -> str:
    return stack.run_secrets["RASA_JWT_SECRET"]


def new_conversation() -> str:
    return conversation_id("rest", f"jwt-{uuid.uuid4().hex[:10]}")


def test_a_console_jwt_opens_its_own_conversation(stack: Stack) -> None:
    conversation = new_conversation()
    response = append(stack, conversation, conversation_jwt(jwt_secret(stack), conversation))
    assert response.status_code == 200, response.text
    assert response.json()["sender_id"] == conversation


def test_a_jwt_for_one_conversation_cannot_touch_another(stack: Stack) -> None:
    mine, theirs = new_conversation(), new_conversation()
    token = conversation_jwt(jwt_secret(stack), mine)
    assert append(stack, theirs, token).status_code == 403
    rasa = f"http://{stack.host}:{stack.ports.rasa}"
    headers = {"Authorization": f"Bearer {token}"}
    for path in (f"/conversations/{theirs}/tracker", "/status"):
        response = requests.get(f"{rasa}{path}", headers=headers, timeout=REQUEST_TIMEOUT)
        assert response.status_code == 403, path


def test_an_expired_jwt_is_refused(stack: Stack) -> None:
    # Past its expiry by more than the leeway, yet well within sanic-jwt's default of 180 s.
    conversation = new_conversation()
    issued = time.time() - JWT_LIFETIME_SECONDS - JWT_LEEWAY_SECONDS - 30
    expired = conversation_jwt(jwt_secret(stack), conversation, now=issued)
    assert append(stack, conversation, expired).status_code == 401


def test_a_jwt_signed_with_another_key_is_refused(stack: Stack) -> None:
    conversation = new_conversation()
    forged = conversation_jwt("not-the-servers-secret-but-as-long-as-one", conversation)
    assert append(stack, conversation, forged).status_code == 401
    # An unsigned admin JWT (algorithm "none"): sanic-jwt lets PyJWT's InvalidAlgorithmError
    # through, so Rasa answers 500, but appends nothing.
    admin = {"user": {"username": conversation, "role": "admin"}, "exp": int(time.time()) + 60}
    unsigned = jwt.encode(admin, "", algorithm="none")
    assert append(stack, conversation, unsigned).status_code in {401, 500}
    tracker = requests.get(
        f"http://{stack.host}:{stack.ports.rasa}/conversations/{conversation}/tracker",
        params={"token": stack.api_token},
        timeout=REQUEST_TIMEOUT,
    )
    assert tracker.status_code == 200
    assert not [e for e in tracker.json()["events"] if e["event"] == "slot"]


def test_no_secret_of_rasas_http_api_is_on_its_command_line(stack: Stack) -> None:
    # Any local user can read /proc/<pid>/cmdline; the launcher adds the secrets inside Rasa.
    rasa = next(s for s in stack.servers if s.name == "rasa")
    assert rasa.process is not None
    command_line = Path(f"/proc/{rasa.process.pid}/cmdline").read_bytes().decode()
    assert "bot.rasa_server" in command_line
    for secret in (stack.api_token, jwt_secret(stack)):
        assert secret
        assert secret not in command_line
