"""The handoff client against a fake Rasa HTTP API on loopback."""

from __future__ import annotations

import time
from typing import Any

import aiohttp
import jwt
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.console.rasa_client import JWT_LIFETIME_SECONDS, RasaClient, RasaError
from bot.guide import Guide

TOKEN = "s3cret-jwt-key-of-at-least-32-characters"


def _claims(request: web.Request) -> dict[str, Any] | None:
    """The request's JWT claims if signed with TOKEN and unexpired, as Rasa checks them."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme != "Bearer":
        return None
    try:
        claims: dict[str, Any] = jwt.decode(token, TOKEN, algorithms=["HS256"])
    except jwt.InvalidTokenError:
        return None
    return claims


@pytest.fixture
async def fake_rasa() -> Any:
    received: list[dict[str, Any]] = []

    async def append(request: web.Request) -> web.Response:
        claims = _claims(request)
        if claims is None:
            return web.json_response({"message": "not authenticated"}, status=401)
        received.append(
            {
                "method": request.method,
                "path": request.path,
                "url": request.path_qs,
                "query": dict(request.query),
                "claims": claims,
                "received_at": time.time(),
                "body": await request.json(),
            }
        )
        return web.json_response({"tracker": {}, "messages": []})

    app = web.Application()
    app.router.add_post("/conversations/{sender_id}/tracker/events", append)
    async with TestServer(app, host="127.0.0.1") as server:
        yield server, received


async def test_the_three_handoff_calls(fake_rasa: Any, guide: Guide) -> None:
    server, received = fake_rasa
    client = RasaClient(str(server.make_url("")), TOKEN)
    composer = guide.composer
    await client.start_handoff("tg:user 1/x", "Vera", composer.handoff_started("Vera"))
    await client.send_reply("tg:user 1/x", composer.volunteer_reply("Vera", "Hello, I'm Vera."))
    await client.end_handoff("tg:user 1/x", composer.handoff_ended("Vera"))
    assert [r["method"] for r in received] == ["POST"] * 3
    assert {r["path"] for r in received} == {"/conversations/tg:user 1/x/tracker/events"}
    expected_query = {"output_channel": "telegram", "execute_side_effects": "true"}
    assert all(r["query"] == expected_query for r in received)
    start, reply, end = (r["body"] for r in received)
    assert start[0] == {"event": "slot", "name": "volunteer", "value": "Vera"}
    assert [e["event"] for e in start] == ["slot", "bot"]
    assert "Vera" in start[1]["text"]
    assert reply == [
        {
            "event": "bot",
            "text": composer.volunteer_reply("Vera", "Hello, I'm Vera.").text,
            "data": {
                "buttons": [],
                "custom": composer.volunteer_reply("Vera", "Hello, I'm Vera.").payload,
            },
        }
    ]
    assert end[0] == {"event": "slot", "name": "volunteer", "value": None}


@pytest.mark.parametrize(
    ("conversation", "channel"),
    [
        ("web:0a1b", "socketio"),
        ("tg:0a1b", "telegram"),
        ("fb:0a1b", "facebook"),
        ("sms:0a1b", "twilio"),
        ("rest:someone", "rest"),
    ],
)
async def test_replies_go_to_the_conversations_own_channel_never_the_latest(
    fake_rasa: Any, guide: Guide, conversation: str, channel: str
) -> None:
    server, received = fake_rasa
    reply = guide.composer.volunteer_reply("Vera", "Hello")
    await RasaClient(str(server.make_url("")), TOKEN).send_reply(conversation, reply)
    assert [r["query"]["output_channel"] for r in received] == [channel]


async def test_a_conversation_without_a_channel_prefix_is_not_answered(
    fake_rasa: Any, guide: Guide
) -> None:
    server, received = fake_rasa
    reply = guide.composer.volunteer_reply("Vera", "Hello")
    with pytest.raises(RasaError, match="channel is unknown"):
        await RasaClient(str(server.make_url("")), TOKEN).send_reply("123456789", reply)
    assert received == []


async def test_each_call_carries_a_one_minute_jwt_for_its_conversation_and_no_url_token(
    fake_rasa: Any, guide: Guide
) -> None:
    # URLs reach access logs; a JWT in the header that leaks opens one conversation for a minute.
    server, received = fake_rasa
    client = RasaClient(str(server.make_url("")), TOKEN)
    await client.send_reply("web:0a1b", guide.composer.volunteer_reply("Vera", "Hello"))
    await client.send_reply("tg:2c3d", guide.composer.volunteer_reply("Vera", "Hello"))
    first, second = received
    for call, conversation in ((first, "web:0a1b"), (second, "tg:2c3d")):
        assert TOKEN not in call["url"]
        assert "token" not in call["query"]
        claims = call["claims"]
        assert claims["user"] == {"username": conversation, "role": "user"}
        assert 0 < claims["exp"] - call["received_at"] <= JWT_LIFETIME_SECONDS
        assert claims["exp"] - claims["iat"] == JWT_LIFETIME_SECONDS
    assert TOKEN not in repr(client)


async def test_a_refused_jwt_is_an_error(fake_rasa: Any, guide: Guide) -> None:
    server, received = fake_rasa
    wrong = "another-secret-of-at-least-32-characters"
    with pytest.raises(RasaError, match="401"):
        await RasaClient(str(server.make_url("")), wrong).append("web:someone", [])
    assert received == []


async def test_without_a_jwt_secret_rasa_is_not_called(fake_rasa: Any) -> None:
    server, received = fake_rasa
    with pytest.raises(RasaError, match="RASA_JWT_SECRET is not set"):
        await RasaClient(str(server.make_url("")), "").append("web:someone", [])
    assert received == []


async def test_an_unreachable_rasa_is_an_error() -> None:
    client = RasaClient("http://127.0.0.1:9", TOKEN, aiohttp.ClientTimeout(total=2))
    with pytest.raises(RasaError, match="could not be reached"):
        await client.append("web:someone", [])


async def test_a_slow_rasa_times_out(fake_rasa: Any) -> None:
    import asyncio

    async def slow(_request: web.Request) -> web.Response:
        await asyncio.sleep(5)
        return web.json_response({})

    app = web.Application()
    app.router.add_post("/conversations/{sender_id}/tracker/events", slow)
    async with TestServer(app, host="127.0.0.1") as server:
        client = RasaClient(str(server.make_url("")), TOKEN, aiohttp.ClientTimeout(total=0.5))
        with pytest.raises(RasaError):
            await client.append("web:someone", [])
