"""Limits a client cannot dodge by choosing new sender ids: per address (REST) and per connection.

The REST channel runs on a real Sanic server behind a pretend proxy (TRUSTED_PROXY_COUNT=1), with
Rasa replaced by a stub that answers every message, so only the channel and its guard are tried.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from types import SimpleNamespace

import aiohttp
import pytest
import pytest_asyncio
from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from bot.channels import rest
from bot.channels.guard import InputGuard
from bot.channels.limits import MemoryRateLimiter
from bot.channels.rest import GuardedRestInput
from bot.channels.socketio import connection_address
from bot.guide import composer_for
from bot.knowledge.schema import KnowledgeSet
from bot.settings import Settings
from tests.sanic_serving import free_port, serving

REST_TOKEN = "rest-token-for-this-test"
PER_ADDRESS = 3


@pytest.fixture
def guard(settings: Settings, knowledge: KnowledgeSet) -> InputGuard:
    limits = replace(
        settings,
        rate_limit_per_minute=30,
        rate_limit_per_address_per_minute=PER_ADDRESS,
        trusted_proxy_count=1,
    )
    return InputGuard(limits, MemoryRateLimiter(), composer_for(knowledge, settings))


async def answer(message: UserMessage) -> None:
    """Rasa's part, stubbed: one reply to every message."""
    await message.output_channel.send_text_message(message.sender_id, "an answer")


@pytest_asyncio.fixture
async def webhook(guard: InputGuard, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[str]:
    monkeypatch.setenv("REST_CHANNEL_TOKEN", REST_TOKEN)
    monkeypatch.setattr(rest, "shared_guard", lambda: guard)
    app = Sanic(f"rest_limits_{free_port()}")
    app.ctx.agent = None
    app.blueprint(GuardedRestInput().blueprint(answer), url_prefix="/webhooks/rest")
    async with serving(app) as port:
        yield f"http://127.0.0.1:{port}/webhooks/rest/webhook"


async def post(url: str, sender: str, forwarded_for: str) -> tuple[int, dict[str, str], object]:
    headers = {"Authorization": f"Bearer {REST_TOKEN}", "X-Forwarded-For": forwarded_for}
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            url,
            json={"sender": sender, "message": "hello"},
            headers=headers,
            timeout=aiohttp.ClientTimeout(30),
        ) as response,
    ):
        return response.status, dict(response.headers), await response.json()


async def test_rest_limits_one_address_making_up_senders(webhook: str) -> None:
    # The client writes its own first hop each time; the proxy's hop is the one that counts.
    answers = [
        await post(webhook, f"made-up-{n}", f"10.0.{n}.1, 198.51.100.7")
        for n in range(PER_ADDRESS + 1)
    ]
    assert [status for status, _, _ in answers] == [200] * PER_ADDRESS + [429]
    _, headers, body = answers[-1]
    assert isinstance(body, dict)
    assert "too many messages" in body["error"]
    assert 1 <= int(headers["Retry-After"]) <= 60
    assert body["retry_after"] == int(headers["Retry-After"])
    other, _, _ = await post(webhook, "made-up-0", "198.51.100.8")  # another client
    assert other == 200


def test_a_socketio_connection_s_address_is_read_like_the_console_s(guard: InputGuard) -> None:
    opened_by = SimpleNamespace(ip="10.0.0.2")  # the proxy, as the socket's peer
    environ = {"sanic.request": opened_by, "HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.7"}
    assert connection_address(guard, environ) == "198.51.100.7"
    assert connection_address(guard, {"sanic.request": opened_by}) == "10.0.0.2"
    assert connection_address(guard, None) == "unknown"
