"""The editorial tables: drafts, every published version, and the knowledge base's version.

They live on their own metadata because `kb load` rebuilds the knowledge tables whenever their
shape changes, and the history of drafts and versions must survive that.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

drafts = Table(
    "kb_drafts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("entry_id", String(96), nullable=False, index=True),
    Column("is_new", Boolean, nullable=False),
    Column("topic", String(64), nullable=False),
    # answer, detail, sources, evidence, subtypes, keywords (service.EDITABLE_FIELDS)
    Column("fields", JSON, nullable=False),
    # The entry's version the draft started from (None: a new entry); approval needs it current.
    Column("base_version", Integer),
    Column("author_id", Integer, nullable=False),
    Column("status", String(16), nullable=False, index=True),
    Column("comment", Text, nullable=False),
    Column("reviewer_id", Integer),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    # Bumped by every change, so a save from a stale form is refused instead of lost.
    Column("lock_version", Integer, nullable=False),
)

versions = Table(
    "kb_versions",
    metadata,
    Column("entry_id", String(96), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("content", JSON, nullable=False),
    Column("author_id", Integer),
    Column("reviewer_id", Integer),
    Column("published_at", Float, nullable=False),
    Column("reason", Text, nullable=False),
    Column("next_review", Date),
)

state = Table(
    "kb_state",
    metadata,
    Column("id", Integer, primary_key=True),
    # Bumped by every publish, rollback and load that changed something: the action servers
    # rebuild their guide when it moves.
    Column("version", Integer, nullable=False),
    # The version last loaded from or exported to the files: `kb load` refuses to overwrite
    # anything newer without --force.
    Column("exported_version", Integer, nullable=False),
)
