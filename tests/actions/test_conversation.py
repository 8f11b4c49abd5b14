"""Session start and welcome carry both disclaimers; safety replies never carry exercise advice."""

from __future__ import annotations

from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import ActionSessionStart, ActionWelcome
from actions.safety import ActionDeclineMedical, ActionSafety
from bot.knowledge.schema import KnowledgeSet
from tests.actions.conftest import TrackerFactory


async def test_session_start_welcomes_and_keeps_the_subtype(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, knowledge: KnowledgeSet
) -> None:
    tracker = make_tracker("greet", slots={"myositis_type": "DM"})
    events = await ActionSessionStart().run(dispatcher, tracker, {})

    assert events[0] == SessionStarted()
    assert SlotSet("myositis_type", "DM") in events
    assert events[-1] == ActionExecuted("action_listen")
    (message,) = dispatcher.messages
    assert message["custom"]["type"] == "welcome"
    assert all(d.text in message["text"] for d in knowledge.disclaimers.values())
    assert len(message["buttons"]) >= 4


async def test_welcome_says_what_it_cannot_do(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    await ActionWelcome().run(dispatcher, make_tracker("ask_capabilities"), {})
    assert "can't diagnose" in dispatcher.messages[0]["text"]


async def test_crisis_reply_gives_the_crisis_line(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    await ActionSafety().run(dispatcher, make_tracker("crisis", "i want to end it all"), {})
    (message,) = dispatcher.messages
    assert message["custom"]["type"] == "crisis"
    assert "13 11 14" in message["text"]
    assert message["custom"]["entries"] == []


async def test_warning_sign_reply_stops_exercise_without_advice(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker("report_warning_sign", "my pee is dark brown after exercise")
    await ActionSafety().run(dispatcher, tracker, {})
    (message,) = dispatcher.messages
    assert message["custom"]["type"] == "red_flag"
    assert message["custom"]["entries"] == []
    assert "000" in message["text"]
    assert message["buttons"] == []


async def test_medical_question_is_declined(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    await ActionDeclineMedical().run(dispatcher, make_tracker("ask_medical", "how much pred"), {})
    (message,) = dispatcher.messages
    assert message["custom"]["type"] == "out_of_scope"
    assert "doctor" in message["text"]
