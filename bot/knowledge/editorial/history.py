"""Every published version of every entry, including what each load of the files brought."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import asdict, replace
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from bot.knowledge.editorial import tables
from bot.knowledge.editorial.content import entry_content
from bot.knowledge.editorial.model import Version
from bot.knowledge.schema import Entry

LOADED_REASON = "loaded from the files"


def latest_versions(conn: Connection) -> dict[str, tuple[int, dict[str, Any]]]:
    """Return each entry's newest recorded version and its content."""
    latest: dict[str, tuple[int, dict[str, Any]]] = {}
    rows = conn.execute(
        select(tables.versions.c.entry_id, tables.versions.c.version, tables.versions.c.content)
    )
    for entry_id, number, content in rows:
        if entry_id not in latest or number > latest[entry_id][0]:
            latest[entry_id] = (number, content)
    return latest


def record(
    conn: Connection,
    entry: Entry,
    *,
    author_id: int | None,
    reviewer_id: int | None,
    reason: str,
) -> Version:
    """Add ``entry`` (at its version) to the history and return the recorded version."""
    recorded = Version(
        entry_id=entry.id,
        version=entry.version,
        content=entry_content(entry),
        author_id=author_id,
        reviewer_id=reviewer_id,
        published_at=time.time(),
        reason=reason,
        next_review=entry.next_review,
    )
    conn.execute(insert(tables.versions).values(**asdict(recorded)))
    return recorded


def versions_of(conn: Connection, entry_id: str) -> list[Version]:
    """Return every recorded version of an entry, newest first."""
    rows = conn.execute(
        select(tables.versions)
        .where(tables.versions.c.entry_id == entry_id)
        .order_by(tables.versions.c.version.desc())
    ).mappings()
    return [Version(**row) for row in rows]


def record_load(conn: Connection, entries: Iterable[Entry]) -> list[Entry]:
    """Record what the files say as versions and return the entries at their recorded version.

    An entry seen for the first time keeps the version the file gives (1 unless exported after
    edits); wording that differs from the newest version becomes a new version, so a change
    made in the files is kept in the history like one made in the console.
    """
    latest = latest_versions(conn)
    loaded = []
    for entry in entries:
        known = latest.get(entry.id)
        if known is not None and known[1] == entry_content(entry):
            entry = replace(entry, version=known[0])
        else:
            if known is not None:
                entry = replace(entry, version=max(known[0] + 1, entry.version))
            record(
                conn,
                entry,
                author_id=None,
                reviewer_id=None,
                reason=LOADED_REASON,
            )
        loaded.append(entry)
    return loaded
