"""Sentence spans: the actions and the question reader agree on what a sentence is."""

from __future__ import annotations

import pytest

from bot.nlp.sentences import asked_spans, asking_spans, sentence_spans


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("is swimming ok?", 1),
        ("is swimming ok? ", 1),
        ("I swim. Is that enough?", 2),
        ("I swim.  ", 1),
        ("", 0),
    ],
)
def test_sentences_are_the_stretches_with_words(text: str, count: int) -> None:
    assert len(sentence_spans(text)) == count


def test_only_the_asking_sentences_of_a_longer_message_are_asking() -> None:
    text = "I swim a lot. Is that enough? Thanks."

    assert [text[a:b].strip() for a, b in asking_spans(text)] == ["Is that enough?"]
    assert asking_spans("is that enough?") == []


def test_a_question_comparing_with_the_same_does_not_point_back() -> None:
    text = "I still have IVIG infusions. Is it ok to work out the same week as an infusion?"

    assert [text[a:b].strip() for a, b in asked_spans(text)] == [
        "Is it ok to work out the same week as an infusion?"
    ]


@pytest.mark.parametrize(
    "question",
    [
        "What should my first exercises be now that I'm feeling better?",
        "I read that exercise helps fatigue, should I start slowly?",
    ],
)
def test_that_joining_a_clause_does_not_point_back(question: str) -> None:
    text = f"Two months on prednisone and I can shower without help. {question}"

    assert [text[a:b].strip() for a, b in asked_spans(text)] == [question]
