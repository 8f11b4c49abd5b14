"""Follow-ups that name a medicine: exercise questions under a condition, or medical questions."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswer, ActionFallback
from actions.base import ReplyAction
from actions.safety import ActionDeclineMedical
from tests.actions.conftest import TrackerFactory


def _session(*turns: tuple[str, str]) -> list[dict[str, Any]]:
    """A session of (user text, answered topic) turns, then the latest user message."""
    events: list[dict[str, Any]] = [{"event": "session_started"}]
    for text, topic in turns:
        events.append({"event": "user", "text": text})
        events.append({"event": "bot", "data": {"custom": {"type": "answer", "topic": topic}}})
    return [*events, {"event": "user", "text": "..."}]


def _ranked(tracker: Tracker, *ranking: tuple[str, float]) -> Tracker:
    """The classifier's ranking, which the safety net leaves as it was when it overrides."""
    tracker.latest_message["intent_ranking"] = [
        {"name": name, "confidence": confidence} for name, confidence in ranking
    ]
    return tracker


async def _payload(action: ReplyAction, tracker: Tracker) -> dict[str, Any]:
    dispatcher = CollectingDispatcher()
    await action.run(dispatcher, tracker, {})
    (message,) = dispatcher.messages
    payload: dict[str, Any] = message["custom"]
    return payload


@pytest.mark.parametrize(
    "text",
    ["and on steroids?", "even on a high dose of prednisone?", "what if I'm on methotrexate?"],
)
async def test_a_treatment_condition_on_an_exercise_answer_is_answered(
    make_tracker: TrackerFactory, text: str
) -> None:
    tracker = make_tracker(
        "ask_medical",
        text,
        slots={"last_topic": "exercise_types"},
        safety={"medical": True},
        events=_session(("is yoga ok with dermatomyositis?", "exercise_types")),
    )
    _ranked(tracker, ("inform", 0.6), ("ask_flares_steroids", 0.3))

    payload = await _payload(ActionDeclineMedical(), tracker)

    assert payload["type"] == "answer"
    assert payload["topic"] == "flares_and_steroids"


async def test_a_subtype_told_that_the_classifier_alone_took_for_medical_is_answered(
    make_tracker: TrackerFactory,
) -> None:
    tracker = make_tracker(
        "ask_medical",
        "I should have said, I have IBM",
        {"myositis_type": "IBM"},
        slots={"last_topic": "tai_chi"},
        events=_session(("would tai chi be worth doing for myositis?", "tai_chi")),
    )
    _ranked(tracker, ("ask_medical", 0.4), ("inform", 0.3))

    payload = await _payload(ActionDeclineMedical(), tracker)

    assert payload["type"] == "answer"
    assert payload["topic"] in ("tai_chi", "ibm")


async def test_a_follow_up_the_classifier_alone_took_for_medical_continues_the_subject(
    make_tracker: TrackerFactory,
) -> None:
    tracker = make_tracker(
        "ask_medical",
        "should I stop before the next bloods then?",
        slots={"last_topic": "pain_fatigue_ck"},
        events=_session(("does exercise raise my CK?", "pain_fatigue_ck")),
    )
    _ranked(tracker, ("ask_medical", 0.34), ("ask_routine", 0.29), ("inform", 0.21))

    payload = await _payload(ActionDeclineMedical(), tracker)

    assert payload["type"] == "answer"
    assert payload["topic"] == "pain_fatigue_ck"


@pytest.mark.parametrize(
    ("text", "safety"),
    [
        ("should I ask to lower my dose?", {}),
        ("and can I come off them then?", {"medical": True}),
        ("does that mean the disease is back?", {"medical": True}),
    ],
)
async def test_a_question_about_the_medicine_itself_is_still_declined(
    make_tracker: TrackerFactory, text: str, safety: dict[str, Any]
) -> None:
    tracker = make_tracker(
        "ask_medical",
        text,
        slots={"last_topic": "flares_and_steroids"},
        safety=safety,
        events=_session(("I'm on prednisone, can I exercise?", "flares_and_steroids")),
    )

    payload = await _payload(ActionDeclineMedical(), tracker)

    assert payload["type"] == "out_of_scope"


async def test_coming_off_a_medicine_named_earlier_is_declined_whatever_the_intent(
    make_tracker: TrackerFactory,
) -> None:
    tracker = make_tracker(
        "ask_routine",
        "how quickly can I come off it?",
        slots={"last_topic": "flares_and_steroids"},
        events=_session(("I'm on prednisone, can I exercise?", "flares_and_steroids")),
    )

    payload = await _payload(ActionAnswer(), tracker)

    assert payload["type"] == "out_of_scope"


async def test_the_same_words_with_no_medicine_named_are_answered(
    make_tracker: TrackerFactory,
) -> None:
    tracker = make_tracker(
        "ask_routine",
        "how quickly can I build it up?",
        slots={"last_topic": "aerobic_exercise"},
        events=_session(("can I go cycling with PM?", "aerobic_exercise")),
    )

    payload = await _payload(ActionAnswer(), tracker)

    assert payload["type"] == "answer"


@pytest.mark.parametrize(
    "text",
    ["how many days before?", "how long before?", "so how long before the test should I stop?"],
)
async def test_how_long_before_continues_the_event_discussed(
    make_tracker: TrackerFactory, text: str
) -> None:
    tracker = make_tracker(
        "ask_routine",
        text,
        slots={"last_topic": "pain_fatigue_ck"},
        events=_session(("should I skip exercise before a blood test?", "pain_fatigue_ck")),
    )

    payload = await _payload(ActionAnswer(), tracker)

    assert payload["topic"] == "pain_fatigue_ck"


@pytest.mark.parametrize(("subtype", "topic"), [("JDM", "children_jdm"), (None, "exercise_types")])
async def test_an_activity_the_vocabulary_does_not_know_is_an_exercise_question(
    make_tracker: TrackerFactory, subtype: str | None, topic: str
) -> None:
    tracker = make_tracker(
        "nlu_fallback",
        "is trampolining ok?",
        slots={"last_topic": "aerobic_exercise", "myositis_type": subtype},
        events=_session(("can my child do PE?", "aerobic_exercise")),
    )

    payload = await _payload(ActionFallback(), tracker)

    assert payload["type"] == "answer"
    assert payload["topic"] == topic


async def test_a_follow_up_taken_for_medical_after_a_medicine_was_named_is_declined(
    make_tracker: TrackerFactory,
) -> None:
    tracker = make_tracker(
        "ask_medical",
        "should I stop then?",
        slots={"last_topic": "hydrotherapy"},
        events=_session(("I'm on methotrexate, can I swim?", "hydrotherapy")),
    )

    payload = await _payload(ActionDeclineMedical(), tracker)

    assert payload["type"] == "out_of_scope"


@pytest.mark.parametrize(
    ("intent", "text"),
    [
        ("nlu_fallback", "what dose is too high to train on?"),
        ("ask_exercise_safety", "is there a maximum dosage for doing weights?"),
    ],
)
async def test_a_dose_question_after_a_medicine_was_named_is_declined(
    make_tracker: TrackerFactory, intent: str, text: str
) -> None:
    tracker = make_tracker(
        intent,
        text,
        slots={"last_topic": "strength_training"},
        events=_session(("I'm on prednisone, can I lift weights?", "strength_training")),
    )

    payload = await _payload(ActionFallback(), tracker)

    assert payload["type"] == "out_of_scope"


async def test_being_on_a_dose_after_a_medicine_was_named_is_still_a_condition(
    make_tracker: TrackerFactory,
) -> None:
    tracker = make_tracker(
        "ask_flares_steroids",
        "can I lift heavier on a lower dose?",
        slots={"last_topic": "strength_training"},
        events=_session(("I'm on prednisone, can I lift weights?", "strength_training")),
    )

    payload = await _payload(ActionAnswer(), tracker)

    assert payload["type"] == "answer"


async def test_a_treatment_told_before_asking_whether_it_matters_is_answered(
    make_tracker: TrackerFactory,
) -> None:
    text = "she's on a high dose of prednisone at the moment, does that matter?"
    tracker = make_tracker(
        "ask_medical",
        text,
        {"concern": "steroids"},
        slots={"last_topic": "getting_started"},
        safety={"medical": True},
        events=_session(("how can I help my wife get some exercise?", "getting_started")),
    )
    _ranked(tracker, ("ask_medical", 0.67), ("ask_exercise_safety", 0.3))

    payload = await _payload(ActionDeclineMedical(), tracker)

    assert payload["type"] == "answer"
    assert payload["topic"] == "flares_and_steroids"


async def test_a_steroid_condition_told_with_its_taper_is_answered(
    make_tracker: TrackerFactory,
) -> None:
    tracker = make_tracker(
        "ask_medical",
        "I'm still on pred though, tapering",
        {"concern": "steroids"},
        slots={"last_topic": "getting_started"},
        safety={"medical": True},
        events=_session(("I want to start exercising again", "getting_started")),
    )
    _ranked(tracker, ("ask_medical", 0.7), ("inform", 0.2))

    payload = await _payload(ActionDeclineMedical(), tracker)

    assert payload["type"] == "answer"
    assert payload["topic"] == "flares_and_steroids"


async def test_a_corrected_subtype_told_with_a_biopsy_asks_the_answer_again(
    make_tracker: TrackerFactory,
) -> None:
    tracker = make_tracker(
        "ask_medical",
        "sorry, it's actually IMNM, the second biopsy said so. does that change things?",
        {"myositis_type": "IMNM"},
        slots={"last_topic": "strength_training"},
        safety={"medical": True},
        events=_session(("best exercise for my legs with PM?", "strength_training")),
    )

    payload = await _payload(ActionDeclineMedical(), tracker)

    assert payload["type"] == "answer"
    assert payload["topic"] == "imnm"


async def test_a_corrected_subtype_told_with_a_biopsy_and_no_question_is_answered(
    make_tracker: TrackerFactory,
) -> None:
    tracker = make_tracker(
        "ask_medical",
        "actually the second biopsy said it's IBM",
        {"myositis_type": "IBM"},
        slots={"last_topic": "strength_training"},
        safety={"medical": True},
        events=_session(("is squatting the right exercise for her PM?", "strength_training")),
    )

    payload = await _payload(ActionDeclineMedical(), tracker)

    assert payload["type"] == "answer"
    assert payload["topic"] == "ibm"


async def test_asking_which_subtype_it_is_stays_declined(make_tracker: TrackerFactory) -> None:
    tracker = make_tracker(
        "ask_medical",
        "the biopsy said inflammation, is it actually IBM or PM?",
        {"myositis_type": "IBM"},
        slots={"last_topic": "strength_training"},
        safety={"medical": True},
        events=_session(("is squatting the right exercise for her PM?", "strength_training")),
    )

    payload = await _payload(ActionDeclineMedical(), tracker)

    assert payload["type"] == "out_of_scope"


@pytest.mark.parametrize(
    "text",
    ["what are the signs I've pushed past my limit", "how long before I need a rest break?"],
)
async def test_a_question_of_how_hard_only_the_classifier_took_for_medical_is_routine(
    make_tracker: TrackerFactory, text: str
) -> None:
    tracker = make_tracker("ask_medical", text, safety={"medical": False})

    payload = await _payload(ActionDeclineMedical(), tracker)

    assert (payload["type"], payload["topic"]) == ("answer", "routine_and_rest")


async def test_a_dose_question_of_how_hard_is_still_declined(make_tracker: TrackerFactory) -> None:
    tracker = make_tracker(
        "ask_medical", "can I take more pred if I overdo it at the gym?", safety={"medical": True}
    )

    payload = await _payload(ActionDeclineMedical(), tracker)

    assert payload["type"] == "out_of_scope"
