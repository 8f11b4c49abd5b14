"""Rasa's SQL tracker store, with identifiers redacted before storing and deletion on request.

Configured in endpoints.yml in place of `type: SQL`, so nothing reaches the events table
unredacted, whatever the channel. When the assistant confirms that it has deleted a
conversation (a reply whose payload says `"deleted": true`), the store deletes every row of that
conversation, console notes included, instead of saving it.
"""

from __future__ import annotations

import asyncio
import logging

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from typing_extensions import override

from bot.privacy.redact import redact
from bot.retention import delete_conversations

logger = logging.getLogger(__name__)


class RedactingTrackerStore(SQLTrackerStore):
    """SQLTrackerStore that stores users' words without identifiers, and forgets on request."""

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
