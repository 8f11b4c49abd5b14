"""The handoff client against a fake Rasa HTTP API on loopback."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.console.rasa_client import RasaClient, RasaError
from bot.guide import Guide

TOKEN = "s3cret-token"


@pytest.fixture
async def fake_rasa() -> Any:
    received: list[dict[str, Any]] = []

    async def append(request: web.Request) -> web.Response:
        if request.query.get("token") != TOKEN:
            return web.json_response({"message": "bad token"}, status=401)
        received.append(
            {
                "method": request.method,
                "path": request.path,
                "query": dict(request.query),
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
    await client.start_handoff("user 1/x", "Vera", composer.handoff_started("Vera"))
    await client.send_reply("user 1/x", composer.volunteer_reply("Vera", "Hello, I'm Vera."))
    await client.end_handoff("user 1/x", composer.handoff_ended("Vera"))
    assert [r["method"] for r in received] == ["POST"] * 3
    assert {r["path"] for r in received} == {"/conversations/user 1/x/tracker/events"}
    expected_query = {"output_channel": "latest", "execute_side_effects": "true", "token": TOKEN}
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


async def test_a_refused_token_is_an_error(fake_rasa: Any, guide: Guide) -> None:
    server, received = fake_rasa
    with pytest.raises(RasaError, match="401"):
        await RasaClient(str(server.make_url("")), "wrong").append("someone", [])
    assert received == []


async def test_an_unreachable_rasa_is_an_error() -> None:
    client = RasaClient("http://127.0.0.1:9", TOKEN, aiohttp.ClientTimeout(total=2))
    with pytest.raises(RasaError, match="could not be reached"):
        await client.append("someone", [])


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
            await client.append("someone", [])
