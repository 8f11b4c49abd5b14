"""Greetings that ask something, and activities the vocabulary does not know, in a conversation."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswer, ActionSmallTalk, ActionWelcome
from actions.base import ReplyAction
from tests.actions.conftest import TrackerFactory

SILENT = [{"event": "session_started"}, {"event": "user", "text": "..."}]


async def _types_and_topics(action: ReplyAction, tracker: Tracker) -> list[tuple[Any, Any]]:
    dispatcher = CollectingDispatcher()
    await action.run(dispatcher, tracker, {})
    return [(m["custom"]["type"], m["custom"].get("topic")) for m in dispatcher.messages]


async def test_a_greeting_mid_conversation_that_asks_about_a_named_thing_is_answered(
    make_tracker: TrackerFactory,
) -> None:
    tracker = make_tracker(
        "greet",
        "hi, can you help with my husband's hands?",
        {"body_part": "hands"},
        {"last_topic": "ibm", "myositis_type": "IBM"},
    )

    assert await _types_and_topics(ActionWelcome(), tracker) == [("answer", "hand_exercises")]


async def test_a_greeting_that_opens_a_session_with_a_question_gets_the_welcome_and_the_answer(
    make_tracker: TrackerFactory,
) -> None:
    tracker = make_tracker(
        "greet", "hello, can you help with my mum's hands?", {"body_part": "hands"}, events=SILENT
    )

    assert await _types_and_topics(ActionWelcome(), tracker) == [
        ("welcome", None),
        ("answer", "hand_exercises"),
    ]


@pytest.mark.parametrize("events", [SILENT, None])
async def test_a_plain_greeting_gets_the_welcome_once_then_a_hello(
    make_tracker: TrackerFactory, events: list[dict[str, Any]] | None
) -> None:
    tracker = make_tracker("greet", "hello", slots={"last_topic": "stretching"}, events=events)

    (reply,) = await _types_and_topics(ActionWelcome(), tracker)

    assert reply[0] == ("welcome" if events else "greeting")


@pytest.mark.parametrize(
    ("action", "intent", "text"),
    [
        (ActionSmallTalk(), "bot_challenge", "is boxing ok?"),
        (ActionAnswer(), "inform", "what about kayaking?"),
        (ActionWelcome(), "greet", "and paddleboarding?"),
    ],
)
async def test_an_unknown_activity_is_a_question_on_the_kinds_of_exercise(
    make_tracker: TrackerFactory, action: ReplyAction, intent: str, text: str
) -> None:
    tracker = make_tracker(intent, text, slots={"last_topic": "hydrotherapy"})

    assert await _types_and_topics(action, tracker) == [("answer", "exercise_types")]
