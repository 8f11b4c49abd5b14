"""Retrieval over every entry settles a classifier split between two topics."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswer
from tests.actions.conftest import TrackerFactory


@pytest.mark.parametrize(
    ("text", "ranking", "topic"),
    [
        # Split between CK tests and the research; the studies' entries match far better.
        (
            "what have the studies found about CK and long-term training?",
            {"ask_pain_fatigue_ck": 0.6, "ask_research_evidence": 0.3},
            "research_evidence",
        ),
        # Read as a safety question, but the words are those of the entries on fatigue.
        (
            "how do I keep my energy up through the week?",
            {"ask_exercise_safety": 0.7, "ask_pain_fatigue_ck": 0.25},
            "pain_fatigue_ck",
        ),
        # The knowledge backs the rival only a little: the classifier's first reading stays.
        (
            "does exercise raise my CK?",
            {"ask_pain_fatigue_ck": 0.6, "ask_exercise_safety": 0.35},
            "pain_fatigue_ck",
        ),
        # The classifier is sure: a rival this unlikely is not weighed, whatever the words.
        (
            "what have the studies found about CK and long-term training?",
            {"ask_pain_fatigue_ck": 0.85, "ask_research_evidence": 0.1},
            "pain_fatigue_ck",
        ),
    ],
)
async def test_the_knowledge_decides_between_two_close_readings(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    text: str,
    ranking: dict[str, float],
    topic: str,
) -> None:
    tracker = make_tracker(next(iter(ranking)), text)
    tracker.latest_message["intent_ranking"] = [
        {"name": name, "confidence": confidence} for name, confidence in ranking.items()
    ]
    await ActionAnswer().run(dispatcher, tracker, {})
    (message,) = dispatcher.messages
    assert message["custom"]["topic"] == topic
