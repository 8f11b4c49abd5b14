"""Creates and upgrades the console's tables: a short, append-only list of numbered steps.

Each step runs once per database, in its own transaction, and is recorded in
`console_schema_versions`; running the migration again does nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import insert, inspect, select, text
from sqlalchemy.engine import Connection, Engine

from bot.console import tables


@dataclass(frozen=True)
class Migration:
    """One schema change."""

    version: int
    description: str
    apply: Callable[[Connection], None]


def _create_first_tables(conn: Connection) -> None:
    tables.metadata.create_all(
        conn,
        tables=[
            tables.users,
            tables.sessions,
            tables.signin_attempts,
            tables.cases,
            tables.notes,
        ],
    )


def _add_two_step_sign_in(conn: Connection) -> None:
    """Add the TOTP columns to accounts made before them, and the pending sign-ins table.

    Step 1 creates tables from today's definitions, so a database created after this step was
    written has the columns already; only an older one is altered.
    """
    users = tables.users
    present = {column["name"] for column in inspect(conn).get_columns(users.name)}
    for column in (users.c.totp_secret, users.c.totp_last_step):
        if column.name not in present:
            kind = column.type.compile(dialect=conn.dialect)
            conn.execute(text(f"ALTER TABLE {users.name} ADD COLUMN {column.name} {kind}"))
    tables.metadata.create_all(conn, tables=[tables.pending_signins])


# Append new steps; never edit or reorder one that has shipped.
MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "accounts, sessions, sign-in attempts, cases and notes", _create_first_tables),
    Migration(2, "two-step sign-in: TOTP secrets and pending sign-ins", _add_two_step_sign_in),
)


def migrate(engine: Engine) -> list[Migration]:
    """Apply every migration the database has not had yet and return those applied."""
    tables.metadata.create_all(engine, tables=[tables.schema_versions])
    with engine.connect() as conn:
        done = set(conn.execute(select(tables.schema_versions.c.version)).scalars())
    applied = []
    for step in MIGRATIONS:
        if step.version in done:
            continue
        with engine.begin() as conn:
            step.apply(conn)
            conn.execute(
                insert(tables.schema_versions).values(
                    version=step.version, description=step.description, applied_at=time.time()
                )
            )
        applied.append(step)
    return applied
