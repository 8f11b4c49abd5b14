"""Who may use each console route, role by role, tried against the real router.

The table below is the policy written out independently of `bot.console.permissions.RULES`: a
route added to the router without a line here (and a rule there) fails the first test, and a
rule that drifts from the policy fails the second.
"""

from __future__ import annotations

import io
from dataclasses import replace
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.cli import main
from bot.console.accounts import Role, find_account
from bot.console.guard import STATIC_PREFIX, is_console, is_public
from bot.console.permissions import RULES
from bot.db import engine_for
from bot.settings import Settings
from bot.web.app import create_app
from tests.console.conftest import (
    ADMIN,
    EDITOR,
    REVIEWER,
    VOLUNTEER,
    csrf_of,
    sign_in,
    store_request_for_a_human,
)
from tests.console.content_helpers import ENTRY, start_draft, submitted_draft

TRIAGE = {"volunteer", "admin"}
READ = {"volunteer", "editor", "reviewer", "admin"}
DRAFT = {"editor", "admin"}
REVIEW = {"reviewer", "admin"}
ADMIN_ONLY = {"admin"}
CONVERSATION = "/console/conversations/{sender_id}"
ENTRY_PAGE = "/console/content/entries/{entry_id}"
DRAFT_PAGE = "/console/content/drafts/{draft_id}"
# (method, route as registered): the roles that may use it. Anonymous never may.
POLICY: dict[tuple[str, str], set[str]] = {
    ("GET", "/console"): READ,
    ("POST", "/console/signout"): READ,
    ("GET", "/console/"): TRIAGE,
    ("GET", CONVERSATION): TRIAGE,
    ("POST", CONVERSATION + "/claim"): TRIAGE,
    ("POST", CONVERSATION + "/handled"): TRIAGE,
    ("POST", CONVERSATION + "/notes"): TRIAGE,
    ("POST", CONVERSATION + "/take-over"): TRIAGE,
    ("POST", CONVERSATION + "/reply"): TRIAGE,
    ("POST", CONVERSATION + "/hand-back"): TRIAGE,
    ("GET", "/console/report"): TRIAGE,
    ("POST", "/console/export"): TRIAGE,
    ("GET", "/console/search"): TRIAGE,
    ("GET", "/console/api/queue"): TRIAGE,
    ("GET", "/console/api/conversations/{sender_id}"): TRIAGE,
    ("GET", "/console/admin/accounts"): ADMIN_ONLY,
    ("POST", "/console/admin/accounts"): ADMIN_ONLY,
    ("POST", "/console/admin/accounts/remove"): ADMIN_ONLY,
    ("GET", "/console/content/"): READ,
    ("GET", "/console/content/due"): READ,
    ("GET", ENTRY_PAGE): READ,
    ("POST", ENTRY_PAGE + "/rollback"): REVIEW,
    ("GET", ENTRY_PAGE + "/edit"): DRAFT,
    ("POST", ENTRY_PAGE + "/edit"): DRAFT,
    ("GET", "/console/content/new"): DRAFT,
    ("POST", "/console/content/new"): DRAFT,
    ("POST", "/console/content/check"): DRAFT,
    ("GET", "/console/content/drafts"): DRAFT,
    ("GET", "/console/content/review"): REVIEW,
    ("GET", DRAFT_PAGE): DRAFT | REVIEW,
    ("POST", DRAFT_PAGE + "/save"): DRAFT,
    ("POST", DRAFT_PAGE + "/submit"): DRAFT,
    ("POST", DRAFT_PAGE + "/approve"): REVIEW,
    ("POST", DRAFT_PAGE + "/send-back"): REVIEW,
}
ROLES = {"volunteer": VOLUNTEER, "editor": EDITOR, "reviewer": REVIEWER, "admin": ADMIN}
REFUSED = "cannot use this page"


def registered_routes(settings: Settings) -> set[tuple[str, str]]:
    """Every console route the app registers, by method and path pattern, static files aside."""
    found = set()
    for route in create_app(settings).router.routes():
        if route.resource is None or route.method == "HEAD":
            continue
        pattern = route.resource.canonical
        static = pattern + "/" == STATIC_PREFIX
        if is_console(pattern) and not (is_public(pattern) or static):
            found.add((route.method, pattern))
    return found


def test_every_route_has_a_rule_and_a_line_in_the_policy(console_settings: Settings) -> None:
    routes = registered_routes(console_settings)
    assert routes - set(POLICY) == set(), "a new route needs a line in POLICY"
    assert routes - set(RULES) == set(), "a new route needs a rule in permissions.RULES"
    assert set(POLICY) == set(RULES) == routes


def _concrete(pattern: str, draft_id: int) -> str:
    return pattern.format(sender_id="someone", entry_id=ENTRY, draft_id=draft_id)


async def _outcome(client: TestClient, method: str, path: str, token: str) -> str:
    data: dict[str, Any] = {"csrf": token} if method == "POST" else {}
    response = await client.request(method, path, data=data or None, allow_redirects=False)
    text = await response.text()
    if response.status in (401, 303) and (
        response.status == 401 or response.headers.get("Location") == "/console/signin"
    ):
        return "signed out"
    if response.status == 403 and REFUSED in text:
        return "refused"
    if path == "/console/" and response.headers.get("Location") == "/console/content/":
        return "refused"  # sent on to the content list instead of the queue
    assert response.status < 500, (method, path, response.status, text[:300])
    return "allowed"


async def test_each_role_reaches_exactly_its_routes(console_settings: Settings) -> None:
    # No Rasa listens on port 9: a handoff that got through would fail fast, not hang.
    settings = replace(console_settings, rasa_url="http://127.0.0.1:9")
    store_request_for_a_human(settings, "someone")
    draft_id = submitted_draft(settings, EDITOR)
    start_draft(settings, EDITOR)  # another open draft, so the editor's pages have something
    routes = sorted(POLICY, key=lambda r: r == ("POST", "/console/signout"))  # sign-out last
    wrong: list[str] = []
    async with TestClient(TestServer(create_app(settings))) as client:
        for method, pattern in routes:
            outcome = await _outcome(client, method, _concrete(pattern, draft_id), "")
            if outcome != "signed out":
                wrong.append(f"anonymous {method} {pattern}: {outcome}")
    for role, email in ROLES.items():
        async with TestClient(TestServer(create_app(settings))) as client:
            assert await sign_in(client, email) == 303
            token = csrf_of(await (await client.get("/console/content/")).text())
            for method, pattern in routes:
                path = _concrete(pattern, draft_id)
                outcome = await _outcome(client, method, path, token)
                if pattern == "/console/signout" and outcome == "signed out":
                    outcome = "allowed"  # what signing out does
                expected = "allowed" if role in POLICY[(method, pattern)] else "refused"
                if outcome != expected:
                    wrong.append(f"{role} {method} {pattern}: {outcome}, expected {expected}")
    assert wrong == []


@pytest.mark.parametrize("role", ["editor", "reviewer"])
async def test_content_roles_start_on_the_content_list(client: TestClient, role: str) -> None:
    assert await sign_in(client, ROLES[role]) == 303
    home = await client.get("/console/", allow_redirects=False)
    assert home.status == 303
    assert home.headers["Location"] == "/console/content/"
    page = await client.get("/console/content/")
    text = await page.text()
    assert "What the assistant says" in text
    assert 'href="/console/report"' not in text  # no links to pages the role cannot open


@pytest.mark.parametrize("role", list(Role))
def test_the_command_line_adds_every_role(
    console_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    role: Role,
) -> None:
    monkeypatch.setenv("DATABASE_URL", console_settings.database_url)
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    email = f"new-{role.value}@example.org"
    assert main(["users", "add", email, "--role", role.value, "--password-stdin"]) == 0
    assert f"added {role.value} {email}" in capsys.readouterr().out
    with engine_for(console_settings.database_url).connect() as conn:
        added = find_account(conn, email)
    assert added is not None
    assert added.role is role


async def test_a_route_without_a_rule_is_refused_even_to_admins(
    console_settings: Settings,
) -> None:
    app = create_app(console_settings)

    async def forgotten(_request: web.Request) -> web.Response:
        return web.Response(text="should not be reached")

    app.router.add_get("/console/forgotten", forgotten)
    async with TestClient(TestServer(app)) as client:
        assert await sign_in(client, ADMIN) == 303
        response = await client.get("/console/forgotten")
        assert response.status == 403
        assert "should not be reached" not in await response.text()
