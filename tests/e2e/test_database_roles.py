"""Production servers on their least-privilege database roles, as the deployment files run them.

A Rasa server logs in as the Rasa role and an action server as the actions role (made by
`python -m bot db roles`), each given only its part's secrets: a question is answered from the
knowledge base, the conversation is stored, and "delete my data" removes it.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from bot.channels.conversations import conversation_id
from bot.console.migrate import migrate
from bot.db_roles import apply_roles
from bot.knowledge import repository
from bot.knowledge.schema import KnowledgeSet
from bot.profile import PRODUCTION
from bot.serve import Ports, Stack
from bot.settings import PROJECT_ROOT, Settings
from bot.web.history import read_events
from tests.e2e.conftest import PORTS, REQUEST_TIMEOUT, rest_headers, share_run_secrets

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

ROLE_PORTS = Ports(rasa=PORTS.rasa + 300, actions=PORTS.actions + 300)
PARTS = ("rasa", "web", "actions")


@pytest.fixture
def servers(
    tmp_path: Path,
    settings: Settings,
    knowledge: KnowledgeSet,
    postgres_database: str,
    redis_environment: dict[str, str],
) -> Iterator[tuple[Stack, str]]:
    """An action server and a Rasa server, each on its own role; and the owner's URL."""
    if not (PROJECT_ROOT / "models" / "myositis.tar.gz").exists():
        pytest.fail("no trained model: run the tests through `make test`")
    owner = create_engine(postgres_database, future=True)
    repository.load(owner, knowledge)
    migrate(owner)
    prefix = f"e{uuid.uuid4().hex[:10]}"
    passwords = {part: secrets.token_hex(16) for part in PARTS}
    with owner.begin() as conn:
        apply_roles(conn, passwords, prefix)
    share_run_secrets()
    api_token, action_token = secrets.token_hex(16), secrets.token_hex(16)

    def as_role(part: str) -> Settings:
        url = make_url(postgres_database).set(username=f"{prefix}_{part}", password=passwords[part])
        return replace(settings, database_url=url.render_as_string(hide_password=False))

    stacks = [
        Stack(
            as_role(part),
            ports=ROLE_PORTS,
            profile=PRODUCTION,
            parts=(part,),
            log_dir=tmp_path / part,
            extra_env=redis_environment,
            api_token=api_token,
            action_token=action_token,
        )
        for part in ("actions", "rasa")
    ]
    try:
        for stack in stacks:
            assert stack.problems() == []
            stack.start(300.0)
        yield stacks[1], postgres_database
    finally:
        for stack in reversed(stacks):
            stack.stop()
        names = ", ".join(f"{prefix}_{part}" for part in PARTS)
        with owner.begin() as conn:
            conn.exec_driver_sql(f"DROP OWNED BY {names}")
            conn.exec_driver_sql(f"DROP ROLE {names}")
        owner.dispose()


def _chat(stack: Stack, sender: str, text: str) -> list[dict[str, Any]]:
    response = requests.post(
        f"http://{stack.host}:{stack.ports.rasa}/webhooks/rest/webhook",
        json={"sender": sender, "message": text},
        headers=rest_headers(),
        timeout=REQUEST_TIMEOUT,
    )
    response.raise_for_status()
    messages: list[dict[str, Any]] = response.json()
    return messages


def test_servers_on_their_roles_answer_store_and_forget(servers: tuple[Stack, str]) -> None:
    rasa, owner_url = servers
    sender = f"roles-{uuid.uuid4().hex[:8]}"
    conversation = conversation_id("rest", sender)
    owner = create_engine(owner_url, future=True)

    def stored() -> list[str]:
        with owner.connect() as conn:
            return [event.type_name for event in read_events(conn, [conversation])]

    try:
        replies = _chat(rasa, sender, "is swimming good for me")
        answers = [m["custom"] for m in replies if m.get("custom", {}).get("type") == "answer"]
        assert answers, replies  # the action server read the knowledge base
        assert answers[0]["entries"]
        assert "user" in stored()  # the Rasa server stored the conversation

        asked = _chat(rasa, sender, "please delete my data")
        buttons = [b for m in asked for b in m.get("buttons", [])]
        yes = next(b for b in buttons if "Yes" in b["title"])
        (done,) = [m for m in _chat(rasa, sender, yes["payload"]) if "custom" in m]
        assert done["custom"]["deleted"] is True
        assert stored() == []  # and deleted it, as its role may
    finally:
        owner.dispose()
