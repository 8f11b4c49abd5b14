"""A message with two questions: the main one is answered, the other offered as a button."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswer, ActionFallback
from actions.base import ReplyAction
from actions.safety import ActionSafety
from bot.channels.render import render_reply, sms
from bot.guide import Guide
from tests.actions.conftest import ONGOING, placed

SWIM_AND_WHO = "Is swimming safe with DM? And who can help me plan it?"
STORY_WEIGHTS_AND_CK = (
    "I was diagnosed last year and have been walking a bit. My legs get tired. "
    "can I lift weights? also what about my CK levels?"
)
ROUTINE_AND_RESEARCH = "How often should I exercise? And what does the research say?"
# What the NLU makes of each message (the trained model's ranking and entities, rounded).
PARSED: dict[str, tuple[str, dict[str, float], list[tuple[str, str, str]]]] = {
    SWIM_AND_WHO: (
        "ask_which_professional",
        {"ask_which_professional": 0.88, "ask_exercise_type": 0.06, "ask_exercise_safety": 0.06},
        [("exercise_type", "hydrotherapy", "swimming"), ("myositis_type", "DM", "DM")],
    ),
    STORY_WEIGHTS_AND_CK: (
        "nlu_fallback",
        {"report_warning_sign": 0.55, "ask_pain_fatigue_ck": 0.21, "ask_resources": 0.09},
        [
            ("exercise_type", "aerobic", "walking"),
            ("body_part", "legs", "legs"),
            ("exercise_type", "strength", "lift weights"),
        ],
    ),
    ROUTINE_AND_RESEARCH: (
        "ask_routine",
        {"ask_routine": 0.6, "ask_research_evidence": 0.4},
        [],
    ),
}


def tracker_for(
    text: str,
    intent: str,
    ranking: dict[str, float],
    entities: list[tuple[str, str, str]],
    safety: dict[str, Any] | None = None,
) -> Tracker:
    """A tracker whose latest message is ``text``, its entities found where their words are."""
    found = placed(text, entities)
    message = {
        "intent": {"name": intent, "confidence": max(ranking.values(), default=0.9)},
        "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking.items()],
        "text": text,
        "entities": found,
        "safety": safety or {},
    }
    return Tracker(
        sender_id="test-user",
        slots={"myositis_type": None, "last_topic": None, "safety_flag": None},
        latest_message=message,
        events=ONGOING,
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


async def reply_to(action: ReplyAction, tracker: Tracker) -> dict[str, Any]:
    dispatcher = CollectingDispatcher()
    await action.run(dispatcher, tracker, {})
    (message,) = dispatcher.messages
    return dict(message)


def also_buttons(message: dict[str, Any]) -> list[dict[str, str]]:
    return [b for b in message["buttons"] if b["title"].startswith("Also:")]


def routed(guide: Guide, payload: str) -> str | None:
    """Where a button's ``/intent{...}`` payload leads, read as Rasa reads it."""
    intent, _, entities = payload.lstrip("/").partition("{")
    values = json.loads("{" + entities) if entities else {}
    return guide.router.topic_for(intent, {k: str(v) for k, v in values.items()})


@pytest.mark.parametrize(
    ("action", "text", "answered", "other", "label"),
    [
        # The classifier read "who can help" as the question: it is answered, swimming offered.
        (
            ActionAnswer(),
            SWIM_AND_WHO,
            "which_professional",
            "hydrotherapy",
            "Also: Hydrotherapy and water exercise",
        ),
        # A story, then two questions: the first is answered, the CK question offered.
        (
            ActionFallback(),
            STORY_WEIGHTS_AND_CK,
            "strength_training",
            "pain_fatigue_ck",
            "Also: Pain, fatigue and CK tests",
        ),
        (
            ActionAnswer(),
            ROUTINE_AND_RESEARCH,
            "routine_and_rest",
            "research_evidence",
            "Also: The research behind the advice",
        ),
    ],
)
async def test_two_questions_answer_the_main_one_and_offer_the_other(
    guide: Guide, action: ReplyAction, text: str, answered: str, other: str, label: str
) -> None:
    intent, ranking, entities = PARSED[text]
    message = await reply_to(action, tracker_for(text, intent, ranking, entities))

    assert message["custom"]["type"] == "answer"
    assert message["custom"]["topic"] == answered
    (button,) = also_buttons(message)
    assert button == {"title": label, "payload": guide.router.button_payload(other)}
    # Offered first, and only once: no follow-up button repeats it.
    assert message["buttons"][0] == button
    assert [b["payload"] for b in message["buttons"]].count(button["payload"]) == 1
    # The round trip: the button's payload leads to the other question's topic.
    assert routed(guide, button["payload"]) == other


@pytest.mark.parametrize(
    ("text", "intent", "ranking", "entities", "answered"),
    [
        # A long story and one question: the story is no second question.
        (
            "I used to swim a lot and loved it. Now I walk the dog every day. "
            "Can I start lifting weights?",
            "ask_exercise_type",
            {"ask_exercise_type": 0.8, "ask_research_evidence": 0.2},
            [
                ("exercise_type", "hydrotherapy", "swim"),
                ("exercise_type", "aerobic", "walk"),
                ("exercise_type", "strength", "lifting weights"),
            ],
            "strength_training",
        ),
        # The second question asks about the first's exercise: no question apart.
        (
            "Can I go swimming? Is it ok with DM?",
            "ask_exercise_type",
            {"ask_exercise_type": 0.8, "ask_exercise_safety": 0.2},
            [("exercise_type", "hydrotherapy", "swimming"), ("myositis_type", "DM", "DM")],
            "hydrotherapy",
        ),
    ],
)
async def test_one_question_gets_no_extra_button(
    text: str,
    intent: str,
    ranking: dict[str, float],
    entities: list[tuple[str, str, str]],
    answered: str,
) -> None:
    message = await reply_to(ActionAnswer(), tracker_for(text, intent, ranking, entities))

    assert message["custom"]["topic"] == answered
    assert also_buttons(message) == []


async def test_a_warning_sign_with_a_second_question_gets_the_urgent_reply_only() -> None:
    text = "My arms got much weaker since yesterday. Can I still do yoga? And who can help?"
    safety = {"urgency": "review", "signs": ["new_weakness"], "sources": []}
    tracker = tracker_for(
        text,
        "report_warning_sign",
        {"ask_which_professional": 0.69, "report_warning_sign": 0.19},
        [("body_part", "arms", "arms"), ("exercise_type", "other_activity", "yoga")],
        safety,
    )

    message = await reply_to(ActionSafety(), tracker)

    assert message["custom"]["type"] == "red_flag"
    assert message["buttons"] == []


async def test_sms_numbers_the_other_question_like_any_option(guide: Guide) -> None:
    intent, ranking, entities = PARSED[SWIM_AND_WHO]
    message = await reply_to(ActionAnswer(), tracker_for(SWIM_AND_WHO, intent, ranking, entities))

    texts = [m.text for m in render_reply(message["custom"], message["buttons"], sms(1600))]

    assert "1. Also: Hydrotherapy and water exercise" in texts[-1]
