"""Reads a conversation's current session back from Rasa's SQL tracker store, for the widget.

Rasa owns the `events` table; this module only reads it, in a worker thread (SQLAlchemy here is
synchronous), with a connection per call.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, inspect, select
from sqlalchemy.engine import Engine

_metadata = MetaData()
# The columns of Rasa 3.6's SQLTrackerStore table that history needs.
events = Table(
    "events",
    _metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
    Column("type_name", String(255)),
    Column("data", Text),
)


def session_messages(engine: Engine, sender_id: str) -> list[dict[str, Any]]:
    """The user and bot messages of the sender's latest session, oldest first."""
    if not inspect(engine).has_table("events"):
        return []
    query = (
        select(events.c.type_name, events.c.data)
        .where(events.c.sender_id == sender_id)
        .where(events.c.type_name.in_(("user", "bot", "session_started")))
        .order_by(events.c.id)
    )
    messages: list[dict[str, Any]] = []
    with engine.connect() as conn:
        for type_name, raw in conn.execute(query):
            event = json.loads(raw)
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
