"""Deleting conversations: old ones (retention) and a user's own on request (delete my data).

A conversation is every row its sender id has in Rasa's events table and in the console's
tables; deleting it removes all of them in the caller's transaction, so nothing is left half-gone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, inspect, select
from sqlalchemy.engine import Connection

from bot.console.tables import CONVERSATION_TABLES
from bot.web.history import events, has_events


def expired_senders(connection: Connection, older_than: datetime) -> list[str]:
    """The senders whose latest event happened before ``older_than`` (an aware datetime)."""
    if not has_events(connection):
        return []
    latest = func.max(events.c.timestamp)
    query = (
        select(events.c.sender_id)
        .group_by(events.c.sender_id)
        .having(latest < older_than.timestamp())
        .order_by(events.c.sender_id)
    )
    return list(connection.execute(query).scalars())


def delete_conversations(connection: Connection, sender_ids: Sequence[str]) -> int:
    """Delete every row of these senders from Rasa's events and every console table.

    Returns:
        How many of the senders had anything to delete.
    """
    wanted = list(dict.fromkeys(sender_ids))
    if not wanted:
        return 0
    present = inspect(connection)
    found: set[str] = set()
    for table in (events, *CONVERSATION_TABLES):
        if not present.has_table(table.name):
            continue
        found.update(
            connection.execute(
                select(table.c.sender_id).where(table.c.sender_id.in_(wanted)).distinct()
            ).scalars()
        )
        connection.execute(delete(table).where(table.c.sender_id.in_(wanted)))
    return len(found)
