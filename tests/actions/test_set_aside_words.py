"""A kind of exercise the message sets aside ("not just stretches") does not decide its topic."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswer
from tests.actions.conftest import TrackerFactory, answered_topic, placed

VALUES = {
    "heart rate up": "aerobic",
    "stretches": "stretching",
    "swim": "hydrotherapy",
    "lift weights": "strength",
    "walking": "aerobic",
}


@pytest.mark.parametrize(
    ("text", "words", "topic"),
    [
        (
            "I want to get my heart rate up again, not just do stretches. how hard can I push it?",
            ["heart rate up", "stretches"],
            "aerobic_exercise",
        ),
        ("could I swim rather than lift weights?", ["swim", "lift weights"], "hydrotherapy"),
        # What something is compared with is set aside too.
        ("is it easier to swim than walking?", ["swim", "walking"], "hydrotherapy"),
        ("how does a swim compare to walking, is it as good?", ["swim", "walking"], "hydrotherapy"),
        ("is a swim better for me versus walking?", ["swim", "walking"], "hydrotherapy"),
        # Nothing set aside: the later word decides, as before.
        ("I do stretches, is walking ok too?", ["stretches", "walking"], "aerobic_exercise"),
        ("I do some walking, are stretches ok too?", ["walking", "stretches"], "stretching"),
    ],
)
async def test_a_word_set_aside_does_not_decide(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    text: str,
    words: list[str],
    topic: str,
) -> None:
    tracker = make_tracker("ask_exercise_safety", text)
    tracker.latest_message["entities"] = placed(
        text, [("exercise_type", VALUES[w], w) for w in words]
    )
    await ActionAnswer().run(dispatcher, tracker, {})

    (message,) = dispatcher.messages
    assert message["custom"]["topic"] == topic


async def test_an_activity_in_a_simile_is_no_activity_asked_about(
    make_tracker: TrackerFactory,
) -> None:
    text = "day after physio my legs feel like I've run a marathon. is that normal or too much?"
    # Read as a broad safety question, the marathon would otherwise decide it.
    found = [("exercise_type", "aerobic", "marathon")]
    topic = await answered_topic(make_tracker, "ask_exercise_safety", text, found)

    assert topic == "routine_and_rest"  # "too much?" asks how much


@pytest.mark.parametrize(
    "text",
    [
        "is exercise any different with necrotizing myopathy compared to polymyositis?",
        "with necrotizing myopathy, is exercise different from what people with polymyositis do?",
        "my mum has necrotizing myopathy, the doctors said it's not the same as polymyositis. does "
        "she need a different exercise programme?",
    ],
)
async def test_a_subtype_compared_with_is_set_aside(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, text: str
) -> None:
    tracker = make_tracker("ask_exercise_safety", text)
    tracker.latest_message["entities"] = placed(
        text,
        [
            ("myositis_type", "IMNM", "necrotizing myopathy"),
            ("myositis_type", "PM", "polymyositis"),
        ],
    )
    await ActionAnswer().run(dispatcher, tracker, {})

    (message,) = dispatcher.messages
    assert message["custom"]["topic"] == "imnm"
