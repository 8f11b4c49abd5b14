"""Makes a new version of an entry live: the entry row, its history and the published version.

Everything happens in the caller's transaction, guarded by compare-and-set on the entry's version,
so of two publishes built on the same version exactly one succeeds.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from bot.knowledge import repository
from bot.knowledge import tables as kb
from bot.knowledge.editorial import history, state, tables
from bot.knowledge.editorial.model import Conflict, Version
from bot.knowledge.schema import Entry


def publish(
    conn: Connection,
    entry: Entry,
    base_version: int | None,
    *,
    author_id: int | None,
    reviewer_id: int | None,
    reason: str,
) -> Version:
    """Publish ``entry`` over version ``base_version`` (None: a new entry).

    Raises:
        Conflict: the entry changed since ``base_version`` (or, new, was published meanwhile).
    """
    if base_version is None:
        entry = _insert(conn, entry)
    else:
        row = conn.execute(select(kb.entries).where(kb.entries.c.id == entry.id)).first()
        if row is None:
            raise Conflict(f"entry '{entry.id}' no longer exists")
        entry = replace(entry, position=row.position, version=_next_version(conn, entry.id))
        changed = conn.execute(
            update(kb.entries)
            .where(kb.entries.c.id == entry.id, kb.entries.c.version == base_version)
            .values(**repository.entry_row(entry))
        )
        if changed.rowcount != 1:
            raise Conflict(
                f"entry '{entry.id}' changed since this was drafted "
                f"(from version {base_version}): start again from the current wording"
            )
    recorded = history.record(
        conn,
        entry,
        author_id=author_id,
        reviewer_id=reviewer_id,
        reason=reason,
    )
    state.bump(conn)
    return recorded


def _insert(conn: Connection, entry: Entry) -> Entry:
    """Add a new entry at the end of its topic, moving the entries after it down one."""
    last = conn.execute(
        select(func.max(kb.entries.c.position)).where(kb.entries.c.topic == entry.topic)
    ).scalar()
    position = (last if last is not None else -1) + 1
    conn.execute(
        update(kb.entries)
        .where(kb.entries.c.position >= position)
        .values(position=kb.entries.c.position + 1)
    )
    entry = replace(entry, position=position, version=_next_version(conn, entry.id))
    try:
        conn.execute(insert(kb.entries).values(**repository.entry_row(entry)))
    except IntegrityError as error:
        raise Conflict(f"an entry '{entry.id}' was published meanwhile") from error
    return entry


def _next_version(conn: Connection, entry_id: str) -> int:
    """The number after the entry's newest version (1 for an entry never published)."""
    column = tables.versions.c
    newest = conn.execute(select(func.max(column.version)).where(column.entry_id == entry_id))
    return int(newest.scalar() or 0) + 1
