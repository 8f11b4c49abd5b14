"""The action server's one Guide, built once off the event loop and shared read-only.

The guide holds only immutable, in-memory knowledge, so sharing it between requests is safe;
database sessions are never shared (the guide reads the database once, at start-up).
"""

from __future__ import annotations

import asyncio

from bot.guide import Guide
from bot.settings import load_settings

_guide: Guide | None = None
_lock = asyncio.Lock()


async def get_guide() -> Guide:
    """Return the guide, building it in a worker thread on first use."""
    global _guide
    if _guide is None:
        async with _lock:
            if _guide is None:
                _guide = await asyncio.to_thread(Guide.from_settings, load_settings())
    return _guide


def use_guide(guide: Guide | None) -> None:
    """Install a ready guide (tests, or a server that builds it at start-up)."""
    global _guide
    _guide = guide
