"""A running assistant for end-to-end tests: both servers, started as `make run` starts them."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import requests

from bot.console.migrate import migrate
from bot.db import engine_for
from bot.knowledge import repository
from bot.knowledge.schema import KnowledgeSet
from bot.serve import Ports, Stack
from bot.settings import PROJECT_ROOT, Settings, sqlite_url

REQUEST_TIMEOUT = 60
Chat = Callable[[str, str], list[dict[str, Any]]]


@pytest.fixture(scope="session")
def stack(
    tmp_path_factory: pytest.TempPathFactory, settings: Settings, knowledge: KnowledgeSet
) -> Iterator[Stack]:
    """Both servers on their own ports and database, so a `make run` alongside does not clash."""
    if not (PROJECT_ROOT / "models" / "myositis.tar.gz").exists():
        pytest.fail("no trained model: run the tests through `make test`")
    folder = tmp_path_factory.mktemp("stack")
    database = sqlite_url(folder / "assistant.db")
    repository.load(engine_for(database), knowledge)
    migrate(engine_for(database))
    running = Stack(
        replace(settings, database_url=database),
        ports=Ports(rasa=15005, actions=15055, web=18080),
        log_dir=Path(folder) / "logs",
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
            url, json={"sender": sender, "message": text}, timeout=REQUEST_TIMEOUT
        )
        response.raise_for_status()
        messages: list[dict[str, Any]] = response.json()
        return messages

    return send


@pytest.fixture
def sender() -> str:
    return f"e2e-{uuid.uuid4().hex[:10]}"
