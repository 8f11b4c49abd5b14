"""The fallback intent's name is spelt once, so the layers that act on it cannot drift apart."""

from __future__ import annotations

from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME

from bot.nlp import intents
from bot.settings import PROJECT_ROOT


def test_the_name_is_rasas() -> None:
    assert intents.FALLBACK_INTENT == DEFAULT_NLU_FALLBACK_INTENT_NAME


def test_no_other_module_spells_it() -> None:
    spelt = [
        path.relative_to(PROJECT_ROOT).as_posix()
        for folder in ("bot", "actions")
        for path in (PROJECT_ROOT / folder).rglob("*.py")
        if f'"{DEFAULT_NLU_FALLBACK_INTENT_NAME}"' in path.read_text(encoding="utf-8")
    ]
    assert spelt == ["bot/nlp/intents.py"]
