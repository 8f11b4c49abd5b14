"""The queue and the report read only recently active conversations, filtered in SQL.

Otherwise every page view would read and parse every event ever stored, and anyone could slow the
volunteers' queue (a safeguarding tool) by making up conversations.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from bot.console.queue import Reason, build_queue, queue_window_start
from bot.console.report import build_report
from bot.db import engine_for
from bot.nlp.analyzer import Analyzer
from bot.settings import Settings
from bot.web.app import create_app
from bot.web.history import events
from tests.console.conftest import VOLUNTEER, sign_in

DAY = 86400.0
NOW = time.time()
OLD = "web:gone-quiet-long-ago"
RECENT = "web:active-this-week"


def store_warning_sign(engine: Engine, sender_id: str, at: float) -> None:
    """A user reporting a warning sign and the assistant's safety reply, as Rasa stores them."""
    said: dict[str, Any] = {
        "event": "user",
        "text": "I get chest pain when I exercise",
        "timestamp": at,
        "input_channel": "socketio",
        "parse_data": {"intent": {"name": "report_warning_sign", "confidence": 0.97}},
    }
    answered: dict[str, Any] = {
        "event": "bot",
        "text": "Call 000 now.",
        "timestamp": at + 1,
        "data": {"custom": {"type": "red_flag", "urgency": "emergency"}},
    }
    events.metadata.create_all(engine, tables=[events])
    with engine.begin() as conn:
        for data in (said, answered):
            conn.execute(
                events.insert().values(
                    sender_id=sender_id,
                    type_name=data["event"],
                    timestamp=data["timestamp"],
                    data=json.dumps(data),
                )
            )


@pytest.fixture
def window_settings(console_settings: Settings) -> Settings:
    """The console's database with one old and one recent conversation, each with a warning sign."""
    engine = engine_for(console_settings.database_url)
    store_warning_sign(engine, OLD, NOW - 120 * DAY)
    store_warning_sign(engine, RECENT, NOW - 3 * DAY)
    return replace(console_settings, console_queue_days=90)


class RowsRead:
    """Counts the rows the database returns for the statements run on one connection."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.statements: list[tuple[str, Any]] = []

    def __enter__(self) -> RowsRead:
        event.listen(self.conn, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *_: object) -> None:
        event.remove(self.conn, "before_cursor_execute", self._record)

    def _record(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "FROM events" in statement:
            self.statements.append((statement, parameters))

    def of_events(self) -> int:
        """The event rows those statements returned (run again, now the listener is gone)."""
        return sum(len(self.conn.exec_driver_sql(s, p).fetchall()) for s, p in self.statements)


@pytest.fixture
def conn(window_settings: Settings) -> Iterator[Connection]:
    with engine_for(window_settings.database_url).connect() as connection:
        yield connection


def test_only_conversations_active_in_the_window_are_queued(
    window_settings: Settings, conn: Connection
) -> None:
    with RowsRead(conn) as read:
        queue = build_queue(conn, queue_window_start(window_settings, NOW))
    assert [(c.sender_id, c.reasons) for c in queue] == [(RECENT, [Reason.WARNING_SIGN])]
    assert read.of_events() == 2  # the recent conversation's two events; none of the old one's


def test_a_longer_window_reaches_the_old_conversation(
    window_settings: Settings, conn: Connection
) -> None:
    longer = replace(window_settings, console_queue_days=365)
    queue = build_queue(conn, queue_window_start(longer, NOW))
    assert {c.sender_id for c in queue} == {OLD, RECENT}


def test_the_report_reads_only_its_period(conn: Connection, analyzer: Analyzer) -> None:
    with RowsRead(conn) as read:
        report = build_report(conn, analyzer, since=NOW - 12 * 7 * DAY)
    assert report.warning_signs == 1
    assert read.of_events() == 2


async def test_the_queue_page_uses_the_configured_window(window_settings: Settings) -> None:
    async with TestClient(TestServer(create_app(window_settings))) as client:
        assert await sign_in(client, VOLUNTEER) == 303
        listed = await (await client.get("/console/api/queue")).json()
    assert [c["sender_id"] for c in listed["cases"]] == [RECENT]
