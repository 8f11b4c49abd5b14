"""Which messages are clearly in another language (bot/nlp/language.py)."""

from __future__ import annotations

import pytest

from bot.nlp.language import foreign_language


@pytest.mark.parametrize(
    "text", ["what about kayaking?", "and the other one then?", "is there any for her?"]
)
def test_short_english_of_function_words_is_english(text: str) -> None:
    assert foreign_language(text) is None


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (
            "mag mijn dochter met myositis gewoon zwemmen, of is dat te zwaar voor haar spieren?",
            "nl",
        ),
        ("¿Puedo hacer ejercicio con dermatomiositis?", "es"),
    ],
)
def test_another_language_is_told(text: str, language: str) -> None:
    assert foreign_language(text) == language
