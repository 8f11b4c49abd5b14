"""`Router.weighed`: when retrieval may overturn the classifier's first topic reading."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from bot.routing import Router

SPLIT = (("ask_pain_fatigue_ck", 0.55), ("ask_research_evidence", 0.4))


def support(**scores: float) -> Mapping[str, float]:
    """Scores for the two topics of SPLIT, 0.0 for any other."""
    return {"pain_fatigue_ck": 0.0, "research_evidence": 0.0, "exercise_safety": 0.0, **scores}


def never(question: str) -> Mapping[str, float]:
    raise AssertionError(f"retrieval was not needed for {question!r}")


@pytest.mark.parametrize(
    ("scores", "topic"),
    [
        ({"pain_fatigue_ck": 4.0, "research_evidence": 9.0}, "research_evidence"),
        ({"pain_fatigue_ck": 0.0, "research_evidence": 2.0}, "research_evidence"),
        # Better, but not by half as much again: a close call stays with the classifier.
        ({"pain_fatigue_ck": 4.0, "research_evidence": 5.0}, "pain_fatigue_ck"),
        ({"pain_fatigue_ck": 0.0, "research_evidence": 0.0}, "pain_fatigue_ck"),
    ],
)
def test_the_rival_wins_only_when_the_knowledge_backs_it_clearly(
    scores: dict[str, float], topic: str
) -> None:
    assert (
        Router.weighed(
            "pain_fatigue_ck",
            "ask_pain_fatigue_ck",
            SPLIT,
            "any studies?",
            lambda _: support(**scores),
        )
        == topic
    )


@pytest.mark.parametrize(
    ("topic", "intent", "readings", "question"),
    [
        # The classifier is sure enough: its second reading is no rival.
        (
            "pain_fatigue_ck",
            "ask_pain_fatigue_ck",
            (("ask_pain_fatigue_ck", 0.85), ("ask_research_evidence", 0.1)),
            "any studies?",
        ),
        # The rival is no topic intent (a chat reading).
        (
            "pain_fatigue_ck",
            "ask_pain_fatigue_ck",
            (("ask_pain_fatigue_ck", 0.5), ("chitchat", 0.45)),
            "any studies?",
        ),
        # Something other than the intent decided the topic (a named word, the conversation).
        ("hydrotherapy", "ask_pain_fatigue_ck", SPLIT, "any studies after swimming?"),
        # No topic, or no words (a button).
        (None, "ask_pain_fatigue_ck", SPLIT, "any studies?"),
        ("pain_fatigue_ck", "ask_pain_fatigue_ck", SPLIT, ""),
    ],
)
def test_retrieval_is_not_consulted_without_a_real_rival(
    topic: str | None, intent: str, readings: tuple[tuple[str, float], ...], question: str
) -> None:
    assert Router.weighed(topic, intent, readings, question, never) == topic
