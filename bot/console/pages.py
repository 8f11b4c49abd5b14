"""What every console page handler shares: the templates, rendering and database threads.

Kept apart from the route modules so the triage routes (`routes.py`) and the content routes
(`content_routes.py`) render alike without importing each other.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import jinja2
from aiohttp import web
from sqlalchemy.engine import Connection, Engine

from bot.console.accounts import Account
from bot.console.guard import ACCOUNT, CONSOLE_SETTINGS_KEY, CSRF
from bot.console.permissions import capabilities
from bot.console.queue import REASON_LABELS
from bot.db import engine_for

TEMPLATES = Path(__file__).resolve().parent.parent / "web" / "templates" / "console"
STATIC = Path(__file__).resolve().parent.parent / "web" / "static" / "console"
T = TypeVar("T")


def _when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


_pages = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)
_pages.filters["when"] = _when
_pages.filters["urlpart"] = lambda value: quote(str(value), safe="")
_pages.filters["feedback_row"] = lambda item: (item[0], round(item[1].share_up * 100))
_pages.globals["reason_labels"] = {r.value: label for r, label in REASON_LABELS.items()}


def render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    """Render a console page for the signed-in account, with its CSRF token and what it may do."""
    account: Account | None = request.get(ACCOUNT)
    html = _pages.get_template(template).render(
        account=account,
        csrf=request.get(CSRF, ""),
        abilities={c.value for c in capabilities(account.role)} if account else set(),
        **context,
    )
    return web.Response(text=html, content_type="text/html", status=status)


def engine_of(request: web.Request) -> Engine:
    """The database engine of the console's settings."""
    return engine_for(request.app[CONSOLE_SETTINGS_KEY].database_url)


async def in_thread(request: web.Request, work: Callable[[Connection], T]) -> T:
    """Run ``work`` in a transaction in a worker thread, keeping the event loop free."""
    engine = engine_of(request)

    def run() -> T:
        with engine.begin() as conn:
            return work(conn)

    return await asyncio.to_thread(run)


async def form_of(request: web.Request) -> dict[str, str]:
    """The submitted form's text fields (files and repeated names aside)."""
    return {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
