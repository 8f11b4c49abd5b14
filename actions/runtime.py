"""The action server's one Guide, built off the event loop, shared read-only, rebuilt on publish.

The guide holds only immutable, in-memory knowledge, so sharing it between requests is safe;
database sessions are never shared. Every KB_RELOAD_SECONDS at most, one request asks the
database (in a worker thread) for the published version; when a reviewer has published since,
a new guide is built in a thread with the same spaCy pipeline and swapped in, so every action
server answers from the new wording within seconds, without a restart. Requests meanwhile keep
answering from the guide they have.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError

from bot.db import engine_for
from bot.guide import Guide
from bot.knowledge.editorial.state import published_version
from bot.settings import Settings, load_settings


@dataclass
class _Live:
    """The guide in use, and where and how often to look for a newer published version."""

    guide: Guide
    settings: Settings | None  # None: a guide installed by hand, never reloaded
    checked_at: float


logger = logging.getLogger(__name__)
_live: _Live | None = None
_lock = asyncio.Lock()


async def get_guide() -> Guide:
    """Return the guide: built in a worker thread on first use, rebuilt when content changes."""
    global _live
    if _live is None:
        async with _lock:
            if _live is None:
                first = load_settings()
                guide = await asyncio.to_thread(Guide.from_settings, first)
                _live = _Live(guide, first, time.monotonic())
        return _live.guide
    live, settings = _live, _live.settings
    if settings is None or _lock.locked():
        return live.guide
    if time.monotonic() - live.checked_at < settings.kb_reload_seconds:
        return live.guide
    async with _lock:
        live.checked_at = time.monotonic()
        try:
            live.guide = await _newest(live.guide, settings)
        except SQLAlchemyError as error:
            # Answers come from memory: a database blip must not stop them, only the reload.
            logger.warning("knowledge reload skipped, the database did not answer: %s", error)
    return live.guide


async def _newest(guide: Guide, settings: Settings) -> Guide:
    """The guide of the published version: ``guide`` itself, or one rebuilt in a thread."""
    published = await asyncio.to_thread(published_version, engine_for(settings.database_url))
    if published == guide.knowledge.version:
        return guide
    return await asyncio.to_thread(Guide.from_settings, settings, guide.index.analyzer)


def use_guide(guide: Guide | None, settings: Settings | None = None) -> None:
    """Install a ready guide (tests, or a server that builds it at start-up).

    With ``settings``, the guide is rebuilt from their database when its published version
    moves, as a guide built on first use is; without, it is used as it is.
    """
    global _live
    _live = _Live(guide, settings, time.monotonic()) if guide is not None else None
