"""Deleting conversations: old ones (retention) and a user's own on request (delete my data).

A conversation is every row its sender id has in Rasa's events table, in the console's tables and
among the encrypted delivery addresses (`bot.privacy.addresses`); deleting it removes all of them
in the caller's transaction, so nothing is left half-gone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, inspect, select
from sqlalchemy.engine import Connection

from bot.console.tables import CONVERSATION_TABLES
from bot.privacy.addresses import delivery_addresses
from bot.web.history import events, has_events


def expired_senders(connection: Connection, older_than: datetime) -> list[str]:
    """The senders whose latest event happened before ``older_than`` (an aware datetime).

    An address kept for a conversation that has no events (its message was never stored, say a
    refused one) expires by the time it was kept.
    """
    present = inspect(connection)
    found: set[str] = set()
    if has_events(connection):
        latest = func.max(events.c.timestamp)
        query = (
            select(events.c.sender_id)
            .group_by(events.c.sender_id)
            .having(latest < older_than.timestamp())
        )
        found.update(connection.execute(query).scalars())
    if present.has_table(delivery_addresses.name):
        query = select(delivery_addresses.c.sender_id).where(
            delivery_addresses.c.stored_at < older_than.timestamp()
        )
        if has_events(connection):
            query = query.where(
                delivery_addresses.c.sender_id.not_in(select(events.c.sender_id).distinct())
            )
        found.update(connection.execute(query).scalars())
    return sorted(found)


def delete_conversations(connection: Connection, sender_ids: Sequence[str]) -> int:
    """Delete every row of these senders: Rasa's events, every console table, their addresses.

    Returns:
        How many of the senders had anything to delete.
    """
    wanted = list(dict.fromkeys(sender_ids))
    if not wanted:
        return 0
    present = inspect(connection)
    found: set[str] = set()
    for table in (events, *CONVERSATION_TABLES, delivery_addresses):
        if not present.has_table(table.name):
            continue
        found.update(
            connection.execute(
                select(table.c.sender_id).where(table.c.sender_id.in_(wanted)).distinct()
            ).scalars()
        )
        connection.execute(delete(table).where(table.c.sender_id.in_(wanted)))
    return len(found)
