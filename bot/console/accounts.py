"""Volunteer and admin accounts, with argon2id password hashes."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from enum import Enum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection, RowMapping

from bot.console import tables

_hasher = PasswordHasher()
# Verifying against this keeps an unknown e-mail as slow as a wrong password, so timing does
# not reveal which addresses have accounts.
_DUMMY_HASH = _hasher.hash("no account has this password")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 12


class Role(str, Enum):
    """Who an account is; `bot.console.permissions` says what each role may do.

    Volunteers triage conversations; editors draft content; reviewers (clinical staff) approve or
    send back drafts; admins may do all of that and also manage accounts.
    """

    VOLUNTEER = "volunteer"
    EDITOR = "editor"
    REVIEWER = "reviewer"
    ADMIN = "admin"


class AccountError(ValueError):
    """An account cannot be created or changed as asked."""


@dataclass(frozen=True)
class Account:
    """A console user as the rest of the console sees it (never with the hash)."""

    id: int
    email: str
    display_name: str
    role: Role
    # Whether sign-in asks for a TOTP code after the password (bot/console/two_step.py).
    two_step: bool = False

    @property
    def is_admin(self) -> bool:
        """Whether the account may manage accounts."""
        return self.role is Role.ADMIN


def _account(row: RowMapping) -> Account:
    return Account(
        row["id"],
        row["email"],
        row["display_name"],
        Role(row["role"]),
        two_step=row["totp_secret"] is not None,
    )


def normalise_email(email: str) -> str:
    """Return the address as stored: trimmed and lower-cased, so sign-in ignores case."""
    return email.strip().lower()


def add_account(
    conn: Connection, email: str, password: str, role: Role, display_name: str = ""
) -> Account:
    """Create an account.

    Raises:
        AccountError: the address is invalid or taken, or the password is too short.
    """
    email = normalise_email(email)
    if not EMAIL.match(email):
        raise AccountError(f"not an e-mail address: {email!r}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    if find_account(conn, email) is not None:
        raise AccountError(f"an account for {email} already exists")
    name = display_name.strip() or email.split("@")[0]
    conn.execute(
        insert(tables.users).values(
            email=email,
            display_name=name,
            role=role.value,
            password_hash=_hasher.hash(password),
            created_at=time.time(),
        )
    )
    account = find_account(conn, email)
    assert account is not None
    return account


def find_account(conn: Connection, email: str) -> Account | None:
    """Return the account with this address, if any."""
    row = (
        conn.execute(select(tables.users).where(tables.users.c.email == normalise_email(email)))
        .mappings()
        .first()
    )
    return _account(row) if row else None


def get_account(conn: Connection, account_id: int) -> Account | None:
    """Return the account with this id, if any."""
    row = conn.execute(select(tables.users).where(tables.users.c.id == account_id)).mappings()
    found = row.first()
    return _account(found) if found else None


def list_accounts(conn: Connection) -> list[Account]:
    """Every account, by e-mail address."""
    rows = conn.execute(select(tables.users).order_by(tables.users.c.email)).mappings()
    return [_account(row) for row in rows]


def remove_account(conn: Connection, email: str) -> bool:
    """Delete an account and its sessions; return whether it existed."""
    account = find_account(conn, email)
    if account is None:
        return False
    conn.execute(delete(tables.sessions).where(tables.sessions.c.user_id == account.id))
    conn.execute(
        delete(tables.pending_signins).where(tables.pending_signins.c.user_id == account.id)
    )
    conn.execute(
        update(tables.cases).where(tables.cases.c.claimed_by == account.id).values(claimed_by=None)
    )
    conn.execute(delete(tables.users).where(tables.users.c.id == account.id))
    return True


def authenticate(conn: Connection, email: str, password: str) -> Account | None:
    """Return the account if the password is right, re-hashing it when argon2's defaults rose."""
    row = (
        conn.execute(select(tables.users).where(tables.users.c.email == normalise_email(email)))
        .mappings()
        .first()
    )
    try:
        _hasher.verify(row["password_hash"] if row else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None:
        return None
    if _hasher.check_needs_rehash(row["password_hash"]):
        conn.execute(
            update(tables.users)
            .where(tables.users.c.id == row["id"])
            .values(password_hash=_hasher.hash(password))
        )
    return _account(row)
