"""Straight after a warning sign's advice, a question whether to go on exercising gets it again."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswer, ActionSmallTalk
from actions.base import ReplyAction
from tests.actions.conftest import TrackerFactory


def _after(reply_type: str) -> list[dict[str, Any]]:
    """A session whose last reply was of ``reply_type`` (an emergency sign's advice, or not)."""
    custom: dict[str, Any] = {"type": reply_type}
    if reply_type == "red_flag":
        custom |= {"urgency": "emergency", "sources": [{"id": "mda-quest-warning"}]}
    return [
        {"event": "session_started"},
        {"event": "user", "text": "my breaths are shallow and I wake up gasping"},
        {"event": "bot", "text": "Stop now.", "data": {"custom": custom}},
        {"event": "user", "text": "..."},
    ]


async def _reply(
    make_tracker: TrackerFactory, action: ReplyAction, intent: str, text: str, before: str
) -> dict[str, Any]:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(intent, text, events=_after(before))
    await action.run(dispatcher, tracker, {})
    payload: dict[str, Any] = dispatcher.messages[-1]["custom"]
    return payload


@pytest.mark.parametrize(
    ("action", "intent", "text"),
    [
        (ActionSmallTalk(), "out_of_scope", "so skip the gym tonight?"),
        (ActionAnswer(), "ask_exercise_type", "can I still go for my walk tomorrow?"),
    ],
)
async def test_going_on_after_a_warning_sign_gets_its_advice_again(
    make_tracker: TrackerFactory, action: ReplyAction, intent: str, text: str
) -> None:
    payload = await _reply(make_tracker, action, intent, text, "red_flag")

    assert payload["type"] == "red_flag"
    assert payload["urgency"] == "emergency"
    assert [s["id"] for s in payload["sources"]] == ["mda-quest-warning"]


async def test_another_question_after_a_warning_sign_is_answered(
    make_tracker: TrackerFactory,
) -> None:
    payload = await _reply(
        make_tracker, ActionAnswer(), "ask_pain_fatigue_ck", "what does a CK test show?", "red_flag"
    )

    assert payload["type"] == "answer"


async def test_going_on_after_an_ordinary_answer_is_answered(make_tracker: TrackerFactory) -> None:
    payload = await _reply(
        make_tracker,
        ActionAnswer(),
        "ask_exercise_type",
        "can I still go for my walk tomorrow?",
        "answer",
    )

    assert payload["type"] == "answer"
