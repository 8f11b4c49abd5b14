"""Two-step sign-in: a TOTP code after the password, required of admins in production.

The code is checked under the sign-in limits, accepted one step either side of now, never twice,
and the session is opened only after it; the code page cannot be reached without the password.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import replace

import pyotp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import Column, MetaData, Table, insert, inspect, select
from sqlalchemy.engine import Engine

from bot.cli import main
from bot.console import tables, two_step
from bot.console.accounts import Role, add_account, find_account
from bot.console.csrf import csrf_token
from bot.console.guard import CODE_PATH, SIGNIN_PATH
from bot.console.migrate import MIGRATIONS, migrate
from bot.db import engine_for
from bot.profile import DEVELOPMENT, PRODUCTION
from bot.serve import Stack
from bot.settings import REQUIRE_ADMIN_MFA, Settings, load_settings
from bot.web.app import create_app
from tests.console.conftest import (
    ADMIN,
    EDITOR,
    PASSWORD,
    REVIEWER,
    VOLUNTEER,
    csrf_of,
    enrol,
    enter_code,
    sign_in,
)

OTPAUTH = re.compile(r"^otpauth://totp/\S+$", re.MULTILINE)


def session_cookie(client: TestClient) -> str | None:
    return next((c.value for c in client.session.cookie_jar if c.key == "console_session"), None)


async def password_step(client: TestClient, email: str, password: str = PASSWORD) -> int:
    page = await client.get(SIGNIN_PATH)
    response = await client.post(
        SIGNIN_PATH,
        data={"email": email, "password": password, "csrf": csrf_of(await page.text())},
        allow_redirects=False,
    )
    if response.status == 303:
        assert response.headers["Location"] == CODE_PATH
    return response.status


@pytest.fixture
async def production(console_settings: Settings) -> AsyncIterator[TestClient]:
    """The console as the production profile runs it: admins need two-step sign-in."""
    app = create_app(replace(console_settings, require_admin_mfa=True))
    async with TestClient(TestServer(app)) as running:
        yield running


def test_enrol_prints_the_key_once_and_stores_it_encrypted(
    console_settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", console_settings.database_url)
    assert main(["users", "mfa", "enrol", VOLUNTEER]) == 0
    printed = capsys.readouterr().out
    uri = OTPAUTH.search(printed)
    assert uri, printed
    parsed = pyotp.parse_uri(uri.group(0))
    assert isinstance(parsed, pyotp.TOTP)
    assert parsed.name == VOLUNTEER
    assert parsed.issuer == two_step.ISSUER
    assert f"key: {parsed.secret}" in printed
    with engine_for(console_settings.database_url).connect() as conn:
        stored = conn.execute(
            select(tables.users.c.totp_secret).where(tables.users.c.email == VOLUNTEER)
        ).scalar()
    assert stored
    assert parsed.secret not in stored
    assert main(["users", "list"]) == 0
    listed = capsys.readouterr().out
    assert re.search(rf"^{re.escape(VOLUNTEER)} +volunteer +two-step ", listed, re.MULTILINE)
    assert re.search(rf"^{re.escape(ADMIN)} +admin +password only ", listed, re.MULTILINE)


def test_enrol_needs_the_encryption_key(
    console_settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", console_settings.database_url)
    monkeypatch.delenv("ADDRESS_KEY")
    assert main(["users", "mfa", "enrol", VOLUNTEER]) == 1
    captured = capsys.readouterr()
    assert "ADDRESS_KEY is not set" in captured.err
    assert "otpauth" not in captured.out
    with engine_for(console_settings.database_url).connect() as conn:
        account = find_account(conn, VOLUNTEER)
    assert account is not None
    assert not account.two_step


async def test_the_session_opens_only_after_a_correct_code(
    client: TestClient, console_settings: Settings
) -> None:
    secret = enrol(console_settings, VOLUNTEER)
    assert await password_step(client, VOLUNTEER) == 303
    assert session_cookie(client) is None
    assert (await client.get("/console/api/queue")).status == 401
    assert await enter_code(client, pyotp.TOTP(secret).now()) == 303
    assert session_cookie(client)
    assert (await client.get("/console/api/queue")).status == 200
    # The pending sign-in was used up: the code page sends the browser back to the start.
    again = await client.get(CODE_PATH, allow_redirects=False)
    assert again.status == 303
    assert again.headers["Location"] == SIGNIN_PATH


async def test_wrong_codes_are_refused_and_count_against_the_limits(
    client: TestClient, console_settings: Settings
) -> None:
    secret = enrol(console_settings, VOLUNTEER)
    right = pyotp.TOTP(secret).now()
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    assert await password_step(client, VOLUNTEER) == 303
    # The account allows 3 failures in the window (conftest).
    for _ in range(3):
        assert await enter_code(client, wrong) == 401
    assert session_cookie(client) is None
    # Even the right code, and then the right password, are refused until the window passes.
    assert await enter_code(client, right) == 429
    assert await password_step(client, VOLUNTEER) == 429
    assert session_cookie(client) is None


async def test_a_used_code_cannot_be_used_again(
    client: TestClient, console_settings: Settings
) -> None:
    secret = enrol(console_settings, VOLUNTEER)
    code = pyotp.TOTP(secret).now()
    assert await password_step(client, VOLUNTEER) == 303
    assert await enter_code(client, code) == 303
    async with TestClient(TestServer(create_app(console_settings))) as other_browser:
        assert await password_step(other_browser, VOLUNTEER) == 303
        assert await enter_code(other_browser, code) == 401
        assert session_cookie(other_browser) is None


def test_codes_are_accepted_one_step_either_side_and_each_step_once(
    console_settings: Settings,
) -> None:
    secret = enrol(console_settings, VOLUNTEER)
    totp = pyotp.TOTP(secret)
    step = 60_000_000
    now = step * totp.interval + 10.0
    with engine_for(console_settings.database_url).begin() as conn:
        account = find_account(conn, VOLUNTEER)
        assert account is not None

        def check(code_step: int) -> bool:
            return two_step.check_code(conn, account, totp.generate_otp(code_step), now)

        assert not check(step - 2)
        assert not check(step + 2)
        assert check(step - 1)  # a phone a little slow
        assert not check(step - 1)  # the same code again
        assert check(step + 1)  # a phone a little fast
        # A code older than one already used is refused too.
        assert not check(step)
        assert not two_step.check_code(conn, account, "12345", now)
        assert not two_step.check_code(conn, account, "abcdef", now)


async def test_an_admin_without_two_step_cannot_sign_in_in_production(
    production: TestClient, console_settings: Settings
) -> None:
    page = await production.get(SIGNIN_PATH)
    refused = await production.post(
        SIGNIN_PATH,
        data={"email": ADMIN, "password": PASSWORD, "csrf": csrf_of(await page.text())},
        allow_redirects=False,
    )
    assert refused.status == 403
    assert "python -m bot users mfa enrol" in await refused.text()
    assert session_cookie(production) is None
    assert (await production.get("/console/admin/accounts", allow_redirects=False)).status == 303
    # Volunteers may still sign in with a password alone; the admin once enrolled.
    assert await sign_in(production, VOLUNTEER) == 303
    secret = enrol(console_settings, ADMIN)
    assert await sign_in(production, ADMIN, secret=secret) == 303
    listing = await production.get("/console/admin/accounts")
    assert listing.status == 200
    rows = await listing.text()
    assert f"<td>{ADMIN}</td><td>Ada</td><td>admin</td><td>on</td>" in rows
    assert f"<td>{VOLUNTEER}</td><td>Vera</td><td>volunteer</td><td>off</td>" in rows


async def test_reviewers_need_two_step_in_production_editors_do_not(
    production: TestClient, console_settings: Settings
) -> None:
    # A reviewer's approval publishes what patients read, so a password alone must not do it.
    assert await sign_in(production, REVIEWER) == 403
    assert session_cookie(production) is None
    assert await sign_in(production, EDITOR) == 303
    secret = enrol(console_settings, REVIEWER)
    assert await sign_in(production, REVIEWER, secret=secret) == 303


async def test_without_the_production_profile_two_step_is_optional_until_enrolled(
    client: TestClient, console_settings: Settings
) -> None:
    assert await sign_in(client, VOLUNTEER) == 303
    assert await sign_in(client, ADMIN) == 303
    enrol(console_settings, VOLUNTEER)
    assert await password_step(client, VOLUNTEER) == 303  # to the code page, no session
    with engine_for(console_settings.database_url).begin() as conn:
        assert two_step.remove(conn, VOLUNTEER)
    assert await sign_in(client, VOLUNTEER) == 303


async def test_the_code_page_needs_the_password_step(
    client: TestClient, console_settings: Settings
) -> None:
    secret = enrol(console_settings, VOLUNTEER)
    code = pyotp.TOTP(secret).now()
    page = await client.get(CODE_PATH, allow_redirects=False)
    assert page.status == 303
    assert page.headers["Location"] == SIGNIN_PATH
    # No pending cookie: the CSRF check refuses the form.
    unbound = await client.post(CODE_PATH, data={"code": code}, allow_redirects=False)
    assert unbound.status == 403
    # A made-up pending token passes CSRF (the attacker chose both) but signs nobody in.
    made_up = "a-token-the-attacker-made-up"
    client.session.cookie_jar.update_cookies({"console_pending": made_up})
    forged = await client.post(
        CODE_PATH, data={"code": code, "csrf": csrf_token(made_up)}, allow_redirects=False
    )
    assert forged.status == 303
    assert forged.headers["Location"] == SIGNIN_PATH
    assert session_cookie(client) is None
    # The wrong password does not lead to the code page either.
    assert await password_step(client, VOLUNTEER, "wrong password!") == 401
    assert (await client.get(CODE_PATH, allow_redirects=False)).status == 303


async def test_a_secret_the_server_cannot_read_is_reported_not_counted(
    client: TestClient, console_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = enrol(console_settings, VOLUNTEER)
    monkeypatch.setenv("ADDRESS_KEY", "another key: the deployment changed it")
    assert await password_step(client, VOLUNTEER) == 303
    for _ in range(4):
        assert await enter_code(client, pyotp.TOTP(secret).now()) == 500
    page = await client.get(CODE_PATH)
    assert "Sign-in code" in await page.text()


def test_enrolling_ends_the_accounts_sessions(console_settings: Settings) -> None:
    from bot.console.sessions import open_session, session_account

    with engine_for(console_settings.database_url).begin() as conn:
        account = find_account(conn, VOLUNTEER)
        assert account is not None
        token = open_session(conn, account, 1000.0, 3600)
        two_step.enrol(conn, VOLUNTEER)
        assert session_account(conn, token, 1001.0) is None


def test_the_production_profile_requires_admin_two_step(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(REQUIRE_ADMIN_MFA, "0")  # the profile wins over the environment
    assert Stack(settings, profile=PRODUCTION).environment()[REQUIRE_ADMIN_MFA] == "1"
    assert Stack(settings, profile=DEVELOPMENT).environment()[REQUIRE_ADMIN_MFA] == "0"
    assert not load_settings().require_admin_mfa
    monkeypatch.setenv(REQUIRE_ADMIN_MFA, "1")
    assert load_settings().require_admin_mfa


def test_the_migration_adds_two_step_to_an_older_database(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ADDRESS_KEY", "a test key that is long enough to be realistic")
    # The accounts table as migration 1 first made it, before the TOTP columns.
    old = MetaData()
    kept = [c for c in tables.users.c if not c.name.startswith("totp_")]
    Table(
        tables.users.name, old, *(Column(c.name, c.type, primary_key=c.primary_key) for c in kept)
    )
    old.create_all(engine)
    first = [tables.schema_versions, tables.sessions, tables.signin_attempts, tables.cases]
    tables.metadata.create_all(engine, tables=[*first, tables.notes])
    with engine.begin() as conn:
        conn.execute(
            insert(tables.schema_versions).values(version=1, description="old", applied_at=0.0)
        )
    assert [step.version for step in migrate(engine)] == [m.version for m in MIGRATIONS[1:]]
    columns = {c["name"] for c in inspect(engine).get_columns(tables.users.name)}
    assert {"totp_secret", "totp_last_step"} <= columns
    assert tables.pending_signins.name in inspect(engine).get_table_names()
    with engine.begin() as conn:
        add_account(conn, VOLUNTEER, PASSWORD, Role.VOLUNTEER)
        assert two_step.enrol(conn, VOLUNTEER).secret
    assert migrate(engine) == []


async def test_over_https_the_pending_cookie_is_host_prefixed(
    client: TestClient, console_settings: Settings
) -> None:
    secret = enrol(console_settings, VOLUNTEER)
    https = {"X-Forwarded-Proto": "https"}
    page = await client.get(SIGNIN_PATH, headers=https)
    presign = page.cookies["__Host-console_presign"].value
    password = await client.post(
        SIGNIN_PATH,
        data={"email": VOLUNTEER, "password": PASSWORD, "csrf": csrf_of(await page.text())},
        headers={**https, "Cookie": f"__Host-console_presign={presign}"},
        allow_redirects=False,
    )
    assert password.status == 303
    pending = password.cookies["__Host-console_pending"]
    assert pending["secure"]
    assert pending["httponly"]
    assert pending["path"] == "/"
    # The unprefixed name (what a sibling subdomain could toss) is not read over HTTPS.
    tossed = await client.get(
        CODE_PATH,
        headers={**https, "Cookie": f"console_pending={pending.value}"},
        allow_redirects=False,
    )
    assert tossed.status == 303
    cookie = {**https, "Cookie": f"__Host-console_pending={pending.value}"}
    form = await client.get(CODE_PATH, headers=cookie)
    assert form.status == 200
    signed_in = await client.post(
        CODE_PATH,
        data={"code": pyotp.TOTP(secret).now(), "csrf": csrf_of(await form.text())},
        headers=cookie,
        allow_redirects=False,
    )
    assert signed_in.status == 303
    assert signed_in.cookies["__Host-console_session"]["secure"]
