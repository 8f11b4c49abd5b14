"""Retention and delete-my-data: old conversations vanish from every table, recent ones stay."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from bot.console import cases, tables
from bot.console.accounts import Role, add_account
from bot.console.migrate import migrate
from bot.retention import delete_conversations, expired_senders
from bot.web.history import events


def _create_events_table(engine: Engine) -> None:
    events.metadata.create_all(engine, tables=[events])


def _say(engine: Engine, sender: str, when: float) -> None:
    with engine.begin() as conn:
        conn.execute(
            events.insert().values(
                sender_id=sender,
                type_name="user",
                timestamp=when,
                intent_name="greet",
                data=json.dumps({"event": "user", "text": "hi", "timestamp": when}),
            )
        )


def _rows(engine: Engine, sender: str) -> int:
    total = 0
    with engine.connect() as conn:
        for table in (events, tables.cases, tables.notes):
            total += conn.execute(
                select(func.count()).select_from(table).where(table.c.sender_id == sender)
            ).scalar_one()
    return total


def test_retention_deletes_old_conversations_and_their_console_rows(engine: Engine) -> None:
    migrate(engine)
    _create_events_table(engine)
    now = time.time()
    _say(engine, "old", now - 40 * 86400)
    _say(engine, "recent", now - 40 * 86400)
    _say(engine, "recent", now - 86400)  # still active: its old events stay too
    with engine.begin() as conn:
        account = add_account(conn, "v@example.org", "a long enough password", Role.VOLUNTEER)
        for sender in ("old", "recent"):
            cases.claim(conn, sender, account, now)
            cases.add_note(conn, sender, account, "called back", now)
    assert _rows(engine, "old") == 3
    cutoff = datetime.now(timezone.utc) - timedelta(days=30)
    with engine.begin() as conn:
        expired = expired_senders(conn, cutoff)
        assert expired == ["old"]
        assert delete_conversations(conn, expired) == 1
    assert _rows(engine, "old") == 0
    assert _rows(engine, "recent") == 4


def test_delete_my_data_counts_only_conversations_that_existed(engine: Engine) -> None:
    migrate(engine)
    _create_events_table(engine)
    _say(engine, "me", time.time())
    with engine.begin() as conn:
        assert delete_conversations(conn, ["me", "me", "nobody"]) == 1
        assert delete_conversations(conn, []) == 0
    assert _rows(engine, "me") == 0


def test_retention_before_rasa_created_its_table(engine: Engine) -> None:
    migrate(engine)
    with engine.begin() as conn:
        assert expired_senders(conn, datetime.now(timezone.utc)) == []
        assert delete_conversations(conn, ["anyone"]) == 0
