"""The question sentence's own evidence: walking as an ability, a named word over an aspect."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswer, ActionFallback
from tests.actions.conftest import TrackerFactory, placed

VALUES = {
    "walk": "aerobic",
    "walking": "aerobic",
    "swim": "hydrotherapy",
    "stretch": "stretching",
    "weights": "strength",
    "PM": "PM",
    "IBM": "IBM",
    "physio": "physiotherapist",
}
LABELS = {"PM": "myositis_type", "IBM": "myositis_type", "physio": "professional"}


async def topic_of(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    text: str,
    ranking: list[str],
    words: list[str],
) -> str:
    """The topic answered for ``text``, classified as ``ranking`` with ``words`` found in it."""
    tracker = make_tracker(ranking[0], text)
    tracker.latest_message["intent_ranking"] = [
        {"name": name, "confidence": 0.6 / (i + 1)} for i, name in enumerate(ranking)
    ]
    tracker.latest_message["entities"] = placed(
        text, [(LABELS.get(w, "exercise_type"), VALUES[w], w) for w in words]
    )
    await ActionAnswer().run(dispatcher, tracker, {})
    (message,) = dispatcher.messages
    return str(message["custom"]["topic"])


@pytest.mark.parametrize(
    ("text", "ranking", "words", "topic"),
    [
        # Walking as what someone can still do: no activity asked about; the classifier's next
        # reading (starting out) decides once the word it rested on is set aside.
        (
            "I can walk to the corner shop and no further. how do I begin?",
            ["ask_exercise_type", "inform", "ask_getting_started"],
            ["walk"],
            "getting_started",
        ),
        (
            "will exercise help her stay walking for longer with PM",
            ["ask_exercise_benefits", "ask_subtype", "ask_exercise_type"],
            ["walking", "PM"],
            "exercise_benefits",
        ),
        (
            "can exercise help my balance and the way I walk with PM?",
            ["ask_exercise_benefits", "ask_exercise_type"],
            ["walk", "PM"],
            "exercise_benefits",
        ),
        (
            "she gets cranky and won't walk very far with PM, is that the illness?",
            ["ask_exercise_safety", "ask_exercise_type"],
            ["walk", "PM"],
            "exercise_safety",
        ),
        (
            "she has IBM and is in a powerchair, could physical therapy get her walking again??",
            ["ask_exercise_benefits", "ask_exercise_type"],
            ["walking", "IBM"],
            "ibm",
        ),
        # Read as a question on a kind of exercise, which it no longer names: the subtype's topic.
        (
            "she has IBM and is in a powerchair, could physical therapy get her walking again??",
            ["ask_exercise_type", "inform"],
            ["walking", "IBM"],
            "ibm",
        ),
        # A question about walking is still about walking.
        (
            "can I walk every day with PM?",
            ["ask_exercise_safety", "ask_exercise_type"],
            ["walk", "PM"],
            "aerobic_exercise",
        ),
    ],
)
async def test_walking_as_an_ability_is_no_activity(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    text: str,
    ranking: list[str],
    words: list[str],
    topic: str,
) -> None:
    assert await topic_of(make_tracker, dispatcher, text, ranking, words) == topic


@pytest.mark.parametrize(
    ("text", "words", "topic"),
    [
        (
            "I swim twice a week and stretch daily. is that plenty or should I try weights?",
            ["swim", "stretch", "weights"],
            "strength_training",
        ),
        # A question sentence that asks only the aspect keeps it.
        (
            "I have PM and I swim a lot. How often should I do weights?",
            ["PM", "swim", "weights"],
            "routine_and_rest",
        ),
        # A message of one sentence is its own question sentence.
        (
            "is there a sit down class with weights for people who can't stand?",
            ["weights"],
            "strength_training",
        ),
        ("how often should I do weights?", ["weights"], "routine_and_rest"),
    ],
)
async def test_the_question_sentence_word_outranks_an_aspect(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    text: str,
    words: list[str],
    topic: str,
) -> None:
    ranking = ["ask_routine", "ask_exercise_type"]
    assert await topic_of(make_tracker, dispatcher, text, ranking, words) == topic


@pytest.mark.parametrize(
    ("text", "intent", "topic"),
    [
        (
            "is there real research showing weights calm inflammation?",
            "ask_research_evidence",
            "research_evidence",
        ),
        (
            "is there a class with weights for people who can't stand?",
            "ask_research_evidence",
            "strength_training",
        ),
    ],
)
async def test_a_question_for_the_studies_keeps_the_research_topic(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    text: str,
    intent: str,
    topic: str,
) -> None:
    ranking = [intent, "ask_exercise_type"]
    assert await topic_of(make_tracker, dispatcher, text, ranking, ["weights"]) == topic


async def test_a_question_naming_a_professional_keeps_the_professionals_topic(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    text = "is a physio the right person to plan my weights?"
    ranking = ["ask_which_professional", "ask_exercise_type"]
    words = ["physio", "weights"]
    assert await topic_of(make_tracker, dispatcher, text, ranking, words) == "which_professional"


async def test_an_unplaced_story_is_answered_from_its_question_sentence(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    text = (
        "Last winter was awful and I spent weeks stuck indoors. My rheumatologist upped the "
        "dose again. Can I keep exercising while I'm in a flare?"
    )
    tracker = make_tracker("nlu_fallback", text)
    tracker.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.3},
        {"name": "ask_flares_steroids", "confidence": 0.25},
        {"name": "ask_routine", "confidence": 0.2},
    ]
    await ActionFallback().run(dispatcher, tracker, {})
    (message,) = dispatcher.messages
    assert message["custom"]["type"] == "answer"
    assert message["custom"]["topic"] == "flares_and_steroids"


async def test_an_unplaced_story_with_no_sign_of_a_topic_still_falls_back(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    text = "We moved house last month. The boxes are everywhere. Any idea where the kettle went?"
    tracker = make_tracker("nlu_fallback", text)
    tracker.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.3},
        {"name": "chitchat", "confidence": 0.25},
        {"name": "ask_routine", "confidence": 0.05},
    ]
    await ActionFallback().run(dispatcher, tracker, {})
    (message,) = dispatcher.messages
    assert message["custom"]["type"] == "fallback"


async def test_a_second_reading_gives_way_to_the_subtypes_own_topic(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    text = "my daughter with JDM loved netball. when could she start playing again?"
    tracker = make_tracker("ask_exercise_type", text, {"myositis_type": "JDM"})
    tracker.latest_message["intent_ranking"] = [
        {"name": "ask_exercise_type", "confidence": 0.6},
        {"name": "ask_getting_started", "confidence": 0.35},
    ]
    await ActionAnswer().run(dispatcher, tracker, {})
    (message,) = dispatcher.messages
    assert message["custom"]["topic"] == "children_jdm"
