"""Two-step sign-in: after the password, a TOTP code from the volunteer's authenticator app.

The shared secret is stored encrypted with ADDRESS_KEY (the cipher of `bot.privacy.addresses`),
so a database dump alone gives nobody codes, and it is shown once, at enrolment. A code is
accepted one 30-second step either side of now (phone clocks drift), and each step at most once
per account: the last step used is recorded, so a code seen over a shoulder cannot be replayed.

Between the two steps the browser holds a pending sign-in token (its hash in
`console_pending_signins`, like a session's); the session itself is opened only after the code.
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass

import pyotp
from cryptography.fernet import InvalidToken
from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.engine import Connection

from bot.console import tables
from bot.console.accounts import Account, AccountError, Role, find_account, get_account
from bot.console.sessions import token_hash
from bot.constant_time import same_secret
from bot.privacy.addresses import MissingKey, cipher
from bot.settings import Settings

logger = logging.getLogger(__name__)
ISSUER = "Myositis console"
# How long the code page waits after the password before the sign-in starts again.
PENDING_SECONDS = 300.0
# Steps either side of now a code is accepted for.
DRIFT_STEPS = 1
CODE = re.compile(r"[0-9]{6}")


class SecretUnreadable(RuntimeError):
    """The stored secret cannot be decrypted: ADDRESS_KEY is unset or not the one used."""


@dataclass(frozen=True)
class Enrolment:
    """What the authenticator app needs, shown once: the otpauth:// URI and the base32 key."""

    uri: str
    secret: str


def enrol(conn: Connection, email: str) -> Enrolment:
    """Give the account a new TOTP secret (replacing any old one) and end its sessions.

    Ending the sessions means every session from now on was opened with a code.

    Raises:
        AccountError: there is no such account.
        MissingKey: ADDRESS_KEY is not set, so the secret cannot be stored encrypted.
    """
    account = find_account(conn, email)
    if account is None:
        raise AccountError(f"no account for {email}")
    secret = pyotp.random_base32()
    stored = cipher().encrypt(secret.encode()).decode()
    conn.execute(
        update(tables.users)
        .where(tables.users.c.id == account.id)
        .values(totp_secret=stored, totp_last_step=None)
    )
    conn.execute(delete(tables.sessions).where(tables.sessions.c.user_id == account.id))
    uri = pyotp.TOTP(secret).provisioning_uri(name=account.email, issuer_name=ISSUER)
    return Enrolment(uri, secret)


def remove(conn: Connection, email: str) -> bool:
    """Turn two-step sign-in off for the account; return whether it was on.

    Raises:
        AccountError: there is no such account.
    """
    account = find_account(conn, email)
    if account is None:
        raise AccountError(f"no account for {email}")
    conn.execute(
        update(tables.users)
        .where(tables.users.c.id == account.id)
        .values(totp_secret=None, totp_last_step=None)
    )
    return account.two_step


def must_enrol(account: Account, settings: Settings) -> bool:
    """Whether the account may not sign in until it has two-step sign-in.

    In production, admins (who manage accounts) and reviewers (whose approval publishes what
    patients read) need it: a stolen password alone must not change either.
    """
    publishes = account.role in (Role.ADMIN, Role.REVIEWER)
    return settings.require_admin_mfa and publishes and not account.two_step


def check_code(conn: Connection, account: Account, code: str, now: float) -> bool:
    """Whether ``code`` is the account's current code, not used before; if so, record its step.

    The step is recorded with a conditional update, so of two requests carrying the same code
    only one succeeds.

    Raises:
        SecretUnreadable: the stored secret cannot be decrypted with this server's ADDRESS_KEY.
    """
    code = "".join(code.split())
    users = tables.users
    stored = conn.execute(select(users.c.totp_secret).where(users.c.id == account.id)).scalar()
    if stored is None or not CODE.fullmatch(code):
        return False
    try:
        secret = cipher().decrypt(stored.encode()).decode()
    except (MissingKey, InvalidToken) as error:
        logger.error("the two-step secret of an account cannot be read: was ADDRESS_KEY changed?")
        raise SecretUnreadable(str(error)) from error
    totp = pyotp.TOTP(secret)
    current = int(now // totp.interval)
    matched = [
        step
        for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1)
        if same_secret(totp.generate_otp(step), code)
    ]
    if not matched:
        return False
    step = matched[-1]
    recorded = conn.execute(
        update(users)
        .where(users.c.id == account.id)
        .where(or_(users.c.totp_last_step.is_(None), users.c.totp_last_step < step))
        .values(totp_last_step=step)
    )
    return bool(recorded.rowcount == 1)


def open_pending(conn: Connection, account: Account, now: float) -> str:
    """Remember that ``account`` gave the right password; return the token for the cookie."""
    token = secrets.token_urlsafe(32)
    pending = tables.pending_signins
    conn.execute(
        insert(pending).values(
            token_hash=token_hash(token), user_id=account.id, expires_at=now + PENDING_SECONDS
        )
    )
    conn.execute(delete(pending).where(pending.c.expires_at <= now))
    return token


def pending_account(conn: Connection, token: str, now: float) -> Account | None:
    """The account a live pending sign-in belongs to, or None (expired, used or made up)."""
    pending = tables.pending_signins
    user_id = conn.execute(
        select(pending.c.user_id)
        .where(pending.c.token_hash == token_hash(token))
        .where(pending.c.expires_at > now)
    ).scalar()
    return get_account(conn, user_id) if user_id is not None else None


def close_pending(conn: Connection, token: str) -> bool:
    """Use up a pending sign-in; return whether it was still there (a token works once)."""
    pending = tables.pending_signins
    closed = conn.execute(delete(pending).where(pending.c.token_hash == token_hash(token)))
    return bool(closed.rowcount == 1)
