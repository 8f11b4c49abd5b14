"""What a volunteer sees when Rasa fails: a plain message, never Rasa's own error text."""

from __future__ import annotations

from dataclasses import replace

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.settings import Settings
from bot.web.app import create_app
from tests.console.conftest import VOLUNTEER, csrf_of, sign_in, store_request_for_a_human

INTERNAL = "Traceback: sqlalchemy.exc.OperationalError at db.internal:5432"


async def test_rasas_error_text_is_not_shown_to_volunteers(
    console_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def failing(_request: web.Request) -> web.Response:
        return web.Response(status=500, text=INTERNAL)

    fake = web.Application()
    fake.router.add_post("/conversations/{sender_id}/tracker/events", failing)
    store_request_for_a_human(console_settings, "user-1")
    async with TestServer(fake, host="127.0.0.1") as rasa:
        monkeypatch.setenv("RASA_JWT_SECRET", "secret-token-value-of-at-least-32-chars")
        settings = replace(console_settings, rasa_url=str(rasa.make_url("")))
        async with TestClient(TestServer(create_app(settings))) as client:
            assert await sign_in(client, VOLUNTEER) == 303
            base = "/console/conversations/user-1"
            token = csrf_of(await (await client.get(base)).text())
            assert (await client.post(f"{base}/claim", data={"csrf": token})).status == 200
            answer = await client.post(f"{base}/take-over", data={"csrf": token})
            text = await answer.text()
    assert answer.status == 502
    assert "The assistant did not respond" in text
    assert "Traceback" not in text
    assert "500" not in text
    assert "secret-token-value" not in text
