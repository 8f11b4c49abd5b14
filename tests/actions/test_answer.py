"""action_answer: topic from intent, entities and context; the reply from the composer."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswer
from bot.knowledge.schema import KnowledgeSet
from tests.actions.conftest import TrackerFactory


def _payload(dispatcher: CollectingDispatcher) -> dict[str, Any]:
    (message,) = dispatcher.messages
    payload: dict[str, Any] = message["custom"]
    return payload


@pytest.mark.parametrize(
    ("intent", "entities", "topic"),
    [
        ("ask_exercise_safety", {}, "exercise_safety"),
        ("ask_exercise_type", {"exercise_type": "hydrotherapy"}, "hydrotherapy"),
        ("ask_exercise_type", {}, "exercise_types"),
        ("ask_subtype", {"myositis_type": "JDM"}, "children_jdm"),
        ("ask_subtype", {"myositis_type": "IMNM"}, "imnm"),
        ("ask_routine", {}, "routine_and_rest"),
    ],
)
async def test_answers_the_topic_with_citations_and_disclaimers(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    knowledge: KnowledgeSet,
    intent: str,
    entities: dict[str, str],
    topic: str,
) -> None:
    events = await ActionAnswer().run(dispatcher, make_tracker(intent, "a question", entities), {})

    payload = _payload(dispatcher)
    assert payload["type"] == "answer"
    assert payload["topic"] == topic
    assert payload["sources"]
    text = dispatcher.messages[0]["text"]
    assert all(d.text in text for d in knowledge.disclaimers.values())
    assert SlotSet("last_topic", topic) in events


async def test_follow_up_subtype_keeps_the_topic_and_tailors(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, knowledge: KnowledgeSet
) -> None:
    tracker = make_tracker(
        "inform", "and for IBM?", {"myositis_type": "IBM"}, {"last_topic": "exercise_safety"}
    )
    events = await ActionAnswer().run(dispatcher, tracker, {})

    payload = _payload(dispatcher)
    assert payload["topic"] == "exercise_safety"
    first = next(e for e in knowledge.entries if e.id == payload["entries"][0])  # best first
    assert "IBM" in first.subtypes
    assert SlotSet("myositis_type", "IBM") in events


@pytest.mark.parametrize("aspect", ["which_professional", "routine_and_rest"])
async def test_a_subtype_asked_after_an_aspect_with_nothing_for_it_gets_its_own_topic(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    knowledge: KnowledgeSet,
    aspect: str,
) -> None:
    # "same for IBM?" after who can help: an answer with nothing for IBM would only repeat.
    assert not any("IBM" in e.subtypes for e in knowledge.entries if e.topic == aspect)
    tracker = make_tracker(
        "inform", "same for IBM?", {"myositis_type": "IBM"}, {"last_topic": aspect}
    )
    await ActionAnswer().run(dispatcher, tracker, {})
    assert _payload(dispatcher)["topic"] == "ibm"


async def test_follow_up_exercise_type_switches_topic(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(
        "inform",
        "what about swimming?",
        {"exercise_type": "hydrotherapy"},
        {"last_topic": "exercise_types"},
    )
    await ActionAnswer().run(dispatcher, tracker, {})
    assert _payload(dispatcher)["topic"] == "hydrotherapy"


async def test_remembered_subtype_tailors_later_answers(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, knowledge: KnowledgeSet
) -> None:
    tracker = make_tracker("ask_exercise_benefits", "will it help", {}, {"myositis_type": "IBM"})
    await ActionAnswer().run(dispatcher, tracker, {})
    by_id = {e.id: e for e in knowledge.entries}
    used = [by_id[i] for i in _payload(dispatcher)["entries"]]
    assert used
    assert all(e.applies_to("IBM") for e in used)
    assert "IBM" in used[0].subtypes


async def test_unresolvable_follow_up_falls_back_to_topics(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    events = await ActionAnswer().run(dispatcher, make_tracker("inform", "hmm"), {})
    assert _payload(dispatcher)["type"] == "fallback"
    assert dispatcher.messages[0]["buttons"]
    assert events == []


async def test_button_payload_text_is_not_used_as_search_words(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker("ask_pilates_typo", "/ask_pilates_typo")
    await ActionAnswer().run(dispatcher, tracker, {})
    assert _payload(dispatcher)["type"] == "fallback"
