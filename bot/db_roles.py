"""Least-privilege PostgreSQL roles: each part logs in as its own role, granted what its code does.

The set-up job keeps the owner role (DATABASE_URL): it creates the tables, then these roles. The
grants follow the code, not the other way round:

- Rasa (``<prefix>_rasa``) saves trackers in ``events`` (bot/privacy/tracker_store.py), keeps
  delivery addresses (bot/privacy/addresses.py) and, on "delete my data", deletes a
  conversation's rows everywhere (bot/retention.py), which is also all that retention needs.
- The web app (``<prefix>_web``) reads ``events`` (history, console), reads the knowledge base
  (the console's search) and reads and writes the console's tables, never a conversation.
- The action servers (``<prefix>_actions``) only read the knowledge base.

So the internet-facing web app cannot write or delete a conversation, no part can change the
knowledge base or drop a table, and the action servers cannot read a conversation at all.
`python -m bot db roles` creates or updates the roles; it is safe to repeat, and each run leaves
exactly these grants (it revokes what an earlier version granted).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from bot.console import tables as console
from bot.knowledge import tables as knowledge
from bot.knowledge.editorial import tables as editorial
from bot.parts import DB_ROLE_PASSWORDS
from bot.privacy.addresses import delivery_addresses
from bot.web.history import events

DEFAULT_PREFIX = "guide"
# Any constant: set-up jobs running at once take turns on it (pg_advisory_xact_lock).
ROLES_LOCK_KEY = 0x6775696465
READ = ("SELECT",)
READ_WRITE = ("SELECT", "INSERT", "UPDATE", "DELETE")
KNOWLEDGE_TABLES = tuple(
    table.name for table in (*knowledge.metadata.sorted_tables, editorial.state)
)
# Every console table but the migrations' own record, which only `db migrate` writes.
CONSOLE_TABLES = tuple(
    table.name for table in console.metadata.sorted_tables if table is not console.schema_versions
)


class RoleError(RuntimeError):
    """The roles cannot be made: a password is missing or a table does not exist yet."""


@dataclass(frozen=True)
class Grant:
    """Privileges on some tables."""

    tables: tuple[str, ...]
    privileges: tuple[str, ...]


@dataclass(frozen=True)
class PartRole:
    """The login role of one part and everything it is granted."""

    part: str
    grants: tuple[Grant, ...]

    def name(self, prefix: str) -> str:
        """The role's name (several deployments can share a PostgreSQL server by prefix)."""
        return f"{prefix}_{self.part}"


ROLES = (
    PartRole(
        "rasa",
        (
            # The tracker store appends events; "delete my data" deletes them.
            Grant((events.name,), ("SELECT", "INSERT", "DELETE")),
            Grant((delivery_addresses.name,), ("SELECT", "INSERT", "DELETE")),
            # A deleted conversation's case and notes go with it (bot.retention).
            Grant(tuple(table.name for table in console.CONVERSATION_TABLES), ("SELECT", "DELETE")),
        ),
    ),
    PartRole(
        "web",
        (
            Grant((events.name,), READ),
            Grant(KNOWLEDGE_TABLES, READ),
            Grant(CONSOLE_TABLES, READ_WRITE),
            # Publishing (bot/knowledge/editorial/publishing.py): the entry, its history, the
            # published version; drafts are edited but never deleted.
            Grant((knowledge.entries.name, editorial.drafts.name), ("SELECT", "INSERT", "UPDATE")),
            Grant((editorial.versions.name,), ("SELECT", "INSERT")),
            Grant((editorial.state.name,), ("SELECT", "UPDATE")),
        ),
    ),
    PartRole("actions", (Grant(KNOWLEDGE_TABLES, READ),)),
)


def passwords_from(environ: Mapping[str, str]) -> dict[str, str]:
    """Each part's role password, from DB_RASA_PASSWORD, DB_WEB_PASSWORD, DB_ACTIONS_PASSWORD.

    Raises:
        RoleError: one of them is not set.
    """
    unset = [name for name in DB_ROLE_PASSWORDS.values() if not environ.get(name)]
    if unset:
        raise RoleError(f"{', '.join(unset)} not set: each part's role needs its password")
    return {part: environ[name] for part, name in DB_ROLE_PASSWORDS.items()}


def create_rasa_tables(conn: Connection) -> None:
    """Create the tables Rasa's servers would create on first use, so they can be granted.

    A least-privilege Rasa role may not create tables; Rasa's own table definition is used, so
    its start-up check finds the table as it would have made it.
    """
    from rasa.core.tracker_store import SQLTrackerStore

    SQLTrackerStore.SQLEvent.__table__.create(conn, checkfirst=True)
    delivery_addresses.create(conn, checkfirst=True)


def apply_roles(
    conn: Connection, passwords: Mapping[str, str], prefix: str = DEFAULT_PREFIX
) -> list[str]:
    """Create or update every part's role with its password and exactly its grants.

    Run as the owner of the tables, after `kb load` and `db migrate`: a table they rebuild later
    loses its grants until this runs again.

    Returns:
        The role names.

    Raises:
        RoleError: a table to grant on does not exist yet.
    """
    # Helm starts an init container per Rasa pod: concurrent GRANTs on one role can fail.
    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ROLES_LOCK_KEY})
    create_rasa_tables(conn)
    present = set(inspect(conn).get_table_names())
    wanted = {table for role in ROLES for grant in role.grants for table in grant.tables}
    missing = sorted(wanted - present)
    if missing:
        raise RoleError(
            f"tables missing: {', '.join(missing)} (run `kb load` and `db migrate` first)"
        )
    quote = conn.dialect.identifier_preparer.quote
    database = quote(conn.execute(text("SELECT current_database()")).scalar_one())
    schema = quote(conn.execute(text("SELECT current_schema()")).scalar_one())
    names = []
    for role in ROLES:
        name = role.name(prefix)
        _login_role(conn, name, passwords[role.part])
        quoted = quote(name)
        statements = [
            f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {quoted}",
            f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {quoted}",
            f"GRANT CONNECT ON DATABASE {database} TO {quoted}",
            f"GRANT USAGE ON SCHEMA {schema} TO {quoted}",
        ]
        for grant in role.grants:
            listed = ", ".join(quote(table) for table in grant.tables)
            statements.append(f"GRANT {', '.join(grant.privileges)} ON {listed} TO {quoted}")
            if "INSERT" in grant.privileges:
                statements += [
                    f"GRANT USAGE ON SEQUENCE {sequence} TO {quoted}"
                    for sequence in _sequences(conn, grant.tables)
                ]
        for statement in statements:
            # Identifiers cannot be bound parameters; each one here is quoted.
            conn.exec_driver_sql(statement)
        names.append(name)
    return names


def _login_role(conn: Connection, name: str, password: str) -> None:
    """Create the role if it is new, and (re)set its password.

    The password reaches the server only as a SCRAM verifier computed here (libpq's
    PQencryptPasswordConn), so no statement log can show it.
    """
    from psycopg2.extensions import encrypt_password

    exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first()
    if exists is None:
        conn.exec_driver_sql(f"CREATE ROLE {conn.dialect.identifier_preparer.quote(name)}")
    verifier = encrypt_password(password, name, conn.connection.dbapi_connection)
    # format() quotes on the server; the verifier holds no quote, but nothing relies on that.
    statement = conn.execute(
        text(
            "SELECT format('ALTER ROLE %I WITH LOGIN PASSWORD %L', "
            "CAST(:n AS text), CAST(:v AS text))"
        ),
        {"n": name, "v": verifier},
    ).scalar_one()
    # Not text(): a verifier's "=:" would read as a bind parameter.
    conn.exec_driver_sql(statement)


def _sequences(conn: Connection, tables: tuple[str, ...]) -> list[str]:
    """The sequences that number the rows of ``tables`` (their serial columns), quoted."""
    query = text(
        "SELECT pg_get_serial_sequence(CAST(:t AS text), a.attname) FROM pg_attribute a "
        "WHERE a.attrelid = to_regclass(CAST(:t AS text)) AND a.attnum > 0 "
        "AND NOT a.attisdropped"
    )
    found = []
    for table in tables:
        quoted = conn.dialect.identifier_preparer.quote(table)
        found += [s for s in conn.execute(query, {"t": quoted}).scalars() if s is not None]
    return found
