"""Loads a validated KnowledgeSet into the database and reads it back.

Loading is one transaction that inserts, updates and deletes rows to match the files exactly, so it
is idempotent and a failure leaves the previous content in place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Table, delete, insert, inspect, select, update
from sqlalchemy.engine import Connection, Engine

from bot.knowledge import tables
from bot.knowledge.editorial import history, state
from bot.knowledge.schema import Disclaimer, Entry, KnowledgeSet, Source, Topic


@dataclass(frozen=True)
class LoadReport:
    """How many rows a load added, changed and removed, over all knowledge tables."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0

    def __add__(self, other: LoadReport) -> LoadReport:
        return LoadReport(
            self.added + other.added,
            self.updated + other.updated,
            self.removed + other.removed,
            self.unchanged + other.unchanged,
        )


def _rows(knowledge: KnowledgeSet) -> dict[Table, list[dict[str, Any]]]:
    return {
        tables.topics: [
            {
                "id": t.id,
                "title": t.title,
                "button": t.button,
                "next": list(t.next),
                "claims": list(t.claims),
                "position": i,
            }
            for i, t in enumerate(knowledge.topics.values())
        ],
        tables.sources: [
            {"id": s.id, "kind": s.kind, "short": s.short, "citation": s.citation, "url": s.url}
            for s in knowledge.sources.values()
        ],
        tables.disclaimers: [
            {"id": d.id, "text": d.text, "compact": d.compact, "reviewed": d.reviewed}
            for d in knowledge.disclaimers.values()
        ],
        tables.messages: [{"id": k, "text": v} for k, v in knowledge.messages.items()],
        tables.entries: [entry_row(e) for e in knowledge.entries],
    }


def entry_row(entry: Entry) -> dict[str, Any]:
    """Return the kb_entries row of ``entry``."""
    return {
        "id": entry.id,
        "topic": entry.topic,
        "subtypes": list(entry.subtypes),
        "answer": entry.answer,
        "detail": entry.detail,
        "sources": list(entry.sources),
        "evidence": entry.evidence,
        "reviewed": entry.reviewed,
        "keywords": list(entry.keywords),
        "position": entry.position,
        "version": entry.version,
        "next_review": entry.next_review,
        "reviewed_by": entry.reviewed_by,
    }


def entry_from_row(row: Any) -> Entry:
    """Return the entry a kb_entries row holds."""
    return Entry(
        id=row.id,
        topic=row.topic,
        subtypes=tuple(row.subtypes),
        answer=row.answer,
        detail=row.detail,
        sources=tuple(row.sources),
        evidence=row.evidence,
        reviewed=row.reviewed,
        keywords=tuple(row.keywords),
        position=row.position,
        version=row.version,
        next_review=row.next_review,
        reviewed_by=row.reviewed_by,
    )


def _sync_table(conn: Connection, table: Table, rows: Iterable[Mapping[str, Any]]) -> LoadReport:
    existing = {row["id"]: dict(row) for row in conn.execute(select(table)).mappings()}
    wanted = {row["id"]: dict(row) for row in rows}
    added = [row for key, row in wanted.items() if key not in existing]
    changed = [row for key, row in wanted.items() if key in existing and existing[key] != row]
    removed = [key for key in existing if key not in wanted]
    if added:
        conn.execute(insert(table), added)
    for row in changed:
        conn.execute(update(table).where(table.c.id == row["id"]).values(**row))
    if removed:
        conn.execute(delete(table).where(table.c.id.in_(removed)))
    return LoadReport(
        len(added), len(changed), len(removed), len(wanted) - len(added) - len(changed)
    )


def _ensure_schema(conn: Connection) -> None:
    """Create the knowledge tables, rebuilding any whose columns changed since it was made.

    The knowledge tables hold only what the files say and are reloaded in full, so a changed
    shape is migrated by dropping and recreating them, inside the load's transaction.
    """
    inspector = inspect(conn)
    for table in tables.metadata.sorted_tables:
        if inspector.has_table(table.name):
            columns = {c["name"] for c in inspector.get_columns(table.name)}
            if columns != {c.name for c in table.columns}:
                table.drop(conn)
    tables.metadata.create_all(conn)


def load(engine: Engine, knowledge: KnowledgeSet, *, force: bool = False) -> LoadReport:
    """Make the database hold exactly ``knowledge``, in one transaction.

    Each entry's wording is recorded in the version history, and the published version moves on
    when anything changed, so the action servers pick the change up.

    Raises:
        NewerPublished: content published in the console is not in the files yet (``force``
            discards it).
    """
    report = LoadReport()
    with engine.begin() as conn:
        _ensure_schema(conn)
        state.ensure(conn)
        if not force:
            state.refuse_unexported(conn)
        entries = history.record_load(conn, knowledge.entries)
        for table, rows in _rows(replace(knowledge, entries=tuple(entries))).items():
            report += _sync_table(conn, table, rows)
        published = state.version(conn)
        if report.added or report.updated or report.removed or not published:
            published = state.bump(conn)
        state.mark_exported(conn, published)
    return report


def read(engine: Engine) -> KnowledgeSet:
    """Read the whole knowledge base back from the database."""
    with engine.connect() as conn:
        # Read first: a publish landing during the read is then seen again at the next check.
        version = state.version(conn)
        topic_rows = conn.execute(select(tables.topics).order_by(tables.topics.c.position))
        topics = {
            r.id: Topic(r.id, r.title, r.button, tuple(r.next), tuple(r.claims)) for r in topic_rows
        }
        sources = {
            r.id: Source(r.id, r.kind, r.short, r.citation, r.url)
            for r in conn.execute(select(tables.sources))
        }
        disclaimers = {
            r.id: Disclaimer(r.id, r.text, r.compact, r.reviewed)
            for r in conn.execute(select(tables.disclaimers))
        }
        messages = {r.id: r.text for r in conn.execute(select(tables.messages))}
        entries = tuple(
            entry_from_row(r)
            for r in conn.execute(
                select(tables.entries).order_by(tables.entries.c.position, tables.entries.c.id)
            )
        )
    return KnowledgeSet(topics, entries, sources, disclaimers, messages, version)
