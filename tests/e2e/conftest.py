"""A running assistant for end-to-end tests: both servers, started as `make run` starts them."""

from __future__ import annotations

import os
import secrets
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
import requests

from bot.console.migrate import migrate
from bot.db import engine_for
from bot.knowledge import repository
from bot.knowledge.schema import KnowledgeSet
from bot.serve import RUN_SECRETS, Ports, Stack
from bot.settings import PROJECT_ROOT, Settings, sqlite_url
from tests.e2e.fake_platforms import FakePlatforms

REQUEST_TIMEOUT = 60
# E2E_PORT_BASE moves every port, for two test runs on one machine.
_BASE = int(os.environ.get("E2E_PORT_BASE", "15000"))
PORTS = Ports(rasa=_BASE + 5, actions=_BASE + 55, web=_BASE + 3080)
FAKE_PLATFORMS_PORT = _BASE + 3443
# Small enough that longer answers take several SMS, as they would with a lower setting.
SMS_MAX_CHARS = 600
Chat = Callable[[str, str], list[dict[str, Any]]]
# Every test client connects from loopback, so the per-address message limit would count all the
# tests' messages as one client's; it is tried in tests/channels/test_client_limits.py.
LOOPBACK_CLIENTS = {"RATE_LIMIT_PER_ADDRESS_PER_MINUTE": "0"}


@dataclass(frozen=True)
class ChannelSecrets:
    """Secrets of the messaging channels, made up afresh for each test run."""

    telegram_token: str
    telegram_secret: str
    messenger_verify: str
    messenger_app_secret: str
    messenger_page_token: str
    twilio_sid: str
    twilio_auth_token: str
    twilio_number: str = "+61400000000"

    @property
    def twilio_webhook_url(self) -> str:
        return f"http://127.0.0.1:{PORTS.rasa}/webhooks/twilio/webhook"

    @property
    def telegram_webhook_url(self) -> str:
        return "https://chat.example.org/webhooks/telegram/webhook"

    def environment(self, platforms: FakePlatforms) -> dict[str, str]:
        """The variables that enable the three channels, pointed at the fake platform APIs."""
        return {
            "TELEGRAM_TOKEN": self.telegram_token,
            "TELEGRAM_SECRET_TOKEN": self.telegram_secret,
            "TELEGRAM_WEBHOOK_URL": self.telegram_webhook_url,
            "TELEGRAM_API_URL": f"{platforms.url}/telegram",
            "MESSENGER_VERIFY_TOKEN": self.messenger_verify,
            "MESSENGER_APP_SECRET": self.messenger_app_secret,
            "MESSENGER_PAGE_ACCESS_TOKEN": self.messenger_page_token,
            "MESSENGER_API_URL": f"{platforms.url}/messenger",
            "TWILIO_ACCOUNT_SID": self.twilio_sid,
            "TWILIO_AUTH_TOKEN": self.twilio_auth_token,
            "TWILIO_NUMBER": self.twilio_number,
            "TWILIO_WEBHOOK_URL": self.twilio_webhook_url,
            "TWILIO_API_URL": f"{platforms.url}/twilio",
            "SMS_MAX_CHARS": str(SMS_MAX_CHARS),
        }


@pytest.fixture(scope="session")
def channel_secrets() -> ChannelSecrets:
    return ChannelSecrets(
        telegram_token=f"{secrets.randbelow(10**9)}:{secrets.token_urlsafe(24)}",
        telegram_secret=secrets.token_urlsafe(24),
        messenger_verify=secrets.token_urlsafe(12),
        messenger_app_secret=secrets.token_hex(16),
        messenger_page_token=secrets.token_urlsafe(32),
        twilio_sid="AC" + secrets.token_hex(16),
        twilio_auth_token=secrets.token_hex(16),
    )


@pytest.fixture(scope="session")
def platforms() -> Iterator[FakePlatforms]:
    fake = FakePlatforms(FAKE_PLATFORMS_PORT)
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def stack(
    tmp_path_factory: pytest.TempPathFactory,
    settings: Settings,
    knowledge: KnowledgeSet,
    platforms: FakePlatforms,
    channel_secrets: ChannelSecrets,
) -> Iterator[Stack]:
    """All servers on their own ports and database, so a `make run` alongside does not clash.

    Every messaging channel is enabled, talking to the local fake platform APIs. The run's secrets
    are this process's too, so tests derive conversation ids as the servers do.
    """
    share_run_secrets()
    if not (PROJECT_ROOT / "models" / "myositis.tar.gz").exists():
        pytest.fail("no trained model: run the tests through `make test`")
    folder = tmp_path_factory.mktemp("stack")
    database = sqlite_url(folder / "assistant.db")
    repository.load(engine_for(database), knowledge)
    migrate(engine_for(database))
    running = Stack(
        replace(settings, database_url=database),
        ports=PORTS,
        log_dir=Path(folder) / "logs",
        extra_env={**channel_secrets.environment(platforms), **LOOPBACK_CLIENTS},
    )
    try:
        running.start()
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def chat(stack: Stack) -> Chat:
    """Send one message to the REST channel and return the bot's messages."""
    url = f"http://{stack.host}:{stack.ports.rasa}/webhooks/rest/webhook"

    def send(sender: str, text: str) -> list[dict[str, Any]]:
        response = requests.post(
            url,
            json={"sender": sender, "message": text},
            headers=rest_headers(),
            timeout=REQUEST_TIMEOUT,
        )
        response.raise_for_status()
        messages: list[dict[str, Any]] = response.json()
        return messages

    return send


def within_one_window(burst_seconds: float = 20.0) -> None:
    """Wait, if need be, for a fresh one-minute rate-limit window, so a burst counts in one."""
    if time.time() % 60 > 60 - burst_seconds:
        time.sleep(61 - time.time() % 60)


def share_run_secrets() -> None:
    """Give this process the secrets every server of a run shares (SESSION_SECRET and others)."""
    for name in RUN_SECRETS:
        os.environ.setdefault(name, secrets.token_urlsafe(32))


def rest_headers() -> dict[str, str]:
    """What the REST channel needs with every message: the run's REST_CHANNEL_TOKEN."""
    return {"Authorization": f"Bearer {os.environ['REST_CHANNEL_TOKEN']}"}


@pytest.fixture
def sender() -> str:
    return f"e2e-{uuid.uuid4().hex[:10]}"
