"""Server-side sign-in sessions: the browser holds a random token, the database its hash."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection

from bot.console import tables
from bot.console.accounts import Account, get_account


def token_hash(token: str) -> str:
    """Return what is stored for a token: enough to recognise it, useless to sign in with."""
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(conn: Connection, account: Account, now: float, lifetime_seconds: float) -> str:
    """Start a session for ``account`` and return its token for the cookie."""
    token = secrets.token_urlsafe(32)
    conn.execute(
        insert(tables.sessions).values(
            token_hash=token_hash(token),
            user_id=account.id,
            created_at=now,
            expires_at=now + lifetime_seconds,
        )
    )
    # Sweep expired sessions here, so the table stays small without a scheduled job.
    conn.execute(delete(tables.sessions).where(tables.sessions.c.expires_at <= now))
    return token


def session_account(conn: Connection, token: str, now: float) -> Account | None:
    """Return the account a live session token belongs to, or None."""
    user_id = conn.execute(
        select(tables.sessions.c.user_id)
        .where(tables.sessions.c.token_hash == token_hash(token))
        .where(tables.sessions.c.expires_at > now)
    ).scalar()
    return get_account(conn, user_id) if user_id is not None else None


def close_session(conn: Connection, token: str) -> None:
    """End a session (sign-out); the token is worthless afterwards."""
    conn.execute(delete(tables.sessions).where(tables.sessions.c.token_hash == token_hash(token)))
