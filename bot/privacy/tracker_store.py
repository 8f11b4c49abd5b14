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
import itertools
import json
import logging
from collections.abc import Iterator
from typing import Any

import sqlalchemy
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import BotUttered, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from typing_extensions import override

from bot.privacy import stored_count
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
        # Rasa's event query for one session or all, by fetch_events_from_all_sessions.
        self._event_statements: dict[bool, sqlalchemy.sql.Select] = {}

    @override
    async def save(self, tracker: DialogueStateTracker) -> None:
        if erase_requested(tracker):
            await asyncio.to_thread(self._erase, tracker.sender_id)
            stored_count.forget(tracker)
            return
        redact_user_messages(tracker)
        try:
            await self._store_new_events(tracker)
        except BaseException:
            stored_count.forget(tracker)
            raise
        if stored_count.stored(tracker) is not None:
            # The store now holds the tracker's events: its latest session is counted as the
            # query would count it.
            stored_count.remember(tracker, stored_count.session_events(tracker))

    async def _store_new_events(self, tracker: DialogueStateTracker) -> None:
        """Rasa's save, with the new rows inserted in one statement rather than as ORM objects.

        The unit of work inserted them one statement each and was most of a save's time.
        """
        await self.stream_events(tracker)
        with self.session_scope() as session:
            new = self._additional_events(session, tracker)
            rows = [event_row(tracker.sender_id, event) for event in new]
            if rows:
                session.connection().execute(self.SQLEvent.__table__.insert(), rows)
            session.commit()

    @override
    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator[Any]:
        """The tracker's events not stored yet, counted without a query when the count is known."""
        count = stored_count.stored(tracker)
        if count is None:
            count = self._event_query(session, tracker.sender_id, False).count()
            if count == 0:
                # Nothing stored for the conversation (the query counts at least its session
                # start, or every row when there is none): it will hold the tracker's events.
                stored_count.remember(tracker, 0)
        return itertools.islice(tracker.events, count, len(tracker.events))

    @override
    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        """Rasa's retrieval, noting how many events the store holds for the tracker it returns."""
        with self.session_scope() as session:
            statement = self._event_statements.get(fetch_events_from_all_sessions)
            if statement is None:
                # Rasa's own query, with the sender as a parameter: built once, and executed
                # without loading each row into an object (only its data is read).
                query = self._event_query(
                    session, sqlalchemy.bindparam("sender_id"), fetch_events_from_all_sessions
                )
                statement = query.with_entities(self.SQLEvent.data).statement
                self._event_statements[fetch_events_from_all_sessions] = statement
            rows = session.connection().execute(statement, {"sender_id": sender_id})
            events = [json.loads(data) for data in rows.scalars()]
        if not self.domain or not events:
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        if not fetch_events_from_all_sessions and len(events) == stored_count.session_events(
            tracker
        ):  # (not so if the tracker could not hold an event it was given)
            stored_count.remember(tracker, len(events))
        return tracker

    def _erase(self, sender_id: str) -> None:
        with self.engine.begin() as connection:
            delete_conversations(connection, [sender_id])
        logger.info("deleted a conversation at its user's request")


def event_row(sender_id: str, event: Event) -> dict[str, Any]:
    """The events table's row for an event, with the columns Rasa's save fills."""
    data = event.as_dict()
    return {
        "sender_id": sender_id,
        "type_name": event.type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }


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
