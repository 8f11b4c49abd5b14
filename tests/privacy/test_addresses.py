"""Delivery addresses: encrypted at rest, deleted with their conversation, expired by retention."""

from __future__ import annotations

import secrets
import time
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.channels.conversations import conversation_id
from bot.privacy.addresses import delivery_addresses, lookup, store
from bot.retention import delete_conversations, expired_senders

NUMBER = "+61412987654"


@pytest.fixture(autouse=True)
def keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SESSION_SECRET", secrets.token_urlsafe(32))
    monkeypatch.setenv("ADDRESS_KEY", secrets.token_urlsafe(32))


def stored_rows(engine: Engine) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(select(delivery_addresses.c.sender_id, delivery_addresses.c.address))
        return [(sender, address) for sender, address in rows]


def test_an_address_is_stored_encrypted_and_read_back(engine: Engine) -> None:
    conversation = conversation_id("twilio", NUMBER)
    store(engine, conversation, NUMBER)
    store(engine, conversation, NUMBER)  # a second message keeps the one row
    ((sender, cipher),) = stored_rows(engine)
    assert sender == conversation
    assert "412987654" not in sender + cipher
    assert lookup(engine, conversation) == NUMBER


def test_another_key_reads_nothing(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    conversation = conversation_id("telegram", "123456789")
    store(engine, conversation, "123456789")
    monkeypatch.setenv("ADDRESS_KEY", secrets.token_urlsafe(32))
    assert lookup(engine, conversation) is None


def test_deleting_a_conversation_deletes_its_address(engine: Engine) -> None:
    mine, other = conversation_id("twilio", NUMBER), conversation_id("twilio", "+61400000001")
    store(engine, mine, NUMBER)
    store(engine, other, "+61400000001")
    with engine.begin() as conn:
        assert delete_conversations(conn, [mine]) == 1
    assert lookup(engine, mine) is None
    assert lookup(engine, other) == "+61400000001"


def test_retention_expires_an_address_whose_conversation_was_never_stored(
    engine: Engine,
) -> None:
    conversation = conversation_id("facebook", "6789012345678901")
    store(engine, conversation, "6789012345678901")
    with engine.connect() as conn:
        assert expired_senders(conn, datetime.now(timezone.utc) - timedelta(days=1)) == []
    later = datetime.fromtimestamp(time.time() + 60, timezone.utc)
    with engine.begin() as conn:
        assert expired_senders(conn, later) == [conversation]
        delete_conversations(conn, expired_senders(conn, later))
    assert stored_rows(engine) == []
