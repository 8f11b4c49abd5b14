"""Sign-in attempts, limited per account and per client address.

Attempts are rows in the database, so every web instance sharing it enforces the same limits.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select
from sqlalchemy.engine import Connection

from bot.console import tables
from bot.console.accounts import normalise_email
from bot.settings import Settings


@dataclass(frozen=True)
class SigninLimits:
    """How many failed sign-ins are allowed in a sliding window."""

    window_seconds: float
    per_account: int
    per_address: int

    @classmethod
    def from_settings(cls, settings: Settings) -> SigninLimits:
        """The limits configured for this deployment."""
        return cls(
            settings.signin_window_minutes * 60,
            settings.signin_max_failures_per_account,
            settings.signin_max_failures_per_address,
        )


def _failures(conn: Connection, column: str, value: str, since: float) -> int:
    table = tables.signin_attempts
    count = conn.execute(
        select(func.count())
        .select_from(table)
        .where(table.c[column] == value)
        .where(table.c.succeeded.is_(False))
        .where(table.c.at > since)
    ).scalar()
    return int(count or 0)


def is_limited(
    conn: Connection, email: str, address: str, now: float, limits: SigninLimits
) -> bool:
    """Whether a sign-in for ``email`` from ``address`` must be refused without checking it."""
    since = now - limits.window_seconds
    return (
        _failures(conn, "email", normalise_email(email), since) >= limits.per_account
        or _failures(conn, "address", address, since) >= limits.per_address
    )


def record_attempt(
    conn: Connection, email: str, address: str, succeeded: bool, now: float, limits: SigninLimits
) -> None:
    """Record one attempt and forget those too old to count."""
    table = tables.signin_attempts
    conn.execute(
        insert(table).values(
            email=normalise_email(email)[:254], address=address[:64], succeeded=succeeded, at=now
        )
    )
    conn.execute(delete(table).where(table.c.at <= now - limits.window_seconds))
