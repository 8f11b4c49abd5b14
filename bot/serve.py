"""Starts the assistant's servers, waits until each answers its health check, stops them cleanly.

`make run` and the end-to-end tests use the same Stack, so the tests exercise what users run.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import signal
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from bot.settings import PROJECT_ROOT, Settings

HEALTH_TIMEOUT = aiohttp.ClientTimeout(total=2)
STOP_GRACE_SECONDS = 10.0


@dataclass(frozen=True)
class Ports:
    """Where each server listens (all on loopback by default)."""

    rasa: int = 5005
    actions: int = 5055


@dataclass
class Server:
    """One child process and the URL that tells whether it is ready."""

    name: str
    argv: list[str]
    health_url: str
    process: asyncio.subprocess.Process | None = None


@dataclass
class Stack:
    """The action server and the Rasa server, configured from the environment."""

    settings: Settings
    ports: Ports = field(default_factory=Ports)
    host: str = "127.0.0.1"
    model: Path = PROJECT_ROOT / "models" / "myositis.tar.gz"
    log_dir: Path | None = None
    api_token: str = field(default_factory=lambda: os.environ.get("RASA_API_TOKEN") or "")
    servers: list[Server] = field(default_factory=list)

    def environment(self) -> dict[str, str]:
        """Environment of the children: endpoints.yml reads these variables."""
        env = dict(os.environ)
        env.setdefault("ACTION_ENDPOINT_URL", f"http://{self.host}:{self.ports.actions}/webhook")
        env["DATABASE_URL"] = self.settings.database_url
        env["PYTHONPATH"] = str(PROJECT_ROOT)
        env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        return env

    def plan(self) -> list[Server]:
        """Return the servers to start, in order."""
        if not self.api_token:
            self.api_token = secrets.token_urlsafe(24)
        cors = os.environ.get("CORS_ORIGINS", f"http://{self.host}:8080 http://localhost:8080")
        python = sys.executable
        rasa = str(Path(python).with_name("rasa"))
        return [
            Server(
                "actions",
                [
                    python,
                    "-m",
                    "rasa_sdk",
                    "--actions",
                    "actions",
                    "--port",
                    str(self.ports.actions),
                ],
                f"http://{self.host}:{self.ports.actions}/health",
            ),
            Server(
                "rasa",
                [
                    rasa,
                    "run",
                    "--enable-api",
                    "--model",
                    str(self.model),
                    "--endpoints",
                    str(PROJECT_ROOT / "endpoints.yml"),
                    "--credentials",
                    str(PROJECT_ROOT / "credentials.yml"),
                    "--port",
                    str(self.ports.rasa),
                    "--interface",
                    self.host,
                    "--auth-token",
                    self.api_token,
                    "--cors",
                    *cors.split(),
                ],
                f"http://{self.host}:{self.ports.rasa}/",
            ),
        ]

    async def start(self, ready_timeout: float = 180.0) -> None:
        """Start every server and wait until all are healthy.

        Raises:
            RuntimeError: a server exited or did not become healthy in time (its log is named).
        """
        env = self.environment()
        self.servers = self.plan()
        for server in self.servers:
            output = None
            if self.log_dir is not None:
                self.log_dir.mkdir(parents=True, exist_ok=True)
                output = (self.log_dir / f"{server.name}.log").open("ab")
            server.process = await asyncio.create_subprocess_exec(
                *server.argv,
                cwd=PROJECT_ROOT,
                env=env,
                stdout=output,
                stderr=output,
                start_new_session=True,
            )
        async with aiohttp.ClientSession(timeout=HEALTH_TIMEOUT) as session:
            await asyncio.gather(
                *(self._wait_ready(session, s, ready_timeout) for s in self.servers)
            )

    async def _wait_ready(
        self, session: aiohttp.ClientSession, server: Server, timeout: float
    ) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        assert server.process is not None
        while loop.time() < deadline:
            if server.process.returncode is not None:
                raise RuntimeError(f"{server.name} exited with {server.process.returncode}")
            with contextlib.suppress(aiohttp.ClientError, asyncio.TimeoutError):
                async with session.get(server.health_url) as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.5)
        raise RuntimeError(f"{server.name} did not answer {server.health_url} in {timeout:.0f}s")

    async def stop(self) -> None:
        """Stop every server: SIGTERM, then SIGKILL after a grace period."""
        for server in reversed(self.servers):
            process = server.process
            if process is None or process.returncode is not None:
                continue
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), STOP_GRACE_SECONDS)
            except asyncio.TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                await process.wait()

    def urls(self) -> Mapping[str, str]:
        """Where a person reaches each part."""
        base = f"http://{self.host}:{self.ports.rasa}"
        return {
            "REST channel": f"{base}/webhooks/rest/webhook",
            "socket.io channel": f"{base}/socket.io",
            "HTTP API (token needed)": f"{base}/status?token=...",
            "action server": f"http://{self.host}:{self.ports.actions}/health",
        }


async def serve(settings: Settings) -> int:
    """Run the stack until Ctrl-C or SIGTERM, or until a server dies."""
    stack = Stack(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stack.start()
        print("The Myositis Exercise Guide is up:")
        for name, url in stack.urls().items():
            print(f"  {name:24} {url}")
        if not os.environ.get("RASA_API_TOKEN"):
            print(
                f"  HTTP API token for this run: {stack.api_token} (set RASA_API_TOKEN to fix it)"
            )
        print("Press Ctrl-C to stop.")
        waits = [asyncio.create_task(s.process.wait()) for s in stack.servers if s.process]
        stopped = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait([stopped, *waits], return_when=asyncio.FIRST_COMPLETED)
        if stopped not in done:
            print("a server stopped unexpectedly; shutting down", file=sys.stderr)
            return 1
        return 0
    finally:
        print("stopping...")
        await stack.stop()
