"""Signed-out browsers, volunteers on admin pages and forged forms are all refused."""

from __future__ import annotations

from http.cookies import SimpleCookie

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.console.guard import is_console, is_public
from bot.settings import Settings
from bot.web.app import create_app
from tests.console.conftest import ADMIN, VOLUNTEER, csrf_of, sign_in

Client = TestClient


def console_routes() -> list[tuple[str, str]]:
    """Every console route the app registers (placeholders filled), static files aside."""
    from bot.settings import load_settings

    routes = []
    for route in create_app(load_settings()).router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter") or info.get("prefix", "")
        if not is_console(path) or route.method == "HEAD":
            continue
        routes.append((route.method, path.replace("{sender_id}", "someone")))
    return sorted(set(routes))


ROUTES = console_routes()
PROTECTED = [(m, p) for m, p in ROUTES if not is_public(p)]


def test_the_route_list_covers_the_console() -> None:
    paths = {p for _, p in PROTECTED}
    assert "/console/" in paths
    assert "/console/api/queue" in paths
    assert "/console/admin/accounts" in paths
    assert len(PROTECTED) >= 18


@pytest.mark.parametrize(("method", "path"), PROTECTED)
async def test_signed_out_is_refused(client: Client, method: str, path: str) -> None:
    response = await client.request(method, path, allow_redirects=False)
    if path.startswith("/console/api/"):
        assert response.status == 401
    else:
        assert response.status == 303
        assert response.headers["Location"] == "/console/signin"
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize(("method", "path"), PROTECTED)
async def test_a_forged_session_cookie_is_refused(client: Client, method: str, path: str) -> None:
    client.session.cookie_jar.update_cookies({"console_session": "made-up"})
    response = await client.request(method, path, allow_redirects=False)
    assert response.status in (401, 303)


@pytest.mark.parametrize(("method", "path"), [(m, p) for m, p in PROTECTED if "/admin/" in p])
async def test_volunteers_cannot_reach_admin_routes(client: Client, method: str, path: str) -> None:
    assert await sign_in(client, VOLUNTEER) == 303
    response = await client.request(method, path, allow_redirects=False)
    assert response.status == 403


async def test_admins_manage_accounts(client: Client) -> None:
    assert await sign_in(client, ADMIN) == 303
    page = await client.get("/console/admin/accounts")
    assert page.status == 200
    token = csrf_of(await page.text())
    added = await client.post(
        "/console/admin/accounts",
        data={
            "csrf": token,
            "email": "new@example.org",
            "password": "a long enough password",
            "role": "volunteer",
            "name": "Nia",
        },
        allow_redirects=False,
    )
    assert added.status == 303
    assert "new@example.org" in await (await client.get("/console/admin/accounts")).text()
    removed = await client.post(
        "/console/admin/accounts/remove",
        data={"csrf": token, "email": "new@example.org"},
        allow_redirects=False,
    )
    assert removed.status == 303
    assert "new@example.org" not in await (await client.get("/console/admin/accounts")).text()


@pytest.mark.parametrize(("method", "path"), [(m, p) for m, p in PROTECTED if m == "POST"])
async def test_posts_without_a_valid_csrf_token_are_refused(
    client: Client, method: str, path: str
) -> None:
    assert await sign_in(client, ADMIN) == 303
    missing = await client.post(path, data={"email": "x@example.org"}, allow_redirects=False)
    assert missing.status == 403
    wrong = await client.post(path, data={"csrf": "0" * 64}, allow_redirects=False)
    assert wrong.status == 403


async def test_signin_needs_its_csrf_token(client: Client) -> None:
    await client.get("/console/signin")
    response = await client.post(
        "/console/signin",
        data={"email": VOLUNTEER, "password": "correct horse battery", "csrf": "forged"},
        allow_redirects=False,
    )
    assert response.status == 403
    assert "console_session" not in {c.key for c in client.session.cookie_jar}


async def test_signed_in_pages_and_sign_out(client: Client) -> None:
    assert await sign_in(client, VOLUNTEER) == 303
    queue = await client.get("/console/", allow_redirects=False)
    assert queue.status == 200
    assert "Conversations needing a person" in await queue.text()
    api = await client.get("/console/api/queue")
    assert api.status == 200
    assert (await api.json()) == {"cases": []}
    token = csrf_of(await queue.text())
    out = await client.post("/console/signout", data={"csrf": token}, allow_redirects=False)
    assert out.status == 303
    # The server forgot the session: the old cookie value no longer works either.
    assert (await client.get("/console/api/queue")).status == 401


def _set_cookie(headers: object, name: str) -> str:
    values = [v for v in headers.getall("Set-Cookie", []) if v.startswith(name + "=")]  # type: ignore[attr-defined]
    assert values, f"no {name} cookie set"
    return str(values[-1])


async def test_session_cookie_flags_over_http(client: Client) -> None:
    page = await client.get("/console/signin")
    token = csrf_of(await page.text())
    response = await client.post(
        "/console/signin",
        data={"email": VOLUNTEER, "password": "correct horse battery", "csrf": token},
        allow_redirects=False,
    )
    cookie = SimpleCookie(_set_cookie(response.headers, "console_session"))["console_session"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Strict"
    assert cookie["path"] == "/console"
    assert not cookie["secure"]


async def test_session_cookie_is_secure_behind_https(client: Client) -> None:
    https = {"X-Forwarded-Proto": "https"}
    page = await client.get("/console/signin", headers=https)
    token = csrf_of(await page.text())
    presign_name = "__Host-console_presign"
    presign = SimpleCookie(_set_cookie(page.headers, presign_name))[presign_name]
    assert presign["secure"]
    # The client's jar keeps a Secure cookie from plain http, as a browser would; the proxy's
    # browser would send it over https.
    response = await client.post(
        "/console/signin",
        data={"email": VOLUNTEER, "password": "correct horse battery", "csrf": token},
        headers={**https, "Cookie": f"{presign_name}={presign.value}"},
        allow_redirects=False,
    )
    session_name = "__Host-console_session"
    cookie = SimpleCookie(_set_cookie(response.headers, session_name))[session_name]
    assert cookie["secure"]
    assert cookie["httponly"]


async def test_only_a_hash_of_the_session_token_is_stored(
    client: Client, console_settings: Settings
) -> None:
    from sqlalchemy import select

    from bot.console import tables
    from bot.console.sessions import token_hash
    from bot.db import engine_for

    assert await sign_in(client, VOLUNTEER) == 303
    token = next(c.value for c in client.session.cookie_jar if c.key == "console_session")
    with engine_for(console_settings.database_url).connect() as conn:
        stored = list(conn.execute(select(tables.sessions.c.token_hash)).scalars())
    assert stored == [token_hash(token)]
    assert token not in stored


async def test_signin_is_rate_limited_per_account(client: Client) -> None:
    for _ in range(3):
        assert await sign_in(client, VOLUNTEER, "wrong password!") == 401
    # Even the right password is refused until the window passes.
    assert await sign_in(client, VOLUNTEER) == 429
    assert await sign_in(client, ADMIN) == 303


async def test_signin_is_rate_limited_per_address(client: Client) -> None:
    for n in range(5):
        assert await sign_in(client, f"nobody{n}@example.org", "wrong password!") == 401
    assert await sign_in(client, ADMIN) == 429


async def test_limits_are_shared_through_the_database(
    client: Client, console_settings: Settings
) -> None:
    for _ in range(3):
        assert await sign_in(client, VOLUNTEER, "wrong password!") == 401
    async with TestClient(TestServer(create_app(console_settings))) as other_instance:
        assert await sign_in(other_instance, VOLUNTEER) == 429


async def test_a_second_migration_run_changes_nothing(console_settings: Settings) -> None:
    from bot.console.migrate import MIGRATIONS, migrate
    from bot.db import engine_for

    assert migrate(engine_for(console_settings.database_url)) == []
    assert MIGRATIONS[0].version == 1


# Other spellings of the admin pages that a router or a proxy might map onto them.
ADMIN_SPELLINGS = [
    "/console/%61dmin/accounts",
    "/console/admin%2Faccounts",
    "/console//admin/accounts",
    "/console/./admin/accounts",
    "/console/x/../admin/accounts",
    "/console/ADMIN/accounts",
    "/console/Admin/accounts",
    "/console/admin/accounts/",
    "/console/admin/./accounts",
    "/console/admin/accounts?x=1",
    "/console/admin/accounts%00",
]


@pytest.mark.parametrize("path", ADMIN_SPELLINGS)
async def test_no_spelling_of_an_admin_page_opens_it_to_a_volunteer(
    client: Client, path: str
) -> None:
    assert await sign_in(client, VOLUNTEER) == 303
    response = await client.get(path, allow_redirects=False)
    assert response.status in {403, 404}, (path, response.status)
    assert "add an account" not in (await response.text()).lower()
