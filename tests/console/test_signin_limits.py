"""Sign-in limits an attacker can neither dodge nor turn against a volunteer.

The client address is the right-most hop the trusted proxies added to X-Forwarded-For (hops a
client writes itself come first and are ignored); concurrent attempts cannot all slip past the
count; and failures from one address do not lock the account for everyone else.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer, make_mocked_request

from bot.console.guard import CONSOLE_SETTINGS_KEY, client_address
from bot.settings import Settings
from bot.web.app import create_app
from tests.console.conftest import ADMIN, PASSWORD, VOLUNTEER, csrf_of


def request_from(settings: Settings, forwarded: str | None) -> web.Request:
    app = web.Application()
    app[CONSOLE_SETTINGS_KEY] = settings
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    request = make_mocked_request("POST", "/console/signin", headers=headers, app=app)
    return request.clone(remote="127.0.0.1")


@pytest.mark.parametrize(
    ("proxies", "forwarded", "address"),
    [
        # No trusted proxy: the socket's peer, whatever the header says.
        (0, "203.0.113.9", "127.0.0.1"),
        # One proxy (nginx) that replaces the header: its only hop.
        (1, "203.0.113.9", "203.0.113.9"),
        # A proxy that appends: the client's own hops come first and do not count.
        (1, "6.6.6.6, 7.7.7.7, 203.0.113.9", "203.0.113.9"),
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        # Fewer hops than proxies: the header did not come through them all.
        (2, "203.0.113.9", "127.0.0.1"),
        (1, "", "127.0.0.1"),
        (1, None, "127.0.0.1"),
    ],
)
def test_the_address_is_the_right_most_trusted_hop(
    console_settings: Settings, proxies: int, forwarded: str | None, address: str
) -> None:
    settings = replace(console_settings, trusted_proxy_count=proxies)
    request = request_from(settings, forwarded)
    assert client_address(request) == address


async def attempt(client: TestClient, email: str, password: str, address: str) -> int:
    headers = {"X-Forwarded-For": address}
    page = await client.get("/console/signin", headers=headers)
    response = await client.post(
        "/console/signin",
        data={"email": email, "password": password, "csrf": csrf_of(await page.text())},
        headers=headers,
        allow_redirects=False,
    )
    return response.status


@pytest.fixture
async def behind_proxy(console_settings: Settings) -> AsyncIterator[TestClient]:
    app = create_app(replace(console_settings, trusted_proxy_count=1))
    async with TestClient(TestServer(app)) as running:
        yield running


async def test_a_made_up_first_hop_does_not_dodge_the_address_limit(
    behind_proxy: TestClient,
) -> None:
    # nginx appending the real address (198.51.100.7) to a header the attacker wrote.
    for n in range(5):
        spoofed = f"10.9.{n}.1, 198.51.100.7"
        assert await attempt(behind_proxy, f"x{n}@example.org", "wrong password!", spoofed) == 401
    assert await attempt(behind_proxy, ADMIN, PASSWORD, "10.9.99.1, 198.51.100.7") == 429


async def test_concurrent_attempts_cannot_all_pass_the_count(behind_proxy: TestClient) -> None:
    statuses = await asyncio.gather(
        *(attempt(behind_proxy, VOLUNTEER, "wrong password!", "198.51.100.7") for _ in range(12))
    )
    # The account allows 3 failures in the window: the others are refused unchecked.
    assert statuses.count(401) <= 3
    assert statuses.count(429) >= 9


async def test_failures_from_one_address_do_not_lock_the_volunteer_out(
    behind_proxy: TestClient,
) -> None:
    for _ in range(4):
        await attempt(behind_proxy, VOLUNTEER, "wrong password!", "198.51.100.7")
    assert await attempt(behind_proxy, VOLUNTEER, PASSWORD, "198.51.100.7") == 429
    assert await attempt(behind_proxy, VOLUNTEER, PASSWORD, "192.0.2.44") == 303


@pytest.mark.parametrize("forwarded", ["\xff", "é" * 40])
async def test_an_odd_forwarded_header_is_a_plain_attempt_not_an_error(
    behind_proxy: TestClient, forwarded: str
) -> None:
    assert await attempt(behind_proxy, VOLUNTEER, "wrong password", forwarded) in {401, 403, 200}


async def test_a_body_larger_than_any_form_is_refused_before_sign_in(
    behind_proxy: TestClient,
) -> None:
    page = await behind_proxy.get("/console/signin")
    response = await behind_proxy.post(
        "/console/signin",
        data={"email": VOLUNTEER, "password": "x" * 100_000, "csrf": csrf_of(await page.text())},
    )
    assert response.status == 413
