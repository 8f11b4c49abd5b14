"""A pregnancy answer needs a word of pregnancy: the classifier alone does not decide it."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswer
from tests.actions.conftest import TrackerFactory


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        # "mum" is the writer's mother here, not a new mother.
        ("I look after my mum, she's 78. what exercise is ok for her?", "exercise_types"),
        ("exercising while expecting, is that ok?", "pregnancy"),
        ("what can I do in my third trimester?", "pregnancy"),
        ("6 weeks post c-section, what exercise can I do?", "pregnancy"),
        ("is it ok to exercise during IVF?", "pregnancy"),
    ],
)
async def test_the_pregnancy_intent_needs_a_word_of_pregnancy(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, text: str, topic: str
) -> None:
    tracker = make_tracker("ask_pregnancy", text)
    tracker.latest_message["intent_ranking"] = [
        {"name": "ask_pregnancy", "confidence": 0.5},
        {"name": "ask_exercise_types", "confidence": 0.3},
    ]

    await ActionAnswer().run(dispatcher, tracker, {})

    (message,) = dispatcher.messages
    assert message["custom"]["topic"] == topic
