"""Identifiers never reach the database, and "delete my data" leaves nothing of a conversation."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import String, Text, column, create_engine, inspect, or_, select, table
from sqlalchemy.engine import Engine

from bot.channels.conversations import conversation_id
from bot.serve import Stack
from tests.e2e.conftest import Chat
from tests.e2e.platform_requests import stored_events, stored_payloads

pytestmark = pytest.mark.e2e


@pytest.fixture
def database(stack: Stack) -> Iterator[Engine]:
    engine = create_engine(stack.settings.database_url, future=True)
    yield engine
    engine.dispose()


def rows_mentioning(engine: Engine, needle: str) -> dict[str, int]:
    """How many rows of each table hold ``needle`` in any text column."""
    found: dict[str, int] = {}
    schema = inspect(engine)
    with engine.connect() as conn:
        for name in schema.get_table_names():
            columns = [
                c["name"] for c in schema.get_columns(name) if isinstance(c["type"], (String, Text))
            ]
            if not columns:
                continue
            target = table(name, *(column(c) for c in columns))
            query = select(target).where(or_(*(target.c[c].contains(needle) for c in columns)))
            count = len(conn.execute(query).all())
            if count:
                found[name] = count
    return found


def test_identifiers_are_redacted_before_they_are_stored(
    chat: Chat, stack: Stack, database: Engine
) -> None:
    sender = f"privacy-{uuid.uuid4().hex[:8]}"
    email, phone = f"ann.{uuid.uuid4().hex[:6]}@example.org", "0412 987 654"
    chat(sender, "hello")
    replies = chat(
        sender, f"Can a volunteer call me please? My number is {phone}, or email {email}"
    )

    assert any((m.get("custom") or {}).get("type") == "ask_human" for m in replies)
    user_texts = [
        e["text"]
        for kind, e in stored_events(stack, conversation_id("rest", sender))
        if kind == "user"
    ]
    assert user_texts[-1] == (
        "Can a volunteer call me please? My number is [number removed], or email [email removed]"
    )
    assert rows_mentioning(database, email) == {}
    assert rows_mentioning(database, "987 654") == {}


def test_delete_my_data_asks_first_then_leaves_no_trace(
    chat: Chat, stack: Stack, database: Engine
) -> None:
    sender = f"forget-{uuid.uuid4().hex[:8]}"
    chat(sender, "is swimming good for me")
    chat(sender, "I get chest pain when I exercise")  # puts it in the volunteers' queue too
    assert stored_events(stack, conversation_id("rest", sender))

    asked = chat(sender, "please delete my data")
    (question,) = [m["custom"] for m in asked if "custom" in m]
    assert question["type"] == "delete"
    assert question["deleted"] is False
    buttons = [b for m in asked for b in m.get("buttons", [])]
    yes = next(b for b in buttons if "Yes" in b["title"])
    assert stored_events(stack, conversation_id("rest", sender)), (
        "nothing is deleted before the user confirms"
    )

    (done,) = [m for m in chat(sender, yes["payload"]) if "custom" in m]
    assert done["custom"]["deleted"] is True
    assert stored_events(stack, conversation_id("rest", sender)) == []
    assert rows_mentioning(database, sender) == {}

    # Writing again starts a new conversation, stored as usual.
    chat(sender, "can I do tai chi")
    assert [
        p["topic"]
        for p in stored_payloads(stack, conversation_id("rest", sender))
        if p["type"] == "answer"
    ] == ["tai_chi"]
