"""Database engines: one per URL and process, with connections checked before use."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine, make_url

# A database that does not answer fails the connection after this long instead of hanging.
CONNECT_TIMEOUT_SECONDS = 10


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    """Return the process's engine for ``url``, creating an SQLite file's folder when needed.

    Each caller opens its own short-lived connection or session from this engine; nothing shares a
    session across requests.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    connect_args = (
        {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
        if parsed.get_backend_name() == "postgresql"
        else {}
    )
    return create_engine(url, future=True, pool_pre_ping=True, connect_args=connect_args)
