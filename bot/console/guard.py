"""The console's front door: every console request passes here before its handler.

One middleware, not per-handler decorators, so a route added later cannot forget it: it sets the
security headers, requires a live session (sign-in page for pages, 401 for the API), refuses a
route the account's role may not use (403, by the table in `bot.console.permissions`; a route
with no rule is refused to everyone) and refuses any form or API write without the CSRF token
(403).
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot import proxies
from bot.console import permissions
from bot.console.accounts import Account
from bot.console.csrf import csrf_token, csrf_valid
from bot.console.sessions import session_account
from bot.db import engine_for
from bot.settings import Settings

PREFIX = "/console"
SIGNIN_PATH = "/console/signin"
# The second step of sign-in: the TOTP code, for a browser whose password was right.
CODE_PATH = "/console/signin/code"
STATIC_PREFIX = "/console/static/"
API_PREFIX = "/console/api/"
SESSION_COOKIE = "console_session"
# Before sign-in the sign-in form's CSRF token is bound to this random cookie instead.
PRESIGN_COOKIE = "console_presign"
# Between the password and the code, the pending sign-in's token (bot/console/two_step.py).
PENDING_COOKIE = "console_pending"
# The signed-out forms, and the cookie each one's CSRF token is bound to.
PUBLIC_FORMS = {SIGNIN_PATH: PRESIGN_COOKIE, CODE_PATH: PENDING_COOKIE}
CSRF_FIELD = "csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CONSOLE_SETTINGS_KEY = web.AppKey("console_settings", Settings)
ACCOUNT = "console_account"
CSRF = "console_csrf"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Conversation ids are in console URLs; they must not leak to other sites.
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def is_console(path: str) -> bool:
    """Whether ``path`` belongs to the console."""
    return path == PREFIX or path.startswith(PREFIX + "/")


def is_public(path: str) -> bool:
    """The only console paths a signed-out browser may load: sign-in's two steps, the stylesheet."""
    return path in PUBLIC_FORMS or path.startswith(STATIC_PREFIX)


def is_https(request: web.Request) -> bool:
    """Whether the browser reached us over HTTPS, directly or through a TLS-terminating proxy."""
    return request.secure or request.headers.get("X-Forwarded-Proto", "").lower() == "https"


def client_address(request: web.Request) -> str:
    """The address sign-in attempts are counted against (`bot.proxies.client_address`)."""
    return proxies.client_address(
        request.headers.get("X-Forwarded-For"),
        request.remote,
        request.app[CONSOLE_SETTINGS_KEY].trusted_proxy_count,
    )


def cookie_name(request: web.Request, name: str) -> str:
    """``name`` as the browser stores it: `__Host-` prefixed over HTTPS.

    A browser keeps a `__Host-` cookie only when this host set it over HTTPS for Path=/ without
    a Domain, so a sibling subdomain cannot plant one (login CSRF by cookie tossing). Plain HTTP
    (development) cannot use the prefix.
    """
    return f"__Host-{name}" if is_https(request) else name


def read_cookie(request: web.Request, name: str) -> str | None:
    """A console cookie's value, under the name this request's scheme uses."""
    return request.cookies.get(cookie_name(request, name))


def set_cookie(request: web.Request, response: web.StreamResponse, name: str, value: str) -> None:
    """Set a console cookie: never readable by scripts, never sent from another site."""
    secure = is_https(request)
    response.set_cookie(
        cookie_name(request, name),
        value,
        path="/" if secure else PREFIX,
        httponly=True,
        samesite="Strict",
        secure=secure,
    )


def delete_cookie(request: web.Request, response: web.StreamResponse, name: str) -> None:
    """Remove a console cookie."""
    secure = is_https(request)
    response.del_cookie(cookie_name(request, name), path="/" if secure else PREFIX)


def presign_secret(request: web.Request) -> str:
    """The pre-sign-in cookie's value, or a new one the sign-in page then sets."""
    return read_cookie(request, PRESIGN_COOKIE) or secrets.token_urlsafe(32)


def current_account(request: web.Request) -> Account:
    """The signed-in account (the guard has made sure there is one)."""
    account: Account = request[ACCOUNT]
    return account


async def _submitted_csrf(request: web.Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        value = (await request.post()).get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


async def _check_csrf(request: web.Request, secret: str | None) -> None:
    if request.method not in SAFE_METHODS and not csrf_valid(
        secret, await _submitted_csrf(request)
    ):
        raise web.HTTPForbidden(text="The form expired or did not come from the console.")


def _refuse(request: web.Request, api_status: type[web.HTTPException]) -> web.HTTPException:
    if request.path.startswith(API_PREFIX):
        return api_status(text='{"error": "sign in first"}', content_type="application/json")
    return web.HTTPSeeOther(SIGNIN_PATH)


def _check_role(request: web.Request, account: Account) -> None:
    """Refuse a route the account's role may not use; unknown paths go on to their 404."""
    resource = request.match_info.route.resource
    if resource is None or permissions.may(account.role, request.method, resource.canonical):
        return
    if request.method in SAFE_METHODS and request.path == PREFIX + "/":
        # The queue is where sign-in leads; roles that do not triage start elsewhere.
        raise web.HTTPSeeOther(permissions.home(account.role))
    raise web.HTTPForbidden(text=f"A console {account.role.value} cannot use this page.")


async def _guarded(request: web.Request, handler: Handler) -> web.StreamResponse:
    path = request.path
    if is_public(path):
        await _check_csrf(request, read_cookie(request, PUBLIC_FORMS.get(path, PRESIGN_COOKIE)))
        return await handler(request)
    token = read_cookie(request, SESSION_COOKIE)
    if not token:
        raise _refuse(request, web.HTTPUnauthorized)
    engine = engine_for(request.app[CONSOLE_SETTINGS_KEY].database_url)

    def lookup() -> Account | None:
        with engine.begin() as conn:
            return session_account(conn, token, time.time())

    account = await asyncio.to_thread(lookup)
    if account is None:
        raise _refuse(request, web.HTTPUnauthorized)
    _check_role(request, account)
    await _check_csrf(request, token)
    request[ACCOUNT] = account
    request[CSRF] = csrf_token(token)
    return await handler(request)


@web.middleware
async def console_guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Apply the console's access rules and headers to every console response, errors included."""
    if not is_console(request.path):
        return await handler(request)
    try:
        response = await _guarded(request, handler)
    except web.HTTPException as error:
        error.headers.update(SECURITY_HEADERS)
        raise
    response.headers.update(SECURITY_HEADERS)
    return response
