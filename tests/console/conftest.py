"""A console app on a temporary SQLite database, with one volunteer and one admin."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.console.accounts import Role, add_account
from bot.console.migrate import migrate
from bot.db import engine_for
from bot.knowledge import repository
from bot.knowledge.schema import KnowledgeSet
from bot.settings import Settings, sqlite_url
from bot.web.app import create_app

PASSWORD = "correct horse battery"
VOLUNTEER = "vol@example.org"
ADMIN = "admin@example.org"
CSRF_INPUT = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture
def console_settings(tmp_path: Path, settings: Settings, knowledge: KnowledgeSet) -> Settings:
    configured = replace(
        settings,
        database_url=sqlite_url(tmp_path / "console.db"),
        signin_max_failures_per_account=3,
        signin_max_failures_per_address=5,
    )
    engine = engine_for(configured.database_url)
    migrate(engine)
    repository.load(engine, knowledge)
    with engine.begin() as conn:
        add_account(conn, VOLUNTEER, PASSWORD, Role.VOLUNTEER, "Vera")
        add_account(conn, ADMIN, PASSWORD, Role.ADMIN, "Ada")
    return configured


@pytest.fixture
async def client(console_settings: Settings) -> AsyncIterator[TestClient]:
    async with TestClient(TestServer(create_app(console_settings))) as running:
        yield running


def csrf_of(html: str) -> str:
    found = CSRF_INPUT.search(html)
    assert found, "the page has no CSRF field"
    return found.group(1)


async def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> int:
    page = await client.get("/console/signin")
    token = csrf_of(await page.text())
    response = await client.post(
        "/console/signin",
        data={"email": email, "password": password, "csrf": token},
        allow_redirects=False,
    )
    return response.status
