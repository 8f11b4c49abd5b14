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
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from bot.channels.enabled import ChannelPlan, plan_channels, write_enabled
from bot.parts import SERVER_NAMES, secrets_of
from bot.preflight import endpoint_variables, preflight
from bot.profile import DEVELOPMENT, Profile
from bot.settings import PROJECT_ROOT, REQUIRE_ADMIN_MFA, Settings

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
    port: int
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


def port_is_free(host: str, port: int) -> bool:
    """Whether nothing listens on ``host:port``, so a server started there is the one we reach."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(1.0)
        return probe.connect_ex((host, port)) != 0


# Secrets each development run makes up (production servers must share them, so are given them):
# SESSION_SECRET keys conversation ids, ADDRESS_KEY encrypts delivery addresses (and the
# console's two-step secrets, which `users mfa enrol` writes with the key of its environment),
# REST_CHANNEL_TOKEN opens the REST channel (bot/channels/conversations.py, rest.py), and
# RASA_JWT_SECRET signs the console's calls to Rasa's HTTP API (bot/console/rasa_client.py).
# Which of them production requires depends on the part (bot.parts.PART_SECRETS).
RUN_SECRETS = ("SESSION_SECRET", "ADDRESS_KEY", "REST_CHANNEL_TOKEN", "RASA_JWT_SECRET")


@dataclass
class Stack:
    """The action server, the Rasa server and the web app, configured from the environment."""

    settings: Settings
    ports: Ports = field(default_factory=Ports)
    profile: Profile = DEVELOPMENT
    # Which of SERVER_NAMES to run: a test of several Rasa servers needs no web app beside each.
    parts: tuple[str, ...] = SERVER_NAMES
    host: str = "127.0.0.1"
    model: Path = PROJECT_ROOT / "models" / "myositis.tar.gz"
    # None: the channels of credentials.yml whose secrets are set; another assistant brings its.
    credentials: Path | None = None
    # Rasa's command line; ours validates action responses faster (bot/rasa_server.py says how).
    rasa_command: tuple[str, ...] = (sys.executable, "-m", "bot.rasa_server")
    log_dir: Path | None = None
    api_token: str = field(default_factory=lambda: os.environ.get("RASA_API_TOKEN") or "")
    action_token: str = field(default_factory=lambda: os.environ.get("ACTION_SERVER_TOKEN") or "")
    extra_env: Mapping[str, str] = field(default_factory=dict)
    servers: list[Server] = field(default_factory=list)
    run_secrets: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Make up this run's tokens, unless several servers must share them.

        In production every server must be given the same tokens, so there a missing one is a
        problem (see `problems`).
        """
        if not self.profile.shared:
            self.api_token = self.api_token or secrets.token_urlsafe(24)
            self.action_token = self.action_token or secrets.token_urlsafe(24)
        for name in RUN_SECRETS:
            value = self.extra_env.get(name) or os.environ.get(name) or ""
            if not value and not self.profile.shared:
                value = secrets.token_urlsafe(32)
            if value:
                self.run_secrets.setdefault(name, value)

    def environment(self) -> dict[str, str]:
        """Environment of the children: endpoints.yml and credentials.yml read these variables."""
        env = {**self.profile.defaults, **os.environ, **self.extra_env}
        env.setdefault("ACTION_ENDPOINT_URL", f"http://{self.host}:{self.ports.actions}/webhook")
        env["DATABASE_URL"] = self.settings.database_url
        env["PYTHONPATH"] = str(PROJECT_ROOT)
        env.setdefault("RASA_PUBLIC_URL", f"http://{self.host}:{self.ports.rasa}")
        env.setdefault("RASA_URL", f"http://{self.host}:{self.ports.rasa}")
        for name, token in (
            ("RASA_API_TOKEN", self.api_token),
            ("ACTION_SERVER_TOKEN", self.action_token),
        ):
            if token:
                env[name] = token
        env.update(self.run_secrets)
        if self.profile.require_admin_mfa:
            env[REQUIRE_ADMIN_MFA] = "1"
        env.setdefault(
            "CORS_ORIGINS", f"http://{self.host}:{self.ports.web} http://localhost:{self.ports.web}"
        )
        env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        return env

    def problems(self) -> list[str]:
        """What the parts need that this environment lacks or cannot reach (see preflight).

        Production requires each part's own secrets only (a container is given no others);
        development makes them up.
        """
        environment = self.environment()
        # preflight names those of the endpoints file, saying which file needs them.
        named = endpoint_variables(self.profile) if "rasa" in self.parts else []
        missing = [
            f"{name} is not set"
            for name in secrets_of(self.parts)
            if self.profile.shared and name not in named and not environment.get(name)
        ]
        return missing + preflight(self.profile, environment, self.parts)

    def channels(self) -> ChannelPlan:
        """The input channels of credentials.yml whose secrets this environment sets."""
        return plan_channels(PROJECT_ROOT / "credentials.yml", self.environment())

    def plan(self) -> list[Server]:
        """Return the servers to start, in order."""
        credentials = self.credentials or write_enabled(
            self.channels(), self.settings.var_dir / f"run-{self.ports.rasa}" / "credentials.yml"
        )
        python = sys.executable
        servers = [
            Server(
                "actions",
                [
                    python,
                    "-m",
                    "bot",
                    "actions",
                    "--host",
                    self.host,
                    "--port",
                    str(self.ports.actions),
                ],
                f"http://{self.host}:{self.ports.actions}/health",
                self.ports.actions,
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
                    str(self.profile.endpoints),
                    "--credentials",
                    str(credentials),
                    "--port",
                    str(self.ports.rasa),
                    "--interface",
                    self.host,
                    "--cors",
                    *self.environment()["CORS_ORIGINS"].split(),
                ],
                f"http://{self.host}:{self.ports.rasa}/",
                self.ports.rasa,
            ),
            Server(
                "web",
                [python, "-m", "bot", "web", "--host", self.host, "--port", str(self.ports.web)],
                f"http://{self.host}:{self.ports.web}/health",
                self.ports.web,
            ),
        ]
        return [server for server in servers if server.name in self.parts]

    def start(self, ready_timeout: float = 180.0) -> None:
        """Start every server, wait until all are healthy, and warm the action server.

        Raises:
            RuntimeError: a server exited or did not become healthy in time.
        """
        self.servers = self.plan()
        self._launch(self.servers, ready_timeout)
        if "actions" in self.parts:
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
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self.action_token}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=WARM_UP_TIMEOUT_SECONDS) as response:
                json.load(response)
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise RuntimeError(f"the action server could not warm up: {error}") from error

    def stop_server(self, name: str) -> None:
        """Stop one server (tests use it to show a conversation survives its restart)."""
        self._terminate(self._named(name))

    def kill_server(self, name: str) -> None:
        """Kill one server at once, with no chance to clean up, as a crash would."""
        process = self._named(name).process
        if process is not None and process.poll() is None:
            self._signal(process, signal.SIGKILL)
            process.wait()

    def start_server(self, name: str, ready_timeout: float = 180.0) -> None:
        """Start one stopped server again and wait until it is healthy."""
        self._launch([self._named(name)], ready_timeout)

    def _named(self, name: str) -> Server:
        return next(s for s in self.servers if s.name == name)

    def _launch(self, servers: list[Server], ready_timeout: float) -> None:
        env = self.environment()
        for server in servers:
            if not port_is_free(self.host, server.port):
                raise RuntimeError(
                    f"{server.name}: port {server.port} is already in use (another `make run`?)"
                )
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
        Stack._signal(process, signal.SIGTERM)
        try:
            process.wait(STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            Stack._signal(process, signal.SIGKILL)
            process.wait()

    @staticmethod
    def _signal(process: subprocess.Popen[bytes], signum: int) -> None:
        """Signal the process group, so a server's own children go too."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signum)

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


def serve(
    settings: Settings,
    profile: Profile = DEVELOPMENT,
    parts: tuple[str, ...] = SERVER_NAMES,
    host: str = "127.0.0.1",
) -> int:
    """Run the stack until Ctrl-C or SIGTERM, or until a server dies.

    Nothing starts unless the profile's checks pass, so a missing database or Redis is named at
    once rather than found by a patient. A container runs one of the servers (``parts``).
    """
    stack = Stack(settings, profile=profile, parts=parts, host=host)
    problems = stack.problems()
    if problems:
        print(f"cannot start the {profile.name} profile:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    stopping = False

    def request_stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    try:
        stack.start()
        print(f"The Myositis Exercise Guide is up ({profile.name} profile):")
        for name, url in stack.urls().items():
            print(f"  {name:24} {url}")
        channels = stack.channels()
        for channel in channels.enabled:
            print(f"  {channel.rsplit('.', 1)[-1]:24} on")
        for channel, unset in channels.missing.items():
            print(f"  {channel.rsplit('.', 1)[-1]:24} off: set {', '.join(unset)} to enable it")
        if stack.api_token and not os.environ.get("RASA_API_TOKEN"):
            print(
                f"  HTTP API token for this run: {stack.api_token} (set RASA_API_TOKEN to fix it)"
            )
        if not os.environ.get("REST_CHANNEL_TOKEN") and "REST_CHANNEL_TOKEN" in stack.run_secrets:
            print(f"  REST channel token for this run: {stack.run_secrets['REST_CHANNEL_TOKEN']}")
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
