"""What the supervisor would start, without starting anything."""

from __future__ import annotations

from pathlib import Path

from bot.profile import Profile
from bot.serve import Ports, Stack
from bot.settings import Settings


def test_the_full_stack_starts_actions_then_rasa_then_the_web_app(settings: Settings) -> None:
    assert [s.name for s in Stack(settings).plan()] == ["actions", "rasa", "web"]


def test_a_rasa_server_alone_runs_another_assistant(settings: Settings, tmp_path: Path) -> None:
    stack = Stack(
        settings,
        ports=Ports(rasa=25006),
        model=tmp_path / "model.tar.gz",
        profile=Profile("stock", tmp_path / "endpoints.yml"),
        credentials=tmp_path / "credentials.yml",
        parts=("rasa",),
    )
    (rasa,) = stack.plan()
    assert rasa.name == "rasa"
    assert rasa.health_url == "http://127.0.0.1:25006/"
    for flag, name in [
        ("--model", "model.tar.gz"),
        ("--endpoints", "endpoints.yml"),
        ("--credentials", "credentials.yml"),
    ]:
        assert rasa.argv[rasa.argv.index(flag) + 1] == str(tmp_path / name)
