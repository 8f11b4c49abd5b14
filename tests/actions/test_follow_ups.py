"""Follow-up questions continue the conversation's topic whatever chat intent they get."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswer, ActionFallback, ActionSmallTalk, ActionWelcome
from actions.base import ReplyAction
from tests.actions.conftest import TrackerFactory, answered_topic


async def _reply(
    action: ReplyAction,
    make_tracker: TrackerFactory,
    intent: str,
    text: str,
    slots: dict[str, Any],
    entities: dict[str, str] | None = None,
) -> dict[str, Any]:
    dispatcher = CollectingDispatcher()
    await action.run(dispatcher, make_tracker(intent, text, entities, slots), {})
    (message,) = dispatcher.messages
    payload: dict[str, Any] = message["custom"]
    return payload


@pytest.mark.parametrize(
    ("action", "intent", "text", "last_topic"),
    [
        # Filed under chat: "no", "yes", chit-chat.
        (ActionSmallTalk(), "deny", "is that normal?", "pain_fatigue_ck"),
        (ActionSmallTalk(), "affirm", "which ones exactly", "ibm"),
        (ActionSmallTalk(), "affirm", "why?", "routine_and_rest"),
        (ActionSmallTalk(), "feedback", "how soon would I see a change?", "exercise_benefits"),
        (ActionWelcome(), "greet", "even a high dose?", "flares_and_steroids"),
        (ActionWelcome(), "greet", "morning or evening?", "stretching"),
        # Placed nowhere: someone else, or "what if".
        (ActionFallback(), "nlu_fallback", "can he keep playing", "children_jdm"),
        (ActionFallback(), "nlu_fallback", "what if my legs ache afterwards", "aerobic_exercise"),
        (ActionFallback(), "nlu_fallback", "could my dad do it too, he has PM", "tai_chi"),
        # A broad intent, or an exercise-type intent with nothing named.
        (ActionAnswer(), "ask_exercise_safety", "is it safe for my son as well? he's 9", "pilates"),
        (ActionAnswer(), "ask_exercise_type", "would it be ok for my daughter too", "hydrotherapy"),
        (ActionAnswer(), "ask_subtype", "and is it the same for kids?", "stretching"),
        (ActionAnswer(), "ask_exercise_safety", "could I join the same class myself?", "pilates"),
    ],
)
async def test_a_question_leaning_on_the_last_answer_continues_its_topic(
    make_tracker: TrackerFactory, action: ReplyAction, intent: str, text: str, last_topic: str
) -> None:
    payload = await _reply(action, make_tracker, intent, text, {"last_topic": last_topic})

    assert payload["type"] == "answer"
    assert payload["topic"] == last_topic


@pytest.mark.parametrize(
    ("action", "intent", "text", "kind", "topic"),
    [
        (ActionSmallTalk(), "chitchat", "can you do that?", "small_talk", None),
        (ActionSmallTalk(), "deny", "no", "small_talk", None),
        (ActionWelcome(), "greet", "hello again", "greeting", None),
        (ActionSmallTalk(), "feedback", "that was useless", "small_talk", None),
        (
            ActionAnswer(),
            "ask_exercise_safety",
            "is exercise safe for my daughter?",
            "answer",
            "exercise_safety",
        ),
        (
            ActionAnswer(),
            "ask_exercise_type",
            "what exercise types are there",
            "answer",
            "exercise_types",
        ),
    ],
)
async def test_chat_and_fresh_questions_do_not_continue_the_last_topic(
    make_tracker: TrackerFactory,
    action: ReplyAction,
    intent: str,
    text: str,
    kind: str,
    topic: str | None,
) -> None:
    payload = await _reply(action, make_tracker, intent, text, {"last_topic": "swallowing"})

    assert payload["type"] == kind
    assert payload["topic"] == topic


async def test_a_remark_against_the_answer_on_a_named_kind_is_about_that_kind(
    make_tracker: TrackerFactory,
) -> None:
    payload = await _reply(
        ActionSmallTalk(),
        make_tracker,
        "deny",
        "I cant swim though",
        {"last_topic": "exercise_types"},
        {"exercise_type": "hydrotherapy"},
    )

    assert (payload["type"], payload["topic"]) == ("answer", "hydrotherapy")


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        # The professional is where the news came from, not the subject: the corrected
        # subtype's own topic.
        (
            "sorry I got that wrong, the neurologist says it's inclusion body myositis",
            "ibm",
        ),
        # Asked about, the professional is the subject.
        ("what about a neurologist, for IBM?", "which_professional"),
    ],
)
async def test_a_professional_who_told_the_news_is_not_the_subject(
    make_tracker: TrackerFactory, text: str, topic: str
) -> None:
    payload = await _reply(
        ActionAnswer(),
        make_tracker,
        "inform",
        text,
        {"last_topic": "exercise_safety"},
        {"professional": "doctor", "myositis_type": "IBM"},
    )

    assert payload["topic"] == topic


async def test_a_question_pointing_back_to_the_story_takes_the_storys_words(
    make_tracker: TrackerFactory,
) -> None:
    text = (
        "first time back at the gym since my DM flared, level 1 on the bike nearly killed me. "
        "what should I actually be doing there?"
    )
    found = [("exercise_type", "aerobic", "bike")]

    assert await answered_topic(make_tracker, "nlu_fallback", text, found) == "aerobic_exercise"


async def test_a_session_asked_about_is_one_of_the_kind_the_story_named(
    make_tracker: TrackerFactory,
) -> None:
    text = "my GP suggested hydrotherapy for my DM. what actually happens at a session?"
    found = [("exercise_type", "hydrotherapy", "hydrotherapy")]

    assert await answered_topic(make_tracker, "ask_exercise_safety", text, found) == "hydrotherapy"


async def test_without_an_earlier_answer_a_follow_up_has_nothing_to_continue(
    make_tracker: TrackerFactory,
) -> None:
    payload = await _reply(ActionSmallTalk(), make_tracker, "deny", "is that normal?", {})

    assert payload["type"] == "small_talk"


# Without a subtype's own topic, exercises for a part of the body are those that strengthen it.
@pytest.mark.parametrize(
    ("subtype", "topic"), [("IBM", "ibm"), ("JDM", "children_jdm"), ("DM", "strength_training")]
)
async def test_a_broad_question_goes_to_the_remembered_subtypes_own_topic(
    make_tracker: TrackerFactory, subtype: str, topic: str
) -> None:
    payload = await _reply(
        ActionAnswer(),
        make_tracker,
        "ask_exercise_types",
        "which exercises for the legs?",
        {"myositis_type": subtype},
        {"body_part": "legs"},
    )

    assert payload["topic"] == topic


@pytest.mark.parametrize(
    ("intent", "text", "subtype", "entities", "topic"),
    [
        ("ask_routine", "how much exercise is right for her?", "JDM", {}, "children_jdm"),
        (
            "ask_pain_fatigue_ck",
            "she's too tired most days, should I push her?",
            "JDM",
            {"concern": "fatigue"},
            "children_jdm",
        ),
        ("ask_getting_started", "how do we build her back up?", "JDM", {}, "children_jdm"),
        # A child's sport or play, named.
        (
            "ask_exercise_type",
            "she's on the danceline, can she keep dancing?",
            "JDM",
            {"exercise_type": "aerobic"},
            "children_jdm",
        ),
        (
            "ask_exercise_type",
            "can I keep dancing?",
            "DM",
            {"exercise_type": "aerobic"},
            "aerobic_exercise",
        ),
        # A sport, which leads only to the kinds of exercise in general.
        (
            "ask_exercise_type",
            "can he still play netball at school",
            "JDM",
            {"exercise_type": "other_activity"},
            "children_jdm",
        ),
        # A grown-up who had JDM as a child asks as an adult.
        (
            "ask_exercise_type",
            "could I take up running?",
            "JDM",
            {"exercise_type": "aerobic"},
            "aerobic_exercise",
        ),
        # Adults' aspects stay: the studies behind them were done in adults like them.
        ("ask_routine", "how much exercise is right for me?", "IBM", {}, "routine_and_rest"),
        (
            "ask_pain_fatigue_ck",
            "I'm too tired most days, should I push on?",
            "DM",
            {"concern": "fatigue"},
            "pain_fatigue_ck",
        ),
    ],
)
async def test_a_childs_routine_tiredness_or_sport_goes_to_the_childrens_topic(
    make_tracker: TrackerFactory,
    intent: str,
    text: str,
    subtype: str,
    entities: dict[str, str],
    topic: str,
) -> None:
    payload = await _reply(
        ActionAnswer(),
        make_tracker,
        intent,
        text,
        {"myositis_type": subtype, "last_topic": "exercise_types"},
        entities,
    )

    assert payload["topic"] == topic


async def test_a_childs_question_naming_an_exercise_is_not_moved(
    make_tracker: TrackerFactory,
) -> None:
    payload = await _reply(
        ActionAnswer(),
        make_tracker,
        "ask_routine",
        "how often should he do his stretches?",
        {"myositis_type": "JDM"},
        {"exercise_type": "stretching"},
    )

    # How often to stretch: the named exercise's aspect, as for anyone.
    assert payload["topic"] == "routine_and_rest"


# Read as a follow-up, or as a question to the assistant ("what can he do for his legs?").
@pytest.mark.parametrize("intent", ["inform", "ask_capabilities"])
@pytest.mark.parametrize(
    ("last_topic", "subtype", "topic"),
    [
        ("swallowing", "IBM", "ibm"),
        ("hand_exercises", None, "exercise_types"),
        # The legs were not what the last answer was bound to: it goes on.
        ("strength_training", None, "strength_training"),
    ],
)
async def test_another_body_part_leaves_a_topic_bound_to_one(
    make_tracker: TrackerFactory, intent: str, last_topic: str, subtype: str | None, topic: str
) -> None:
    payload = await _reply(
        ActionAnswer(),
        make_tracker,
        intent,
        "and for my legs? I struggle on hills now",
        {"myositis_type": subtype, "last_topic": last_topic},
        {"body_part": "legs"},
    )

    assert payload["topic"] == topic


@pytest.mark.parametrize("intent", ["ask_exercise_types", "inform", "ask_exercise_safety"])
@pytest.mark.parametrize(
    ("text", "subtype", "topic"),
    [
        ("what should I do instead then?", "IBM", "ibm"),
        ("what else could I do?", None, "exercise_types"),
        ("anything else I could try instead?", "DM", "exercise_types"),
        ("what kind would be good for her?", None, "exercise_types"),
        ("which sorts suit him best?", "IBM", "ibm"),
    ],
)
async def test_asking_what_to_do_instead_leaves_the_exercise_discussed(
    make_tracker: TrackerFactory, intent: str, text: str, subtype: str | None, topic: str
) -> None:
    payload = await _reply(
        ActionAnswer(),
        make_tracker,
        intent,
        text,
        {"myositis_type": subtype, "last_topic": "aerobic_exercise"},
    )

    assert payload["topic"] == topic


@pytest.mark.parametrize("intent", ["inform", "nlu_fallback"])
@pytest.mark.parametrize(
    ("text", "subtype", "topic"),
    [
        ("what could I do without leaving the flat then?", "DM", "exercise_types"),
        ("and once I'm home, what can I do on my own?", "IMNM", "imnm"),
        # What a professional would set.
        ("ok, what would they have him do?", "PM", "exercise_types"),
        ("so what should I actually do?", "DM", "exercise_types"),
        # What to do about something discussed is not a request for other kinds.
        ("what can I do about it?", None, "aerobic_exercise"),
    ],
)
async def test_a_follow_up_asking_what_to_do_gets_the_kinds_of_exercise(
    make_tracker: TrackerFactory, intent: str, text: str, subtype: str | None, topic: str
) -> None:
    payload = await _reply(
        ActionAnswer(),
        make_tracker,
        intent,
        text,
        {"myositis_type": subtype, "last_topic": "aerobic_exercise"},
    )

    assert payload["topic"] == topic


async def test_a_named_exercise_still_outranks_the_remembered_subtype(
    make_tracker: TrackerFactory,
) -> None:
    payload = await _reply(
        ActionAnswer(),
        make_tracker,
        "ask_exercise_types",
        "what about swimming for him?",
        {"myositis_type": "IBM", "last_topic": "ibm"},
        {"exercise_type": "hydrotherapy"},
    )

    assert payload["topic"] == "hydrotherapy"


def _answered(*topics: str) -> list[dict[str, Any]]:
    """A session in which the assistant answered ``topics`` in turn, then the user wrote again."""
    events: list[dict[str, Any]] = [{"event": "session_started"}]
    for topic in topics:
        events.append({"event": "user", "text": "a question"})
        events.append({"event": "bot", "data": {"custom": {"type": "answer", "topic": topic}}})
    return [*events, {"event": "user", "text": "..."}]


@pytest.mark.parametrize(
    ("intent", "text", "topic"),
    [
        ("inform", "is it ok for teenagers too?", "hydrotherapy"),
        ("deny", "is that normal?", "hydrotherapy"),
        ("ask_routine", "how long each time?", "routine_and_rest"),  # its own topic still wins
    ],
)
async def test_a_follow_up_after_an_aspect_continues_the_subject(
    make_tracker: TrackerFactory, intent: str, text: str, topic: str
) -> None:
    action = ActionSmallTalk() if intent == "deny" else ActionAnswer()
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        intent,
        text,
        slots={"last_topic": "routine_and_rest"},
        events=_answered("hydrotherapy", "routine_and_rest"),
    )
    await action.run(dispatcher, tracker, {})

    (message,) = dispatcher.messages
    assert message["custom"]["topic"] == topic


async def test_a_follow_up_naming_a_body_part_goes_to_its_topic(
    make_tracker: TrackerFactory,
) -> None:
    payload = await _reply(
        ActionAnswer(),
        make_tracker,
        "inform",
        "what can I do for my hands?",
        {},
        {"body_part": "hands"},
    )

    assert payload["topic"] == "hand_exercises"


@pytest.mark.parametrize(
    ("last_topic", "topic"), [(None, "pain_fatigue_ck"), ("hydrotherapy", "hydrotherapy")]
)
async def test_a_follow_up_with_nothing_to_follow_takes_the_next_likely_intent(
    make_tracker: TrackerFactory, last_topic: str | None, topic: str
) -> None:
    tracker = make_tracker(
        "inform", "do I tell my doctor I exercise before bloods?", slots={"last_topic": last_topic}
    )
    tracker.latest_message["intent_ranking"] = [
        {"name": "inform", "confidence": 0.4},
        {"name": "ask_pain_fatigue_ck", "confidence": 0.3},
        {"name": "ask_resources", "confidence": 0.2},
    ]
    dispatcher = CollectingDispatcher()
    await ActionAnswer().run(dispatcher, tracker, {})

    (message,) = dispatcher.messages
    assert message["custom"]["topic"] == topic


@pytest.mark.parametrize(
    ("text", "ranking", "topic"),
    [
        # The classifier also saw the aspect asked (how hard, who can help): that aspect answers.
        (
            "and when do I make them harder?",
            [("inform", 0.79), ("ask_routine", 0.18)],
            "routine_and_rest",
        ),
        (
            "who teaches them?",
            [("inform", 0.35), ("ask_which_professional", 0.29)],
            "which_professional",
        ),
        # An aspect it barely considered is no reading: the subject goes on.
        (
            "can I do it sitting down?",
            [("inform", 0.56), ("ask_routine", 0.07)],
            "strength_training",
        ),
        # A statement asks no aspect.
        (
            "she can only really manage sitting down",
            [("inform", 0.69), ("ask_resources", 0.1)],
            "strength_training",
        ),
        # A subject reading is no aspect: the follow-up continues the subject.
        (
            "is that ok for kids?",
            [("inform", 0.6), ("ask_exercise_safety", 0.3)],
            "strength_training",
        ),
    ],
)
async def test_a_follow_up_asks_the_aspect_the_classifier_also_saw(
    make_tracker: TrackerFactory, text: str, ranking: list[tuple[str, float]], topic: str
) -> None:
    tracker = make_tracker("inform", text, slots={"last_topic": "strength_training"})
    tracker.latest_message["intent_ranking"] = [
        {"name": name, "confidence": confidence} for name, confidence in ranking
    ]
    dispatcher = CollectingDispatcher()
    await ActionAnswer().run(dispatcher, tracker, {})

    (message,) = dispatcher.messages
    assert message["custom"]["topic"] == topic


@pytest.mark.parametrize(
    ("intent", "text", "topic"),
    [
        # Telling a steroid condition after an exercise answer: exercising on steroids.
        ("feedback", "I'm still on 20mg though", "flares_and_steroids"),
        ("inform", "she's on prednisone", "flares_and_steroids"),
        # Other statements are not conditions.
        ("feedback", "I'm still on the fence though", None),
    ],
)
async def test_a_steroid_condition_told_after_an_answer_is_answered(
    make_tracker: TrackerFactory, intent: str, text: str, topic: str | None
) -> None:
    action = ActionSmallTalk() if intent == "feedback" else ActionAnswer()
    payload = await _reply(action, make_tracker, intent, text, {"last_topic": "strength_training"})

    assert payload.get("topic") == topic


@pytest.mark.parametrize(
    ("text", "found", "last_topic", "expected"),
    [
        # A correction, asking nothing, to a subtype with a topic of its own: that topic.
        (
            "sorry I got that wrong, the neurologist says it's inclusion body myositis",
            [("myositis_type", "IBM", "inclusion body myositis")],
            "exercise_types",
            "ibm",
        ),
        # The subtype denied is not the one meant: "IBM not polymyositis" is IBM.
        (
            "the second biopsy said it's IBM not polymyositis",
            [("myositis_type", "IBM", "IBM"), ("myositis_type", "PM", "polymyositis")],
            "strength_training",
            "ibm",
        ),
        (
            "they rediagnosed him, it isn't PM, it's IMNM",
            [("myositis_type", "PM", "PM"), ("myositis_type", "IMNM", "IMNM")],
            "hydrotherapy",
            "imnm",
        ),
        # A subtype told as news, correcting nothing: the last topic, tailored to it.
        (
            "I have IBM by the way",
            [("myositis_type", "IBM", "IBM")],
            "hydrotherapy",
            "hydrotherapy",
        ),
    ],
)
async def test_a_corrected_subtype_with_a_topic_of_its_own_gets_that_topic(
    make_tracker: TrackerFactory,
    text: str,
    found: list[tuple[str, str, str]],
    last_topic: str,
    expected: str,
) -> None:
    slots = {"last_topic": last_topic}
    assert await answered_topic(make_tracker, "inform", text, found, slots) == expected


@pytest.mark.parametrize(
    "text", ["what tells me I've pushed it too far?", "how long till I should take a break?"]
)
async def test_a_follow_up_asking_how_hard_or_how_long_is_routine(
    make_tracker: TrackerFactory, text: str
) -> None:
    slots = {"last_topic": "aerobic_exercise"}
    assert await answered_topic(make_tracker, "inform", text, [], slots) == "routine_and_rest"


async def test_a_subtype_correction_read_as_no_gets_the_corrected_subtypes_topic(
    make_tracker: TrackerFactory,
) -> None:
    text = "sorry not DM, it's anti-SRP"
    found = [("myositis_type", "DM", "DM"), ("myositis_type", "IMNM", "anti-SRP")]
    slots = {"last_topic": "strength_training"}
    assert await answered_topic(make_tracker, "deny", text, found, slots) == "imnm"


async def test_a_kind_asked_with_an_or_not_tag_and_read_as_no_is_answered(
    make_tracker: TrackerFactory,
) -> None:
    text = "tai chi too or is that a no"
    found = [("exercise_type", "tai_chi", "tai chi")]
    slots = {"last_topic": "imnm"}
    assert await answered_topic(make_tracker, "deny", text, found, slots) == "tai_chi"


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("what about stairs, she finds them so hard", "strength_training"),
        ("and getting up from a chair is a struggle", "strength_training"),
        # A task named without being told hard continues the subject.
        ("what about the stairs at the station?", "aerobic_exercise"),
    ],
)
async def test_an_everyday_task_told_hard_in_a_follow_up_asks_for_strength(
    make_tracker: TrackerFactory, text: str, topic: str
) -> None:
    slots = {"last_topic": "aerobic_exercise"}
    assert await answered_topic(make_tracker, "inform", text, [], slots) == topic
