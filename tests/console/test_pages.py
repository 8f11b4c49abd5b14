"""Signed-in pages render under the strict policy, and handoff controls call Rasa."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.settings import Settings
from bot.web.app import create_app
from tests.console.conftest import VOLUNTEER, csrf_of, sign_in, store_request_for_a_human


async def test_report_and_search_pages(client: TestClient) -> None:
    assert await sign_in(client, VOLUNTEER) == 303
    report = await client.get("/console/report")
    assert report.status == 200
    assert "unsafe-inline" not in report.headers["Content-Security-Policy"]
    assert "of messages not understood" in await report.text()
    search = await client.get("/console/search", params={"q": "is tai chi good for me"})
    text = await search.text()
    assert search.status == 200
    assert re.search(r"Sources \(\d+\): ", text)
    assert "talk to your doctor" in text


async def test_handoff_controls_call_rasa(console_settings: Settings, monkeypatch: Any) -> None:
    calls: list[dict[str, Any]] = []

    async def append(request: web.Request) -> web.Response:
        calls.append({"sender": request.match_info["sender_id"], "events": await request.json()})
        return web.json_response({})

    fake = web.Application()
    fake.router.add_post("/conversations/{sender_id}/tracker/events", append)
    store_request_for_a_human(console_settings, "tg:user-1")
    async with TestServer(fake, host="127.0.0.1") as rasa:
        monkeypatch.setenv("RASA_JWT_SECRET", "t" * 32)
        settings = replace(console_settings, rasa_url=str(rasa.make_url("")))
        async with TestClient(TestServer(create_app(settings))) as client:
            assert await sign_in(client, VOLUNTEER) == 303
            page = await client.get("/console/conversations/tg:user-1")
            token = csrf_of(await page.text())
            base = "/console/conversations/tg:user-1"
            early = await client.post(f"{base}/take-over", data={"csrf": token})
            assert early.status == 409  # claim first
            assert (await client.post(f"{base}/claim", data={"csrf": token})).status == 200
            await client.post(f"{base}/take-over", data={"csrf": token})
            await client.post(f"{base}/reply", data={"csrf": token, "message": "Hi, Vera here"})
            blocked = await client.post(f"{base}/handled", data={"csrf": token})
            assert blocked.status == 409  # hand back first
            await client.post(f"{base}/hand-back", data={"csrf": token})
            done = await client.post(f"{base}/handled", data={"csrf": token})
            assert "handled" in await done.text()
    assert [c["sender"] for c in calls] == ["tg:user-1"] * 3
    start, reply, end = (c["events"] for c in calls)
    assert start[0] == {"event": "slot", "name": "volunteer", "value": "Vera"}
    assert start[1]["data"]["custom"]["type"] == "handoff"
    assert reply[0]["data"]["custom"]["type"] == "volunteer"
    assert reply[0]["data"]["custom"]["body"][-1] == "Hi, Vera here"
    assert "talk to your doctor" in reply[0]["text"], "a volunteer's reply carries the disclaimers"
    assert end[0] == {"event": "slot", "name": "volunteer", "value": None}
    assert end[1]["data"]["custom"]["type"] == "handoff"
