"""Subjects our sources leave out get "our sources don't cover this", not the nearest topic.

The content review (section 7, "Outside the sources") asks the assistant to decline, refer or offer
a volunteer for these. Each question is sent to the action its intent leads to with the trained
model (the first of each subject is the review's own example); warning signs still come first.
"""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswer, ActionFallback
from actions.base import ReplyAction
from actions.safety import ActionDeclineMedical, ActionSafety
from bot.knowledge.schema import KnowledgeSet
from tests.actions.conftest import TrackerFactory

NAMES = {
    "breathing-muscle-training": "training your breathing muscles",
    "dm-skin-and-sun": "the sun and your skin when you exercise",
    "mobility-aids": "walking aids",
    "lung-or-heart-involvement": "exercise when myositis affects your lungs or heart",
    "head-injury": "falls with a blow to the head",
}

# (action the trained model's intent leads to, intent, question, subject)
NOT_COVERED = [
    (
        ActionSafety(),
        "report_warning_sign",
        "Should I do breathing exercises to strengthen my breathing muscles?",
        "breathing-muscle-training",
    ),
    (
        ActionFallback(),
        "nlu_fallback",
        "would breathing muscle training help my myositis?",
        "breathing-muscle-training",
    ),
    (
        ActionAnswer(),
        "ask_exercise_type",
        "Is respiratory muscle training worth trying with polymyositis?",
        "breathing-muscle-training",
    ),
    (
        ActionAnswer(),
        "ask_exercise_safety",
        "can I train my diaphragm to make it stronger?",
        "breathing-muscle-training",
    ),
    (
        ActionAnswer(),
        "ask_exercise_safety",
        "I have dermatomyositis, is it ok to exercise outside in the sun?",
        "dm-skin-and-sun",
    ),
    (
        ActionAnswer(),
        "ask_exercise_safety",
        "Is it safe for me to go for walks in the sunshine with DM?",
        "dm-skin-and-sun",
    ),
    (
        ActionAnswer(),
        "ask_exercise_safety",
        "she has JDM and has to stay out of the sun, how do we manage that?",
        "dm-skin-and-sun",
    ),
    (
        ActionAnswer(),
        "ask_routine",
        "Do I need sunscreen when I do my exercises in the garden?",
        "dm-skin-and-sun",
    ),
    (
        ActionAnswer(),
        "ask_exercise_type",
        "what SPF should I wear for cycling with dermatomyositis?",
        "dm-skin-and-sun",
    ),
    (
        ActionAnswer(),
        "ask_routine",
        "do I need suncream for my morning walk with DM?",
        "dm-skin-and-sun",
    ),
    (
        ActionAnswer(),
        "ask_exercise_type",
        "Should I use a walking stick or a walker when I exercise?",
        "mobility-aids",
    ),
    (
        ActionAnswer(),
        "ask_exercise_type",
        "Is it better to use a rollator on my walks?",
        "mobility-aids",
    ),
    (
        ActionAnswer(),
        "ask_exercise_benefits",
        "If I use a wheelchair more, will my muscles get weaker?",
        "mobility-aids",
    ),
    (
        ActionAnswer(),
        "ask_exercise_type",
        "Is using a mobility scooter bad for my leg strength?",
        "mobility-aids",
    ),
    (
        ActionFallback(),
        "nlu_fallback",
        "Should I get a scooter so I have energy left for my exercises?",
        "mobility-aids",
    ),
    (
        ActionAnswer(),
        "ask_exercise_safety",
        "is it safe to go hiking with lung involvement?",
        "lung-or-heart-involvement",
    ),
    (
        ActionFallback(),
        "nlu_fallback",
        "I have interstitial lung disease with my myositis. What aerobic exercise can I do?",
        "lung-or-heart-involvement",
    ),
    (
        ActionDeclineMedical(),
        "ask_medical",
        "Can I do cardio if myositis affects my heart?",
        "lung-or-heart-involvement",
    ),
    # A fall with a blow to the head, told and not asked: never exercise advice.
    (
        ActionAnswer(),
        "ask_subtype",
        "my husband has IBM and fell on the stairs, he banged his head and he's very sleepy now",
        "head-injury",
    ),
]


def _payload(dispatcher: CollectingDispatcher) -> dict[str, Any]:
    (message,) = dispatcher.messages
    payload: dict[str, Any] = message["custom"]
    return payload


@pytest.mark.parametrize(
    ("action", "intent", "text", "subject"), NOT_COVERED, ids=[c[2] for c in NOT_COVERED]
)
async def test_a_subject_the_sources_leave_out_is_said_and_referred(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    knowledge: KnowledgeSet,
    action: ReplyAction,
    intent: str,
    text: str,
    subject: str,
) -> None:
    events = await action.run(dispatcher, make_tracker(intent, text), {})

    payload = _payload(dispatcher)
    assert payload["type"] == "not_covered"
    assert payload["subject"] == subject
    assert payload["entries"] == []
    assert payload["sources"] == []
    message = dispatcher.messages[0]
    assert "do not cover " + NAMES[subject] in message["text"]
    assert "doctor" in message["text"]
    assert {"title": "Pass my question to a volunteer", "payload": "/ask_human"} in message[
        "buttons"
    ]
    assert payload["disclaimers"] == ["consult_doctor", "pregnancy"]
    assert all(d.text in message["text"] for d in knowledge.disclaimers.values())
    assert events == []


async def test_a_warning_sign_in_the_same_message_comes_first(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    # The safety net reads "getting weaker" as worsening weakness: safety first, as it should.
    safety = {"urgency": "same_day", "sources": ["nni-myositis"]}
    tracker = make_tracker(
        "report_warning_sign",
        "would a mobility scooter or wheelchair stop me getting weaker?",
        safety=safety,
    )
    await ActionSafety().run(dispatcher, tracker, {})

    payload = _payload(dispatcher)
    assert payload["type"] == "red_flag"
    assert payload["urgency"] == "same_day"


@pytest.mark.parametrize(
    ("text", "safety"),
    [
        # Not a question: the classifier's alarm gets the clarifying question as before.
        ("the breathing exercises in yoga class are my favourite part", {}),
        # A sign the rules found in a hypothetical clause: ask, don't refer.
        (
            "should I train my breathing muscles if they get weak?",
            {"uncertain": ["breathless"]},
        ),
    ],
)
async def test_the_clarifying_question_stays_when_a_sign_may_be_meant(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    text: str,
    safety: dict[str, Any],
) -> None:
    await ActionSafety().run(
        dispatcher, make_tracker("report_warning_sign", text, safety=safety), {}
    )

    assert _payload(dispatcher)["type"] == "clarify"


@pytest.mark.parametrize(
    ("action", "intent", "text", "kind", "topic"),
    [
        # The breathing-out training pilot is covered by the swallowing entries.
        (
            ActionAnswer(),
            "ask_swallowing",
            "would a breathing trainer help my swallowing?",
            "answer",
            "swallowing",
        ),
        (
            ActionAnswer(),
            "ask_exercise_types",
            "I'm in a wheelchair most of the day now, what exercise can I still do?",
            "answer",
            "exercise_types",
        ),
        (
            ActionAnswer(),
            "ask_exercise_benefits",
            "would getting fitter help my heart and lungs too",
            "answer",
            "exercise_benefits",
        ),
        # The story names the aid; the question asks how often to exercise.
        (
            ActionAnswer(),
            "ask_routine",
            "I used a walking stick after my fall last year. How often should I exercise?",
            "answer",
            "routine_and_rest",
        ),
        (
            ActionDeclineMedical(),
            "ask_medical",
            "will I end up in a wheelchair?",
            "out_of_scope",
            None,
        ),
        (ActionDeclineMedical(), "ask_medical", "will DM affect my lungs", "out_of_scope", None),
    ],
)
async def test_covered_questions_are_answered_as_before(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    action: ReplyAction,
    intent: str,
    text: str,
    kind: str,
    topic: str | None,
) -> None:
    await action.run(dispatcher, make_tracker(intent, text), {})

    payload = _payload(dispatcher)
    assert payload["type"] == kind
    assert payload["topic"] == topic
