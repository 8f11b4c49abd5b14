"""The store saves a tracker it has read without counting its rows, and stores what Rasa's would.

Each scenario runs against Rasa's own SQLTrackerStore and ours, on files of their own; the rows
stored must be the same, in the same order (user texts here hold nothing to redact).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy import stored_count
from bot.privacy.tracker_store import RedactingTrackerStore

pytestmark = pytest.mark.asyncio
SENDER = "web:stored-count"
# Scripted events happen after any that Rasa makes at the time it runs: a fixed instant in 2100,
# not "an import time plus a margin", which a slow suite (19 minutes on a loaded machine) outran.
NOW = 4_102_444_800.0
Scenario = Callable[[Callable[[], SQLTrackerStore]], Awaitable[None]]


def turn(text: str, at: float) -> list[Event]:
    """One exchange, with timestamps given so both stores get the same events."""
    return [
        UserUttered(text, {"name": "ask", "confidence": 1.0}, timestamp=at),
        ActionExecuted("utter_answer", timestamp=at + 0.1),
        BotUttered(f"answer to {text}", timestamp=at + 0.2),
        SlotSet("topic", text, timestamp=at + 0.3),
        ActionExecuted("action_listen", timestamp=at + 0.4),
    ]


def session_start(at: float) -> list[Event]:
    return [
        ActionExecuted("action_session_start", timestamp=at),
        SessionStarted(timestamp=at + 0.1),
        ActionExecuted("action_listen", timestamp=at + 0.2),
    ]


async def reply(store: SQLTrackerStore, text: str, at: float) -> DialogueStateTracker:
    """What Rasa does per message: read the tracker (or create it), add a turn, save it."""
    tracker = await store.get_or_create_tracker(SENDER)
    for event in turn(text, at):
        tracker.update(event)
    await store.save(tracker)
    return tracker


async def conversation(open_store: Callable[[], SQLTrackerStore]) -> None:
    store = open_store()
    for number in range(4):
        await reply(store, f"question {number}", NOW + number)


async def new_session_saved_twice(open_store: Callable[[], SQLTrackerStore]) -> None:
    """A session starts mid-tracker and the same tracker is saved again after more events."""
    store = open_store()
    await reply(store, "first", NOW)
    tracker = await store.get_or_create_tracker(SENDER)
    for event in session_start(NOW + 100) + turn("second", NOW + 101):
        tracker.update(event)
    await store.save(tracker)
    for event in turn("third", NOW + 102):
        tracker.update(event)
    await store.save(tracker)
    await reply(store, "fourth", NOW + 103)


async def another_server_between_messages(open_store: Callable[[], SQLTrackerStore]) -> None:
    """Two stores on one database take turns, as two Rasa servers sharing it do."""
    first, second = open_store(), open_store()
    for number in range(3):
        await reply(first, f"to the first {number}", NOW + 2 * number)
        await reply(second, f"to the second {number}", NOW + 1 + 2 * number)


async def a_tracker_built_elsewhere(open_store: Callable[[], SQLTrackerStore]) -> None:
    """A tracker the store did not read (as from Rasa's HTTP API) is saved as Rasa saves it."""
    store = open_store()
    await reply(store, "stored", NOW)
    tracker = DialogueStateTracker.from_events(SENDER, turn("stored", NOW) + turn("new", NOW + 1))
    await store.save(tracker)
    await reply(store, "after", NOW + 2)


def stored_rows(url: str) -> list[tuple[Any, ...]]:
    """Each row but its id, without the time of the listen Rasa adds to a new tracker."""
    engine = sqlalchemy.create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            sqlalchemy.text(
                "SELECT sender_id, type_name, timestamp, intent_name, action_name, data "
                "FROM events ORDER BY id"
            )
        ).all()
    engine.dispose()
    timeless = {"timestamp": None}
    return [
        (*r[:5], json.loads(r.data))
        if r.timestamp >= NOW
        else (*r[:2], None, *r[3:5], json.loads(r.data) | timeless)
        for r in rows
    ]


@pytest.mark.parametrize(
    "scenario",
    [
        conversation,
        new_session_saved_twice,
        another_server_between_messages,
        a_tracker_built_elsewhere,
    ],
)
async def test_ours_stores_the_rows_rasas_store_does(tmp_path: Path, scenario: Scenario) -> None:
    stored = {}
    for name, store_class in (("rasa", SQLTrackerStore), ("ours", RedactingTrackerStore)):
        path = tmp_path / f"{name}.db"
        await scenario(partial(store_class, domain=Domain.empty(), dialect="sqlite", db=str(path)))
        stored[name] = stored_rows(f"sqlite:///{path}")
    assert len(stored["ours"]) > 10
    assert stored["ours"] == stored["rasa"]


@contextmanager
def counting_queries(store: RedactingTrackerStore) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(args[2])

    sqlalchemy.event.listen(store.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sqlalchemy.event.remove(store.engine, "before_cursor_execute", record)


def counts(statements: list[str]) -> int:
    return sum("count(" in s.lower() for s in statements)


async def test_a_tracker_the_store_read_or_created_is_saved_without_a_count(
    tmp_path: Path,
) -> None:
    store = RedactingTrackerStore(
        domain=Domain.empty(), dialect="sqlite", db=str(tmp_path / "t.db")
    )
    with counting_queries(store) as statements:
        created = await store.get_or_create_tracker(SENDER)
    assert counts(statements) == 1  # nothing was known about a new conversation
    with counting_queries(store) as statements:
        created.update(UserUttered("hello"))
        await store.save(created)
        await reply(store, "next", NOW)
    assert counts(statements) == 0
    assert stored_count.stored(created) == len(created.events)


async def test_a_count_is_not_trusted_after_a_failed_save(tmp_path: Path) -> None:
    store = RedactingTrackerStore(
        domain=Domain.empty(), dialect="sqlite", db=str(tmp_path / "t.db")
    )
    tracker = await reply(store, "first", NOW)
    assert stored_count.stored(tracker) is not None
    with store.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE events")
    tracker.update(UserUttered("second"))
    with pytest.raises(sqlalchemy.exc.OperationalError):
        await store.save(tracker)
    assert stored_count.stored(tracker) is None
