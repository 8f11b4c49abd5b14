"""Sign-in attempts, limited per account and address pair and per client address.

Attempts are rows in the database, so every web instance sharing it enforces the same limits.
An attempt is recorded (and committed) before its password is checked, and only then are the
failures counted, so a burst of concurrent attempts cannot all pass a count none of them is in.
An account's failures count per address: a stranger who knows a volunteer's e-mail can only
lock themselves out, while the per-address limit still bounds how many passwords anyone tries.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select, update
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


@dataclass(frozen=True)
class Attempt:
    """A recorded sign-in attempt, counted as failed until `succeeded` says otherwise."""

    row_id: int
    email: str
    address: str


def begin_attempt(conn: Connection, email: str, address: str, now: float) -> Attempt:
    """Record an attempt before its password is checked (commit before counting)."""
    attempt = Attempt(0, normalise_email(email)[:254], address[:64])
    table = tables.signin_attempts
    result = conn.execute(
        insert(table).values(email=attempt.email, address=attempt.address, succeeded=False, at=now)
    )
    return Attempt(int(result.inserted_primary_key[0]), attempt.email, attempt.address)


def is_limited(conn: Connection, attempt: Attempt, now: float, limits: SigninLimits) -> bool:
    """Whether ``attempt`` (already recorded) goes over a limit.

    Every recorded attempt counts, pending ones included, so of concurrent attempts the last to
    be recorded sees all the others: at worst all are refused, never all let through.
    """
    table = tables.signin_attempts
    failures = (
        select(func.count())
        .select_from(table)
        .where(table.c.succeeded.is_(False))
        .where(table.c.at > now - limits.window_seconds)
        .where(table.c.address == attempt.address)
    )
    by_address = int(conn.execute(failures).scalar() or 0)
    by_account = int(conn.execute(failures.where(table.c.email == attempt.email)).scalar() or 0)
    return by_address > limits.per_address or by_account > limits.per_account


def forget_attempt(conn: Connection, attempt: Attempt) -> None:
    """Drop an attempt refused unchecked: it cost nothing, so it does not extend the wait."""
    conn.execute(
        delete(tables.signin_attempts).where(tables.signin_attempts.c.id == attempt.row_id)
    )


def finish_attempt(
    conn: Connection, attempt: Attempt, succeeded: bool, now: float, limits: SigninLimits
) -> None:
    """Mark the attempt's outcome and forget attempts too old to count."""
    table = tables.signin_attempts
    if succeeded:
        conn.execute(update(table).where(table.c.id == attempt.row_id).values(succeeded=True))
    conn.execute(delete(table).where(table.c.at <= now - limits.window_seconds))
