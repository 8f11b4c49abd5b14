"""English words and questions typed without their mark (bot/nlp/english.py)."""

from __future__ import annotations

import pytest

from bot.nlp.english import is_question


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("would a walker help", True),
        ("won't that push my CK up again", True),
        ("doesn't swimming count", True),
        ("she loves the pool", False),
    ],
)
def test_a_question_without_its_mark_is_still_a_question(text: str, asks: bool) -> None:
    assert is_question(text) is asks
