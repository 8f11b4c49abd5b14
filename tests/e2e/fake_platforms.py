"""A local stand-in for the Telegram, Messenger and Twilio APIs, recording every call it receives.

The running Rasa server is pointed at it (TELEGRAM_API_URL and friends), so the tests see exactly
what the channels would have sent to each platform, in the platform's own format.
"""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass(frozen=True)
class Call:
    """One request a channel made to a platform API."""

    platform: str
    path: str
    headers: dict[str, str]
    query: dict[str, str]
    json: Any = None
    form: dict[str, str] = field(default_factory=dict)


class FakePlatforms:
    """An aiohttp server on loopback in its own thread, answering as each platform does."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.calls: list[Call] = []
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._serve(), self._loop).result(timeout=10)

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    def sent(self, platform: str, **match: str) -> list[Call]:
        """The calls to ``platform`` so far whose path ends with ``path_end`` (if given)."""
        with self._lock:
            calls = [c for c in self.calls if c.platform == platform]
        path_end = match.get("path_end")
        return [c for c in calls if path_end is None or c.path.endswith(path_end)]

    def wait_for(
        self, platform: str, count: int, timeout: float = 30.0, **match: str
    ) -> list[Call]:
        """Wait until at least ``count`` matching calls arrived (deliveries may lag the webhook)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            calls = self.sent(platform, **match)
            if len(calls) >= count:
                return calls
            time.sleep(0.05)
        return self.sent(platform, **match)

    async def _serve(self) -> None:
        app = web.Application()
        app.router.add_post("/telegram/{path:.*}", self._telegram)
        app.router.add_post("/messenger/{path:.*}", self._messenger)
        app.router.add_post("/twilio/{path:.*}", self._twilio)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def _record(self, platform: str, request: web.Request) -> Call:
        body: Any = None
        form: dict[str, str] = {}
        if request.content_type == "application/json":
            body = await request.json()
        else:
            form = {k: str(v) for k, v in (await request.post()).items()}
        call = Call(
            platform,
            request.match_info["path"],
            dict(request.headers),
            dict(request.query),
            body,
            form,
        )
        with self._lock:
            self.calls.append(call)
        return call

    async def _telegram(self, request: web.Request) -> web.Response:
        call = await self._record("telegram", request)
        result: Any = True
        if call.path.endswith("/sendMessage"):
            result = {
                "message_id": len(self.calls),
                "date": int(time.time()),
                "chat": {"id": call.json["chat_id"], "type": "private"},
                "text": call.json["text"],
            }
        return web.json_response({"ok": True, "result": result})

    async def _messenger(self, request: web.Request) -> web.Response:
        call = await self._record("messenger", request)
        recipient = call.json["recipient"]["id"]
        return web.json_response({"recipient_id": recipient, "message_id": f"m_{len(self.calls)}"})

    async def _twilio(self, request: web.Request) -> web.Response:
        call = await self._record("twilio", request)
        return web.json_response(
            {"sid": f"SM{len(self.calls):032d}", "status": "queued", "to": call.form.get("To")},
            status=201,
        )
