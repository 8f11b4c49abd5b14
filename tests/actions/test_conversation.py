"""Session start and welcome carry both disclaimers; safety replies never carry exercise advice."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswer, ActionSmallTalk, ActionWelcome
from actions.conversation import ActionSessionStart
from actions.safety import ActionDeclineMedical, ActionSafety
from bot.knowledge.schema import KnowledgeSet
from tests.actions.conftest import ONGOING, TrackerFactory


async def test_session_start_keeps_the_subtype_and_waits_for_the_first_message(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    earlier = [*ONGOING, {"event": "action", "name": "action_listen"}]
    tracker = make_tracker("thanks", slots={"myositis_type": "DM"}, events=earlier)
    events = await ActionSessionStart().run(dispatcher, tracker, {})

    assert events[0] == SessionStarted()
    assert SlotSet("myositis_type", "DM") in events
    assert events[-1] == ActionExecuted("action_listen")
    assert dispatcher.messages == [], "the welcome waits until the first message is known"


async def test_the_widget_opening_a_conversation_is_welcomed(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, knowledge: KnowledgeSet
) -> None:
    started = [
        {"event": "action", "name": "action_session_start"},
        {"event": "session_started"},
        {"event": "user", "text": "/session_start"},
    ]
    await ActionSessionStart().run(dispatcher, make_tracker("session_start", events=started), {})
    (message,) = dispatcher.messages
    assert message["custom"]["type"] == "welcome"
    assert all(d.text in message["text"] for d in knowledge.disclaimers.values())
    assert len(message["buttons"]) >= 4


NEW_SESSION = [
    {"event": "action", "name": "action_session_start"},
    {"event": "session_started"},
    {"event": "action", "name": "action_listen"},
    {"event": "user", "text": "..."},
]


async def test_the_first_answer_of_a_session_comes_after_the_welcome(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(
        "ask_exercise_type", "can I do pilates", {"exercise_type": "pilates"}, events=NEW_SESSION
    )
    await ActionAnswer().run(dispatcher, tracker, {})
    assert [m["custom"]["type"] for m in dispatcher.messages] == ["welcome", "answer"]

    later = [*NEW_SESSION, {"event": "bot", "text": "...", "data": {"custom": {"type": "answer"}}}]
    dispatcher.messages.clear()
    await ActionAnswer().run(dispatcher, make_tracker("ask_exercise_safety", events=later), {})
    assert [m["custom"]["type"] for m in dispatcher.messages] == ["answer"]


@pytest.mark.parametrize(
    ("intent", "text", "expected"),
    [
        ("report_warning_sign", "I have chest pain after exercise", "red_flag"),
        ("crisis", "I want to end it all", "crisis"),
    ],
)
async def test_a_session_opening_with_a_warning_sign_gets_the_urgent_reply_alone(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    intent: str,
    text: str,
    expected: str,
) -> None:
    safety = (
        {"urgency": "emergency", "sources": ["mda-quest-warning"]} if expected == "red_flag" else {}
    )
    tracker = make_tracker(intent, text, safety=safety, events=NEW_SESSION)
    await ActionSafety().run(dispatcher, tracker, {})
    assert [m["custom"]["type"] for m in dispatcher.messages] == [expected]


def as_rasa_logs(name: str, dispatcher: CollectingDispatcher, returned: list[Any]) -> list[Any]:
    """The events Rasa stores for one action run: the action, its messages, then its events."""
    said = [{"event": "bot", "text": m["text"], "data": m} for m in dispatcher.messages]
    dispatcher.messages.clear()
    return [{"event": "action", "name": name}, *said, *returned]


async def test_the_widget_s_conversation_is_welcomed_once(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    # A new conversation: Rasa starts the session, then logs the widget's /session_start.
    events: list[Any] = as_rasa_logs(
        "action_session_start",
        dispatcher,
        await ActionSessionStart().run(dispatcher, make_tracker("", events=[]), {}),
    )
    events.append({"event": "user", "text": "/session_start"})
    opened = make_tracker("session_start", events=list(events))
    events += as_rasa_logs(
        "action_session_start", dispatcher, await ActionSessionStart().run(dispatcher, opened, {})
    )
    events += [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "can I do pilates"},
    ]
    asked = make_tracker("ask_exercise_type", "can I do pilates", events=list(events))
    events += as_rasa_logs(
        "action_answer", dispatcher, await ActionAnswer().run(dispatcher, asked, {})
    )
    kinds = [
        (e.get("data") or {}).get("custom", {}).get("type") for e in events if e["event"] == "bot"
    ]
    assert kinds == ["welcome", "answer"]
    assert [e["event"] for e in events].count("session_started") == 1


async def test_a_second_session_start_in_the_same_session_says_nothing(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    # A reload that could not read the history sends /session_start again mid-session.
    welcomed = [
        {"event": "session_started"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "/session_start"},
        {"event": "bot", "text": "Hello", "data": {"custom": {"type": "welcome"}}},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "/session_start"},
    ]
    events = await ActionSessionStart().run(
        dispatcher, make_tracker("session_start", events=welcomed), {}
    )
    assert dispatcher.messages == []
    assert events == [ActionExecuted("action_listen")], (
        "the session goes on, topic and subtype kept"
    )


async def test_a_greeting_after_the_welcome_gets_a_short_hello(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    earlier = [
        {"event": "session_started"},
        {"event": "bot", "text": "Hello", "data": {"custom": {"type": "welcome"}}},
        {"event": "user", "text": "is pilates ok"},
        {"event": "bot", "text": "Pilates...", "data": {"custom": {"type": "answer"}}},
        {"event": "user", "text": "hi again"},
    ]
    await ActionWelcome().run(dispatcher, make_tracker("greet", events=earlier), {})
    assert [m["custom"]["type"] for m in dispatcher.messages] == ["greeting"]
    dispatcher.messages.clear()
    await ActionSmallTalk().run(dispatcher, make_tracker("ask_capabilities", events=earlier), {})
    assert [m["custom"]["type"] for m in dispatcher.messages] == ["welcome"], "asked, so told"


async def test_welcome_says_what_it_cannot_do(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    await ActionSmallTalk().run(dispatcher, make_tracker("ask_capabilities"), {})
    assert "can't diagnose" in dispatcher.messages[0]["text"]


async def test_crisis_reply_gives_the_crisis_line(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    await ActionSafety().run(dispatcher, make_tracker("crisis", "i want to end it all"), {})
    (message,) = dispatcher.messages
    assert message["custom"]["type"] == "crisis"
    assert "13 11 14" in message["text"]
    assert message["custom"]["entries"] == []


@pytest.mark.parametrize("urgency", ["emergency", "same_day", "review"])
async def test_warning_sign_reply_follows_the_safety_net(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, urgency: str
) -> None:
    safety = {"crisis": False, "urgency": urgency, "signs": ["x"], "sources": ["nni-myositis"]}
    tracker = make_tracker("report_warning_sign", "my legs ache", safety=safety)
    events = await ActionSafety().run(dispatcher, tracker, {})
    (message,) = dispatcher.messages
    payload = message["custom"]
    assert (payload["type"], payload["urgency"]) == ("red_flag", urgency)
    assert payload["entries"] == []
    assert [s["id"] for s in payload["sources"]] == ["nni-myositis"]
    assert message["buttons"] == []
    assert SlotSet("safety_flag", urgency) in events


async def test_emergency_reply_gives_the_number(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    safety = {"crisis": False, "urgency": "emergency", "signs": ["dark_urine"], "sources": []}
    tracker = make_tracker("ask_exercise_type", "my pee is dark brown", safety=safety)
    await ActionSafety().run(dispatcher, tracker, {})
    assert "call 000" in dispatcher.messages[0]["text"]


async def test_classifier_alone_gets_a_clarifying_question(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    await ActionSafety().run(dispatcher, make_tracker("report_warning_sign", "feeling off"), {})
    (message,) = dispatcher.messages
    assert message["custom"]["type"] == "clarify"
    payloads = [b["payload"] for b in message["buttons"]]
    assert payloads[:3] == [
        f'/report_warning_sign{{"urgency": "{u}"}}' for u in ("emergency", "same_day", "review")
    ]
    assert payloads[3] == "/deny"


async def test_a_question_leaning_on_an_answer_with_no_sign_found_continues_it(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(
        "report_warning_sign",
        "he hates the cold. does the water temperature matter for him?",
        slots={"last_topic": "hydrotherapy"},
    )
    await ActionSafety().run(dispatcher, tracker, {})

    (message,) = dispatcher.messages
    assert message["custom"]["type"] == "answer"
    assert message["custom"]["topic"] == "hydrotherapy"


async def test_a_question_naming_a_kind_after_an_answer_with_no_sign_found_is_answered(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(
        "report_warning_sign",
        "would swimming be any easier on my breathing?",
        {"exercise_type": "hydrotherapy"},
        slots={"last_topic": "exercise_safety"},
    )
    await ActionSafety().run(dispatcher, tracker, {})

    (message,) = dispatcher.messages
    assert (message["custom"]["type"], message["custom"]["topic"]) == ("answer", "hydrotherapy")


@pytest.mark.parametrize(
    ("text", "last_topic", "kind"),
    [
        # A statement adding to the answer, with no sign the rules found: the subject goes on.
        (
            "she also can't sleep some nights because of the muscle pain",
            "routine_and_rest",
            "answer",
        ),
        ("and the backs of my knees feel tight too", "hand_exercises", "answer"),
        ("she still can't get up off low chairs", "strength_training", "answer"),
        # A statement that adds nothing to a subject is still asked about.
        ("my legs feel funny today", "hand_exercises", "clarify"),
    ],
)
async def test_a_statement_adding_to_an_answer_with_no_sign_found_continues_it(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    text: str,
    last_topic: str,
    kind: str,
) -> None:
    tracker = make_tracker("report_warning_sign", text, slots={"last_topic": last_topic})
    await ActionSafety().run(dispatcher, tracker, {})

    (message,) = dispatcher.messages
    assert message["custom"]["type"] == kind


async def test_a_question_leaning_on_an_answer_with_a_sign_found_is_a_sign(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    safety = {"crisis": False, "urgency": "same_day", "signs": ["fever_infection"], "sources": []}
    tracker = make_tracker(
        "report_warning_sign",
        "I've a temperature of 38, is that ok?",
        safety=safety,
        slots={"last_topic": "hydrotherapy"},
    )
    await ActionSafety().run(dispatcher, tracker, {})

    assert dispatcher.messages[0]["custom"]["type"] == "red_flag"


async def test_clarify_button_gives_the_safety_reply(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker("report_warning_sign", "", {"urgency": "same_day"})
    await ActionSafety().run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["custom"]["urgency"] == "same_day"


async def test_medical_question_is_declined(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    await ActionDeclineMedical().run(dispatcher, make_tracker("ask_medical", "how much pred"), {})
    (message,) = dispatcher.messages
    assert message["custom"]["type"] == "out_of_scope"
    assert "doctor" in message["text"]
    assert "medicines or doses" in message["text"]


async def test_a_warning_sign_reply_remembers_the_subject_for_a_follow_up(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    safety = {"crisis": False, "urgency": "same_day", "signs": ["x"], "sources": ["nni-myositis"]}
    tracker = make_tracker(
        "report_warning_sign",
        "I get so breathless after swimming now",
        {"exercise_type": "hydrotherapy"},
        safety=safety,
    )
    events = await ActionSafety().run(dispatcher, tracker, {})
    (message,) = dispatcher.messages
    assert message["custom"]["type"] == "red_flag"
    assert SlotSet("last_topic", "hydrotherapy") in events

    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    follow_up = make_tracker("inform", "so can I still do it?", slots=slots)
    await ActionAnswer().run(dispatcher, follow_up, {})
    assert dispatcher.messages[-1]["custom"]["topic"] == "hydrotherapy"


async def test_a_warning_sign_naming_nothing_sets_no_subject(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    safety = {"crisis": False, "urgency": "review", "signs": ["x"], "sources": ["nni-myositis"]}
    tracker = make_tracker("report_warning_sign", "my legs are weaker this week", safety=safety)
    events = await ActionSafety().run(dispatcher, tracker, {})
    assert not [e for e in events if e.get("name") == "last_topic"]
