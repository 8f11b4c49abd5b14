"""Over HTTPS the console's cookies carry the `__Host-` prefix.

A browser accepts a `__Host-` cookie only from this exact host, over HTTPS, for Path=/ and with
no Domain, so a sibling subdomain cannot plant a known pre-sign-in cookie (login CSRF).
"""

from __future__ import annotations

from http.cookies import SimpleCookie

from aiohttp.test_utils import TestClient

from bot.console.csrf import csrf_token
from tests.console.conftest import PASSWORD, VOLUNTEER, csrf_of

BEHIND_TLS = {"X-Forwarded-Proto": "https"}


def set_cookies(headers: object) -> SimpleCookie:
    jar: SimpleCookie = SimpleCookie()
    for value in headers.getall("Set-Cookie", []):  # type: ignore[attr-defined]
        jar.load(value)
    return jar


async def test_https_cookies_are_host_prefixed_and_work(client: TestClient) -> None:
    page = await client.get("/console/signin", headers=BEHIND_TLS)
    presign = set_cookies(page.headers)
    assert list(presign) == ["__Host-console_presign"]
    cookie = presign["__Host-console_presign"]
    assert cookie["secure"]
    assert cookie["path"] == "/"
    assert not cookie["domain"]
    signed_in = await client.post(
        "/console/signin",
        data={"email": VOLUNTEER, "password": PASSWORD, "csrf": csrf_of(await page.text())},
        headers={**BEHIND_TLS, "Cookie": f"__Host-console_presign={cookie.value}"},
        allow_redirects=False,
    )
    assert signed_in.status == 303
    session = set_cookies(signed_in.headers)["__Host-console_session"]
    assert session["secure"]
    assert session["path"] == "/"
    queue = await client.get(
        "/console/",
        headers={**BEHIND_TLS, "Cookie": f"__Host-console_session={session.value}"},
        allow_redirects=False,
    )
    assert queue.status == 200


async def test_a_tossed_unprefixed_cookie_does_not_pass_the_csrf_check(client: TestClient) -> None:
    # A sibling subdomain sets console_presign to a value it knows, so it can work out the form's
    # token and sign the victim's browser in to the attacker's account (login CSRF).
    tossed = "known-value-from-a-sibling"
    forged = await client.post(
        "/console/signin",
        data={"email": VOLUNTEER, "password": PASSWORD, "csrf": csrf_token(tossed)},
        headers={**BEHIND_TLS, "Cookie": f"console_presign={tossed}"},
        allow_redirects=False,
    )
    assert forged.status == 403
