"""Rasa's Redis lock store, without the hang that follows a server dying mid-message.

Rasa 3.6 serves a conversation's messages in ticket order; a waiting message polls until its
ticket is first. When a server dies while holding a ticket, that ticket only expires after
TICKET_LOCK_LIFETIME, and the waiting message's own ticket, issued a moment later, expires just
after it. If the waiting server polls after both have expired (a busy event loop is enough), the
lock is left with no tickets, "now serving" is 0, and Rasa waits for its vanished ticket forever:
the user never gets a reply. Here a message whose ticket has expired with no older ticket left
goes ahead, as it would have had it polled in time.
"""

from __future__ import annotations

import asyncio

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig
from typing_extensions import override


class ExpiryTolerantRedisLockStore(RedisLockStore):
    """RedisLockStore whose waiting messages go ahead once nobody is ahead of them."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)

    @override
    async def _acquire_lock(
        self, conversation_id: str, ticket: int, wait_time_in_seconds: float
    ) -> TicketLock:
        while True:
            lock = self.get_lock(conversation_id)
            if not lock:
                break
            if not lock.is_locked(ticket) or nobody_ahead(lock, ticket):
                return lock
            await asyncio.sleep(wait_time_in_seconds)
            self.update_lock(conversation_id)
        raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")


def nobody_ahead(lock: TicketLock, ticket: int) -> bool:
    """Whether every ticket still in ``lock`` came after ``ticket`` (its own one has expired)."""
    return all(t.number > ticket for t in lock.tickets)
