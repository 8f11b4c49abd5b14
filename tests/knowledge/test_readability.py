"""Every patient-facing text keeps the reading limits of bot.knowledge.readability."""

from __future__ import annotations

import pytest

from bot.knowledge import readability
from bot.knowledge.files import read_knowledge
from bot.knowledge.schema import TRANSLATED_MESSAGES, Entry, KnowledgeSet
from bot.settings import load_settings

KNOWLEDGE = read_knowledge(load_settings().knowledge_dir)
# Labels and buttons of a few words score by their longest word (a disease name), not by how hard
# they are to read; the grade limit applies to texts of a sentence or more.
MIN_WORDS_FOR_GRADE = 8


@pytest.mark.parametrize("entry", KNOWLEDGE.entries, ids=lambda e: e.id)
def test_answer_keeps_every_limit(entry: Entry) -> None:
    assert readability.answer_problems(entry.answer) == []


def test_median_answer_grade(knowledge: KnowledgeSet) -> None:
    figures = [readability.measure(e.answer) for e in knowledge.entries]
    assert readability.median_grade(figures) <= readability.ANSWER_MEDIAN_MAX_GRADE


@pytest.mark.parametrize("entry", [e for e in KNOWLEDGE.entries if e.detail], ids=lambda e: e.id)
def test_detail_grade(entry: Entry) -> None:
    assert entry.detail is not None
    assert readability.detail_problems(entry.detail) == []


@pytest.mark.parametrize("key", sorted(KNOWLEDGE.messages))
def test_message_grade(key: str) -> None:
    text = KNOWLEDGE.messages[key]
    figures = readability.measure(text)
    if figures.words >= MIN_WORDS_FOR_GRADE and key not in TRANSLATED_MESSAGES:
        assert figures.grade <= readability.MESSAGE_MAX_GRADE, text
    assert figures.longest_sentence <= readability.SENTENCE_MAX_WORDS, text


def test_only_the_lines_in_other_languages_are_exempt_from_the_english_grade() -> None:
    expected = {f"other_language_{code}" for code in ("es", "fr", "de", "pt", "it")}
    assert expected == TRANSLATED_MESSAGES


@pytest.mark.parametrize("key", sorted(KNOWLEDGE.disclaimers))
def test_disclaimer_grade(key: str) -> None:
    disclaimer = KNOWLEDGE.disclaimers[key]
    for text in (disclaimer.text, disclaimer.compact):
        assert readability.measure(text).grade <= readability.MESSAGE_MAX_GRADE, text


def test_limits_catch_a_hard_answer() -> None:
    hard = (
        "Investigations of aerobic capacity demonstrated statistically significant improvements "
        "in mitochondrial enzyme activity, CK and lactate at exhaustion. It was randomised."
    )
    problems = readability.answer_problems(hard)
    assert any(p.startswith("grade") for p in problems)
    assert "'CK' is not explained" in problems
    assert "'randomised' is not explained" in problems
    assert "'lactate' is not explained" in problems


def test_limits_catch_a_hard_detail() -> None:
    hard = (
        "Investigations of aerobic capacity demonstrated statistically significant improvements "
        "in enzymatic adaptations, cardiorespiratory parameters and neuromuscular coordination "
        "throughout the supervised intervention period in every one of the participating "
        "rehabilitation centres. It was fine."
    )
    problems = readability.detail_problems(hard)
    assert any(p.startswith("grade") for p in problems)
    assert any(p.startswith("a sentence of") for p in problems)


def test_plain_answer_passes() -> None:
    plain = (
        "CK is a blood test for muscle damage. It did not go up when people did these exercises."
    )
    assert readability.answer_problems(plain) == []
