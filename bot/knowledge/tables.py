"""SQLAlchemy tables of the knowledge base (PostgreSQL in production, SQLite by default)."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Date, Integer, MetaData, String, Table, Text

metadata = MetaData()

topics = Table(
    "kb_topics",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("title", Text, nullable=False),
    Column("button", Text, nullable=False),
    Column("next", JSON, nullable=False),
    Column("claims", JSON, nullable=False),
    Column("position", Integer, nullable=False),
)

sources = Table(
    "kb_sources",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("short", Text, nullable=False),
    Column("citation", Text, nullable=False),
    Column("url", Text),
)

disclaimers = Table(
    "kb_disclaimers",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("text", Text, nullable=False),
    Column("compact", Text, nullable=False),
    Column("reviewed", Date, nullable=False),
)

entries = Table(
    "kb_entries",
    metadata,
    Column("id", String(96), primary_key=True),
    Column("topic", String(64), nullable=False, index=True),
    Column("subtypes", JSON, nullable=False),
    Column("answer", Text, nullable=False),
    Column("detail", Text),
    Column("sources", JSON, nullable=False),
    Column("evidence", Text, nullable=False),
    Column("reviewed", Date, nullable=False),
    Column("keywords", JSON, nullable=False),
    Column("position", Integer, nullable=False),
    # The entry's published version (bot/knowledge/editorial: every version is in kb_versions).
    Column("version", Integer, nullable=False),
    Column("next_review", Date),
    Column("reviewed_by", Text),
)

messages = Table(
    "kb_messages",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("text", Text, nullable=False),
)
