"""The action server's check for a named medicine reads the safety lexicon's medicine words."""

from __future__ import annotations

import pytest

from bot.safety.medicine_words import names_a_medicine


@pytest.mark.parametrize(
    "text",
    ["I'm on prednisone, can I exercise?", "started Methotrexate last month", "on pred and IVIG"],
)
def test_a_medicine_of_the_lexicon_is_named(text: str) -> None:
    assert names_a_medicine(text)


@pytest.mark.parametrize(
    "text", ["can I go swimming?", "my predictions were wrong", "I feel depressed about it"]
)
def test_no_medicine_is_named(text: str) -> None:
    assert not names_a_medicine(text)
