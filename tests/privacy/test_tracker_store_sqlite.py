"""The SQLite tracker store writes ahead to a log: fast commits, nothing lost on a restart."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import text

from bot.db import engine_for
from bot.privacy.tracker_store import RedactingTrackerStore
from bot.settings import sqlite_url
from bot.web.history import session_messages

pytestmark = pytest.mark.asyncio
SENDER = "web:wal-test"


def open_store(path: Path) -> RedactingTrackerStore:
    return RedactingTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(path))


async def test_each_connection_writes_ahead_and_syncs_at_checkpoints(tmp_path: Path) -> None:
    store = open_store(tmp_path / "trackers.db")
    with store.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL


async def test_a_saved_conversation_survives_a_restart_and_is_read_by_the_web_app(
    tmp_path: Path,
) -> None:
    path = tmp_path / "trackers.db"
    tracker = DialogueStateTracker.from_events(
        SENDER, [UserUttered("can I swim?"), BotUttered("Yes, swimming is gentle.")]
    )
    await open_store(path).save(tracker)
    # The web app reads the same file through its own engine while the store keeps it open.
    texts = [m["text"] for m in session_messages(engine_for(sqlite_url(path)), SENDER)]
    assert texts == ["can I swim?", "Yes, swimming is gentle."]
    restarted = await open_store(path).retrieve(SENDER)
    assert restarted is not None
    assert [e.text for e in restarted.events if isinstance(e, (UserUttered, BotUttered))] == texts
