"""The production lock store lets a message go ahead once nobody is ahead of it (real Redis)."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest
from rasa.core.lock_store import RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from bot.lock_store import ExpiryTolerantRedisLockStore

LIFETIME = 0.3


def stores(
    redis_environment: dict[str, str],
) -> tuple[RedisLockStore, ExpiryTolerantRedisLockStore]:
    config = EndpointConfig(
        url=redis_environment["REDIS_HOST"],
        port=int(redis_environment["REDIS_PORT"]),
        db=int(redis_environment["REDIS_DB"]),
        password=redis_environment["REDIS_PASSWORD"] or None,
        key_prefix=redis_environment["REDIS_KEY_PREFIX"],
    )
    stock = RedisLockStore(host=config.url, **config.kwargs)
    return stock, ExpiryTolerantRedisLockStore(config)


def dead_server_then_waiting_message(store: RedisLockStore, conversation: str) -> int:
    """A server takes a ticket and dies; the retry takes the next; both expire while it waits."""
    store.issue_ticket(conversation, LIFETIME)
    waiting = store.issue_ticket(conversation, LIFETIME)
    time.sleep(LIFETIME * 3)
    store.update_lock(conversation)
    return int(waiting)


def test_stock_rasa_waits_forever_and_ours_goes_ahead(redis_environment: dict[str, str]) -> None:
    stock, ours = stores(redis_environment)

    conversation = f"c-{uuid.uuid4().hex}"
    ticket = dead_server_then_waiting_message(stock, conversation)
    with pytest.raises(asyncio.TimeoutError):
        asyncio.run(asyncio.wait_for(stock._acquire_lock(conversation, ticket, 0.05), 1.0))

    conversation = f"c-{uuid.uuid4().hex}"
    ticket = dead_server_then_waiting_message(ours, conversation)
    lock = asyncio.run(asyncio.wait_for(ours._acquire_lock(conversation, ticket, 0.05), 1.0))
    assert lock.conversation_id == conversation


def test_a_live_ticket_ahead_still_makes_a_message_wait(redis_environment: dict[str, str]) -> None:
    _, ours = stores(redis_environment)
    conversation = f"c-{uuid.uuid4().hex}"
    ours.issue_ticket(conversation, 60)  # a server busy with this conversation's last message
    waiting = ours.issue_ticket(conversation, 60)
    with pytest.raises(asyncio.TimeoutError):
        asyncio.run(asyncio.wait_for(ours._acquire_lock(conversation, waiting, 0.05), 0.5))
