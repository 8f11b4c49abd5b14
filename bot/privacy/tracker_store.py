"""Rasa's SQL tracker store, with identifiers redacted before storing and deletion on request.

Configured in endpoints.yml in place of `type: SQL`, so nothing reaches the events table
unredacted, whatever the channel. When the assistant confirms that it has deleted a
conversation (a reply whose payload says `"deleted": true`), the store deletes every row of that
conversation, console notes included, instead of saving it.

On SQLite (the default run) the store keeps its connections open and writes ahead to a log,
synced to disk at checkpoints, not at every commit (`bot/sqlite_file.py`): waiting for the disk
on each of Rasa's per-message commits was the largest single cost of a message, and opening the
file for every session the next (benchmarks/README.md). A committed message survives any restart
or crash of the process; only a power cut can lose the last commits (PostgreSQL, the production
store, keeps its own durability settings).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import sqlalchemy
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from typing_extensions import override

from bot.privacy.redact import redact
from bot.retention import delete_conversations
from bot.sqlite_file import pooled_sqlite_engine

logger = logging.getLogger(__name__)


class RedactingTrackerStore(SQLTrackerStore):
    """SQLTrackerStore that stores users' words without identifiers, and forgets on request."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":  # type: ignore[has-type]
            self.engine = pooled_sqlite_engine(self.engine.url)  # type: ignore[has-type]
            self.sessionmaker = sqlalchemy.orm.sessionmaker(bind=self.engine)

    @override
    async def save(self, tracker: DialogueStateTracker) -> None:
        if erase_requested(tracker):
            await asyncio.to_thread(self._erase, tracker.sender_id)
            return
        redact_user_messages(tracker)
        await super().save(tracker)

    def _erase(self, sender_id: str) -> None:
        with self.engine.begin() as connection:
            delete_conversations(connection, [sender_id])
        logger.info("deleted a conversation at its user's request")


def redact_user_messages(tracker: DialogueStateTracker) -> None:
    """Redact, in place, the text of every user message of the tracker."""
    for event in tracker.events:
        if isinstance(event, UserUttered) and event.text:
            event.text = redact(event.text)
            event.parse_data["text"] = event.text


def erase_requested(tracker: DialogueStateTracker) -> bool:
    """Whether the assistant's reply to the latest message confirmed deleting the conversation."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, BotUttered) and (event.data.get("custom") or {}).get("deleted"):
            return True
    return False
