"""A parent's "DM" for their child gets the children's answer (juvenile dermatomyositis)."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswer
from tests.actions.conftest import TrackerFactory, placed


@pytest.mark.parametrize(
    ("text", "topic", "remembered"),
    [
        (
            "our daughter got DM just before she turned 5. will she be able to skate again?",
            "children_jdm",
            "JDM",
        ),
        ("I have DM, will I be able to skate again?", "exercise_safety", "DM"),
    ],
)
async def test_dm_in_a_child_is_answered_for_children_and_remembered(
    make_tracker: TrackerFactory, text: str, topic: str, remembered: str
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("ask_exercise_safety", text)
    tracker.latest_message["entities"] = placed(text, [("myositis_type", "DM", "DM")])

    events = await ActionAnswer().run(dispatcher, tracker, {})

    (message,) = dispatcher.messages
    assert message["custom"]["topic"] == topic
    assert {"event": "slot", "name": "myositis_type", "value": remembered} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in events
    ]
