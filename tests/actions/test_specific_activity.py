"""A kind of exercise named beside an everyday activity decides: it says more."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswer
from tests.actions.conftest import TrackerFactory, placed


@pytest.mark.parametrize(
    "text",
    [
        "will I ever ride a bike or get on my paddleboard again?",
        "will I ever get on my paddleboard or ride a bike again?",
    ],
)
async def test_a_kind_of_exercise_outranks_an_everyday_activity(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, text: str
) -> None:
    tracker = make_tracker("ask_exercise_type", text)
    tracker.latest_message["entities"] = placed(
        text,
        [("exercise_type", "aerobic", "bike"), ("exercise_type", "other_activity", "paddleboard")],
    )

    await ActionAnswer().run(dispatcher, tracker, {})

    (message,) = dispatcher.messages
    assert message["custom"]["topic"] == "aerobic_exercise"
