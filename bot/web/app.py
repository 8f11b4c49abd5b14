"""The aiohttp app the charity's site loads the widget from.

It serves the widget, the pinned socket.io client from node_modules (no CDN, so a site with a
Content-Security-Policy can allow just this origin), a demo charity page, a health check, each
conversation's history for the widget to restore after a reload, and the volunteer console
(`bot.console`, under /console/).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web
from sqlalchemy.exc import OperationalError
from yarl import URL

from bot.channels.conversations import MissingSecret, widget_conversation
from bot.console.routes import setup_console
from bot.db import engine_for
from bot.settings import PROJECT_ROOT, Settings
from bot.web.history import session_messages

STATIC = Path(__file__).parent / "static"
NODE_MODULES = PROJECT_ROOT / "node_modules"
VENDOR = {"socket.io.min.js": NODE_MODULES / "socket.io-client" / "dist" / "socket.io.min.js"}
# The widget's session secret travels in a header, never in the URL (which proxies log).
SESSION_HEADER = "X-Session-Secret"
SETTINGS_KEY = web.AppKey("settings", Settings)
RASA_URL_KEY = web.AppKey("rasa_url", str)
CORS_KEY = web.AppKey("cors_origins", frozenset)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
logger = logging.getLogger(__name__)


async def health(_request: web.Request) -> web.Response:
    """Liveness for the supervisor and load balancers."""
    return web.json_response({"status": "ok"})


def content_security_policy(rasa_url: str) -> str:
    """The strict policy the demo page is served with: the widget needs nothing looser."""
    rasa = URL(rasa_url)
    socket = rasa.with_scheme("wss" if rasa.scheme == "https" else "ws")
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        f"connect-src 'self' {rasa.origin()} {socket.origin()}; base-uri 'none'; "
        "frame-ancestors 'none'"
    )


async def demo_page(request: web.Request) -> web.Response:
    """A demo charity page with the one-line install, pointed at this deployment's Rasa server.

    It is served with a strict Content-Security-Policy, so every browser test also shows that a
    site with such a policy can use the widget.
    """
    rasa_url = request.app[RASA_URL_KEY]
    html = (STATIC / "demo.html").read_text(encoding="utf-8")
    return web.Response(
        text=html.replace("{{RASA_URL}}", rasa_url),
        content_type="text/html",
        headers={"Content-Security-Policy": content_security_policy(rasa_url)},
    )


async def vendor(request: web.Request) -> web.FileResponse:
    """A pinned browser library, installed by `npm ci` at set-up."""
    path = VENDOR.get(request.match_info["name"])
    if path is None or not path.exists():
        raise web.HTTPNotFound(text="unknown library")
    return web.FileResponse(path, headers={"Cache-Control": "public, max-age=3600"})


async def history(request: web.Request) -> web.Response:
    """The current session's messages, for the browser holding the session's secret only.

    The conversation is derived from the secret (`widget_conversation`), so no conversation id,
    however it was learnt, reads anything here; and only widget conversations can be derived.
    """
    try:
        conversation = widget_conversation(request.headers.get(SESSION_HEADER))
    except MissingSecret:
        logger.error("SESSION_SECRET is not set: widget history is unavailable")
        return web.json_response({"error": "history is unavailable"}, status=503)
    if conversation is None:
        return web.json_response(
            {"error": f"{SESSION_HEADER} must be 32 to 128 letters, digits, - or _"}, status=400
        )
    engine = engine_for(request.app[SETTINGS_KEY].database_url)
    messages = await asyncio.to_thread(session_messages, engine, conversation)
    return web.json_response({"messages": messages})


async def history_preflight(request: web.Request) -> web.Response:
    """Let the charity's sites send the session header (the CORS middleware adds the origin)."""
    return web.Response(
        headers={
            "Access-Control-Allow-Methods": "GET",
            "Access-Control-Allow-Headers": SESSION_HEADER,
            "Access-Control-Max-Age": "600",
        }
    )


@web.middleware
async def database_down(request: web.Request, handler: Handler) -> web.StreamResponse:
    """While the database is unreachable, answer 503 with a JSON error, not a 500."""
    try:
        return await handler(request)
    except OperationalError as error:
        logger.error("database unreachable for %s: %s", request.path, error.orig)
        return web.json_response(
            {"error": "the database is unavailable: please try again shortly"}, status=503
        )


@web.middleware
async def cors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Let the configured charity sites read history; nobody else."""
    response = await handler(request)
    origin = request.headers.get("Origin")
    if origin and origin in request.app[CORS_KEY]:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Vary"] = "Origin"
    return response


# The largest body a form here needs (a volunteer's reply, a note) is a few KiB; aiohttp's own
# default is 1 MiB, read before sign-in (security review M7: the held-back aiohttp parses it).
MAX_BODY_BYTES = 64 * 1024


def create_app(settings: Settings) -> web.Application:
    """Build the web app."""
    app = web.Application(middlewares=[cors, database_down], client_max_size=MAX_BODY_BYTES)
    app[SETTINGS_KEY] = settings
    app[RASA_URL_KEY] = settings.rasa_public_url
    app[CORS_KEY] = frozenset(settings.cors_origins)
    app.router.add_get("/", demo_page)
    app.router.add_get("/health", health)
    app.router.add_get("/vendor/{name}", vendor)
    app.router.add_get("/api/history", history)
    app.router.add_route("OPTIONS", "/api/history", history_preflight)
    app.router.add_static("/widget/", STATIC, show_index=False)
    setup_console(app, settings)
    return app
