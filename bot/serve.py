"""Starts the assistant's servers, waits until each answers its health check, stops them cleanly.

`make run` and the end-to-end tests use the same Stack, so the tests exercise what users run.
A supervisor only starts, polls and stops processes, so it is plain synchronous code.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from bot.settings import PROJECT_ROOT, Settings

HEALTH_TIMEOUT_SECONDS = 2.0
WARM_UP_TIMEOUT_SECONDS = 120.0
STOP_GRACE_SECONDS = 10.0


@dataclass(frozen=True)
class Ports:
    """Where each server listens (all on loopback by default)."""

    rasa: int = 5005
    actions: int = 5055
    web: int = 8080


@dataclass
class Server:
    """One child process and the URL that tells whether it is ready."""

    name: str
    argv: list[str]
    health_url: str
    process: subprocess.Popen[bytes] | None = None

    def is_healthy(self) -> bool:
        """Whether the server answers its health URL with 200 right now."""
        try:
            with urllib.request.urlopen(
                self.health_url, timeout=HEALTH_TIMEOUT_SECONDS
            ) as response:
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError):
            return False


@dataclass
class Stack:
    """The action server, the Rasa server and the web app, configured from the environment."""

    settings: Settings
    ports: Ports = field(default_factory=Ports)
    host: str = "127.0.0.1"
    model: Path = PROJECT_ROOT / "models" / "myositis.tar.gz"
    endpoints: Path = PROJECT_ROOT / "endpoints.yml"
    credentials: Path = PROJECT_ROOT / "credentials.yml"
    # Which servers to start; the benchmarks run a stock Rasa assistant as the Rasa server alone.
    only: tuple[str, ...] = ("actions", "rasa", "web")
    # Rasa's command line; ours validates action responses faster (bot/rasa_server.py says how).
    rasa_command: tuple[str, ...] = (sys.executable, "-m", "bot.rasa_server")
    log_dir: Path | None = None
    api_token: str = field(default_factory=lambda: os.environ.get("RASA_API_TOKEN") or "")
    servers: list[Server] = field(default_factory=list)

    def environment(self) -> dict[str, str]:
        """Environment of the children: endpoints.yml reads these variables."""
        env = dict(os.environ)
        env.setdefault("ACTION_ENDPOINT_URL", f"http://{self.host}:{self.ports.actions}/webhook")
        env["DATABASE_URL"] = self.settings.database_url
        env["PYTHONPATH"] = str(PROJECT_ROOT)
        env.setdefault("RASA_PUBLIC_URL", f"http://{self.host}:{self.ports.rasa}")
        env.setdefault(
            "CORS_ORIGINS", f"http://{self.host}:{self.ports.web} http://localhost:{self.ports.web}"
        )
        env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        return env

    def plan(self) -> list[Server]:
        """Return the servers to start, in order (those named in ``only``)."""
        if not self.api_token:
            self.api_token = secrets.token_urlsafe(24)
        python = sys.executable
        servers = [
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
                    *self.rasa_command,
                    "run",
                    "--enable-api",
                    "--model",
                    str(self.model),
                    "--endpoints",
                    str(self.endpoints),
                    "--credentials",
                    str(self.credentials),
                    "--port",
                    str(self.ports.rasa),
                    "--interface",
                    self.host,
                    "--auth-token",
                    self.api_token,
                    "--cors",
                    *self.environment()["CORS_ORIGINS"].split(),
                ],
                f"http://{self.host}:{self.ports.rasa}/",
            ),
            Server(
                "web",
                [python, "-m", "bot", "web", "--host", self.host, "--port", str(self.ports.web)],
                f"http://{self.host}:{self.ports.web}/health",
            ),
        ]
        return [s for s in servers if s.name in self.only]

    def start(self, ready_timeout: float = 180.0) -> None:
        """Start every server, wait until all are healthy, and warm the action server.

        Raises:
            RuntimeError: a server exited or did not become healthy in time.
        """
        self.servers = self.plan()
        self._launch(self.servers, ready_timeout)
        if "actions" in self.only:
            self.warm_actions()

    def warm_actions(self) -> None:
        """Run one action so the knowledge index is built at start-up, not on a user's message.

        Raises:
            RuntimeError: the action server could not answer.
        """
        tracker = {
            "sender_id": "warm-up",
            "slots": {},
            "latest_message": {},
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": None,
        }
        body = json.dumps(
            {
                "next_action": "action_welcome",
                "sender_id": "warm-up",
                "tracker": tracker,
                "domain": {},
            }
        ).encode()
        request = urllib.request.Request(
            f"http://{self.host}:{self.ports.actions}/webhook",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=WARM_UP_TIMEOUT_SECONDS) as response:
                json.load(response)
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise RuntimeError(f"the action server could not warm up: {error}") from error

    def stop_server(self, name: str) -> None:
        """Stop one server (tests use it to show a conversation survives its restart)."""
        self._terminate(self._named(name))

    def start_server(self, name: str, ready_timeout: float = 180.0) -> None:
        """Start one stopped server again and wait until it is healthy."""
        self._launch([self._named(name)], ready_timeout)

    def _named(self, name: str) -> Server:
        return next(s for s in self.servers if s.name == name)

    def _launch(self, servers: list[Server], ready_timeout: float) -> None:
        env = self.environment()
        for server in servers:
            output = None
            if self.log_dir is not None:
                self.log_dir.mkdir(parents=True, exist_ok=True)
                output = (self.log_dir / f"{server.name}.log").open("ab")
            server.process = subprocess.Popen(
                server.argv,
                cwd=PROJECT_ROOT,
                env=env,
                stdout=output,
                stderr=output,
                start_new_session=True,
            )
        deadline = time.monotonic() + ready_timeout
        waiting = list(servers)
        while waiting:
            for server in list(waiting):
                assert server.process is not None
                if server.process.poll() is not None:
                    raise RuntimeError(f"{server.name} exited with {server.process.returncode}")
                if server.is_healthy():
                    waiting.remove(server)
            if waiting and time.monotonic() > deadline:
                names = ", ".join(s.name for s in waiting)
                raise RuntimeError(f"{names} did not become healthy in {ready_timeout:.0f}s")
            time.sleep(0.5 if waiting else 0)

    def stop(self) -> None:
        """Stop every server, the last started first."""
        for server in reversed(self.servers):
            self._terminate(server)

    @staticmethod
    def _terminate(server: Server) -> None:
        """SIGTERM to the server's process group, SIGKILL after a grace period."""
        process = server.process
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def exited(self) -> Server | None:
        """Return a server that has stopped on its own, if any."""
        return next((s for s in self.servers if s.process and s.process.poll() is not None), None)

    def urls(self) -> Mapping[str, str]:
        """Where a person reaches each part."""
        base = f"http://{self.host}:{self.ports.rasa}"
        return {
            "chat widget demo page": f"http://{self.host}:{self.ports.web}/",
            "REST channel": f"{base}/webhooks/rest/webhook",
            "socket.io channel": f"{base}/socket.io",
            "HTTP API (token needed)": f"{base}/status?token=...",
            "action server": f"http://{self.host}:{self.ports.actions}/health",
        }


def serve(settings: Settings) -> int:
    """Run the stack until Ctrl-C or SIGTERM, or until a server dies."""
    stack = Stack(settings)
    stopping = False

    def request_stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    try:
        stack.start()
        print("The Myositis Exercise Guide is up:")
        for name, url in stack.urls().items():
            print(f"  {name:24} {url}")
        if not os.environ.get("RASA_API_TOKEN"):
            print(
                f"  HTTP API token for this run: {stack.api_token} (set RASA_API_TOKEN to fix it)"
            )
        print("Press Ctrl-C to stop.", flush=True)
        while not stopping:
            dead = stack.exited()
            if dead is not None:
                print(f"{dead.name} stopped unexpectedly; shutting down", file=sys.stderr)
                return 1
            time.sleep(0.5)
        return 0
    finally:
        print("stopping...", flush=True)
        stack.stop()
