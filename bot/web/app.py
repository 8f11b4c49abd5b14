"""The aiohttp app the charity's site loads the widget from.

It serves the widget, the pinned socket.io client from node_modules (no CDN, so a site with a
Content-Security-Policy can allow just this origin), a demo charity page, a health check, each
conversation's history for the widget to restore after a reload, and the volunteer console
(`bot.console`, under /console/).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web
from sqlalchemy.exc import OperationalError
from yarl import URL

from bot.console.routes import setup_console
from bot.db import engine_for
from bot.settings import PROJECT_ROOT, Settings
from bot.web.history import session_messages

STATIC = Path(__file__).parent / "static"
NODE_MODULES = PROJECT_ROOT / "node_modules"
VENDOR = {"socket.io.min.js": NODE_MODULES / "socket.io-client" / "dist" / "socket.io.min.js"}
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
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
    """The current session's messages; the random session id is the key to them."""
    session_id = request.match_info["session_id"]
    if not SESSION_ID.match(session_id):
        return web.json_response(
            {"error": "invalid session id: 8 to 64 letters, digits, - or _"}, status=400
        )
    engine = engine_for(request.app[SETTINGS_KEY].database_url)
    messages = await asyncio.to_thread(session_messages, engine, session_id)
    return web.json_response({"session_id": session_id, "messages": messages})


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


def create_app(settings: Settings) -> web.Application:
    """Build the web app."""
    app = web.Application(middlewares=[cors, database_down])
    app[SETTINGS_KEY] = settings
    app[RASA_URL_KEY] = settings.rasa_public_url
    app[CORS_KEY] = frozenset(settings.cors_origins)
    app.router.add_get("/", demo_page)
    app.router.add_get("/health", health)
    app.router.add_get("/vendor/{name}", vendor)
    app.router.add_get("/api/history/{session_id}", history)
    app.router.add_static("/widget/", STATIC, show_index=False)
    setup_console(app, settings)
    return app
