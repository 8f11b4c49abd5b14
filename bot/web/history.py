"""Reads conversations back from Rasa's SQL tracker store: for the widget and the console.

Rasa owns the `events` table; this module only reads it, in a worker thread (SQLAlchemy here is
synchronous), with a connection per call.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, inspect, select
from sqlalchemy.engine import Connection, Engine

_metadata = MetaData()
# The columns of Rasa 3.6's SQLTrackerStore table.
events = Table(
    "events",
    _metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
    Column("type_name", String(255)),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)
# The events a conversation's content is made of: what was said, and where sessions begin.
MESSAGE_EVENTS = ("user", "bot", "session_started")


@dataclass(frozen=True)
class StoredEvent:
    """One row of Rasa's events table, its JSON parsed."""

    sender_id: str
    type_name: str
    timestamp: float
    data: dict[str, Any]

    @property
    def custom(self) -> dict[str, Any]:
        """A bot message's structured payload (the composer's contract), or {}."""
        payload = (self.data.get("data") or {}).get("custom")
        return payload if isinstance(payload, dict) else {}

    @property
    def intent(self) -> dict[str, Any]:
        """A user message's classified intent: name and confidence, or {}."""
        intent = (self.data.get("parse_data") or {}).get("intent")
        return intent if isinstance(intent, dict) else {}

    def entity_values(self, name: str) -> list[str]:
        """The values of one entity in a user message, in order."""
        entities = (self.data.get("parse_data") or {}).get("entities") or []
        return [str(e.get("value")) for e in entities if e.get("entity") == name]


def has_events(conn: Connection) -> bool:
    """Whether Rasa has created its table in this database yet."""
    return bool(inspect(conn).has_table("events"))


def read_events(
    conn: Connection,
    sender_ids: Collection[str] | None = None,
    types: Collection[str] | None = MESSAGE_EVENTS,
    active_since: float | None = None,
) -> Iterator[StoredEvent]:
    """Yield the events of ``types`` (None: every type) of some senders (or all), in order.

    With ``active_since``, only conversations with an event of ``types`` at or after that moment
    are read (all of their events, older ones included); the database does the filtering, so
    conversations gone quiet are never sent over, let alone parsed.
    """
    if not has_events(conn):
        return
    query = select(events.c.sender_id, events.c.type_name, events.c.timestamp, events.c.data)
    if types is not None:
        query = query.where(events.c.type_name.in_(tuple(types)))
    if sender_ids is not None:
        query = query.where(events.c.sender_id.in_(tuple(sender_ids)))
    if active_since is not None:
        active = select(events.c.sender_id).where(events.c.timestamp >= active_since)
        if types is not None:
            active = active.where(events.c.type_name.in_(tuple(types)))
        query = query.where(events.c.sender_id.in_(active.distinct()))
    for sender_id, type_name, timestamp, raw in conn.execute(query.order_by(events.c.id)):
        yield StoredEvent(sender_id, type_name, float(timestamp or 0.0), json.loads(raw))


def session_messages(engine: Engine, sender_id: str) -> list[dict[str, Any]]:
    """The user and bot messages of the sender's latest session, oldest first."""
    messages: list[dict[str, Any]] = []
    with engine.connect() as conn:
        for stored in read_events(conn, [sender_id]):
            type_name, event = stored.type_name, stored.data
            if type_name == "session_started":
                # A new session shows only its own messages; a restart before the user said
                # anything (the widget's /session_start) keeps the welcome it follows.
                if any(m["from"] == "user" for m in messages):
                    messages = []
            elif type_name == "user":
                text = event.get("text") or ""
                if not text.startswith("/"):
                    messages.append({"from": "user", "text": text})
            else:
                data = event.get("data") or {}
                messages.append(
                    {
                        "from": "bot",
                        "text": event.get("text"),
                        "buttons": data.get("buttons") or [],
                        "custom": data.get("custom"),
                    }
                )
    return messages
