"""`make eval`'s assistant takes all the harness's messages, though they come from one address."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.evaluation.end_to_end import running_assistant
from bot.serve import Stack
from bot.settings import Settings


def test_the_per_address_limit_is_off_for_the_harness(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[Stack] = []
    monkeypatch.setattr(Stack, "start", lambda self, *args, **kwargs: started.append(self))
    monkeypatch.setattr(Stack, "stop", lambda self: None)
    # Whatever the shell says: hundreds of messages a minute from loopback would meet HTTP 429.
    monkeypatch.setenv("RATE_LIMIT_PER_ADDRESS_PER_MINUTE", "120")

    with running_assistant(settings, tmp_path / "model.tar.gz", tmp_path / "logs"):
        (stack,) = started
        assert stack.environment()["RATE_LIMIT_PER_ADDRESS_PER_MINUTE"] == "0"
