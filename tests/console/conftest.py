"""A console app on a temporary SQLite database, with an account of every role."""

from __future__ import annotations

import json
import re
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pyotp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.console import two_step
from bot.console.accounts import Role, add_account
from bot.console.guard import CODE_PATH
from bot.console.migrate import migrate
from bot.db import engine_for
from bot.knowledge import repository
from bot.knowledge.schema import KnowledgeSet
from bot.settings import Settings, sqlite_url
from bot.web.app import create_app

PASSWORD = "correct horse battery"
VOLUNTEER = "vol@example.org"
ADMIN = "admin@example.org"
EDITOR = "editor@example.org"
REVIEWER = "reviewer@example.org"
# A second clinical reviewer, to race the first.
REVIEWER_TWO = "reviewer2@example.org"
CSRF_INPUT = re.compile(r'name="csrf" value="([^"]+)"')


def prepare_console_database(database_url: str, knowledge: KnowledgeSet) -> None:
    """Migrate, load the knowledge base and add an account of every role."""
    engine = engine_for(database_url)
    migrate(engine)
    repository.load(engine, knowledge)
    with engine.begin() as conn:
        add_account(conn, VOLUNTEER, PASSWORD, Role.VOLUNTEER, "Vera")
        add_account(conn, ADMIN, PASSWORD, Role.ADMIN, "Ada")
        add_account(conn, EDITOR, PASSWORD, Role.EDITOR, "Eddie")
        add_account(conn, REVIEWER, PASSWORD, Role.REVIEWER, "Rosa")
        add_account(conn, REVIEWER_TWO, PASSWORD, Role.REVIEWER, "Rhys")


@pytest.fixture
def console_settings(
    tmp_path: Path, settings: Settings, knowledge: KnowledgeSet, monkeypatch: pytest.MonkeyPatch
) -> Settings:
    # Two-step secrets are stored encrypted with ADDRESS_KEY.
    monkeypatch.setenv("ADDRESS_KEY", "a test key that is long enough to be realistic")
    configured = replace(
        settings,
        database_url=sqlite_url(tmp_path / "console.db"),
        signin_max_failures_per_account=3,
        signin_max_failures_per_address=5,
    )
    prepare_console_database(configured.database_url, knowledge)
    return configured


@pytest.fixture
async def client(console_settings: Settings) -> AsyncIterator[TestClient]:
    async with TestClient(TestServer(create_app(console_settings))) as running:
        yield running


def csrf_of(html: str) -> str:
    found = CSRF_INPUT.search(html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def enrol(settings: Settings, email: str) -> str:
    """Turn two-step sign-in on for ``email`` and return the key its authenticator app keeps."""
    with engine_for(settings.database_url).begin() as conn:
        return two_step.enrol(conn, email).secret


async def sign_in(
    client: TestClient, email: str, password: str = PASSWORD, secret: str | None = None
) -> int:
    """Sign in and return the last status; an enrolled account's code is made from ``secret``."""
    page = await client.get("/console/signin")
    token = csrf_of(await page.text())
    response = await client.post(
        "/console/signin",
        data={"email": email, "password": password, "csrf": token},
        allow_redirects=False,
    )
    if response.status == 303 and response.headers["Location"] == CODE_PATH:
        assert secret, f"{email} has two-step sign-in: pass its secret"
        return await enter_code(client, pyotp.TOTP(secret).now())
    return response.status


async def enter_code(client: TestClient, code: str) -> int:
    """Submit ``code`` on the code page (reached after the password) and return the status."""
    page = await client.get(CODE_PATH, allow_redirects=False)
    assert page.status == 200, "the code page needs the password step first"
    response = await client.post(
        CODE_PATH, data={"code": code, "csrf": csrf_of(await page.text())}, allow_redirects=False
    )
    return response.status


def store_request_for_a_human(settings: Settings, sender_id: str) -> None:
    """Store one user message asking for a person, as Rasa would (the events table included)."""
    from bot.web.history import events

    engine = engine_for(settings.database_url)
    events.metadata.create_all(engine, tables=[events])
    data: dict[str, object] = {"event": "user", "text": "can I talk to a human"}
    data["timestamp"] = time.time()
    data["parse_data"] = {"intent": {"name": "ask_human", "confidence": 0.99}, "entities": []}
    with engine.begin() as conn:
        conn.execute(
            events.insert().values(
                sender_id=sender_id, type_name="user", timestamp=time.time(), data=json.dumps(data)
            )
        )
