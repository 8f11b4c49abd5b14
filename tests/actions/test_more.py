"""The "Tell me more" action and the disclaimers' wording, both read from the conversation."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswer
from actions.more import ActionTellMeMore
from actions.safety import ActionSafety
from bot.guide import Guide
from bot.knowledge.schema import KnowledgeSet
from tests.actions.conftest import TrackerFactory


def with_entries(tracker: Tracker, ids: list[str]) -> Tracker:
    """The tracker as Rasa sends it for a button: each listed id becomes an entity."""
    tracker.latest_message["entities"] = [{"entity": "entries", "value": i} for i in ids]
    return tracker


def detailed(knowledge: KnowledgeSet) -> list[str]:
    return [e.id for e in knowledge.entries if e.detail][:2]


async def test_the_button_shows_the_detail_of_the_entries_it_names(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, knowledge: KnowledgeSet
) -> None:
    ids = detailed(knowledge)
    tracker = with_entries(make_tracker("tell_me_more", "/tell_me_more"), ids)
    await ActionTellMeMore().run(dispatcher, tracker, {})
    (message,) = dispatcher.messages
    entries = {e.id: e for e in knowledge.entries}
    assert message["custom"]["type"] == "more"
    assert message["custom"]["body"] == [entries[i].detail for i in ids]
    assert message["custom"]["more_of"] == ids
    assert all(d.id in message["custom"]["disclaimers"] for d in knowledge.disclaimers.values())


async def test_typed_more_reads_the_last_answer_from_the_conversation(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, knowledge: KnowledgeSet
) -> None:
    ids = detailed(knowledge)
    events = [
        {"event": "session_started"},
        {"event": "user", "text": "is it safe"},
        {"event": "bot", "text": "...", "data": {"custom": {"type": "answer", "entries": ids}}},
        {"event": "user", "text": "tell me more"},
    ]
    await ActionTellMeMore().run(
        dispatcher, make_tracker("tell_me_more", "more", events=events), {}
    )
    assert dispatcher.messages[-1]["custom"]["more_of"] == ids


async def test_more_with_no_answer_before_says_so(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    await ActionTellMeMore().run(dispatcher, make_tracker("tell_me_more", "more"), {})
    assert dispatcher.messages[-1]["custom"]["more_of"] == []
    assert "nothing more" in dispatcher.messages[-1]["text"]


async def test_more_about_something_named_is_a_question(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(
        "tell_me_more", "tell me more about swimming", {"exercise_type": "hydrotherapy"}
    )
    await ActionTellMeMore().run(dispatcher, tracker, {})
    assert dispatcher.messages[-1]["custom"]["topic"] == "hydrotherapy"


async def test_disclaimers_are_full_once_a_session_then_compact(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, knowledge: KnowledgeSet
) -> None:
    new_session = [{"event": "session_started"}, {"event": "user", "text": "pilates?"}]
    asked = make_tracker("ask_exercise_type", "can I do pilates", {"exercise_type": "pilates"})
    asked.events = new_session
    await ActionAnswer().run(dispatcher, asked, {})
    welcome, first = dispatcher.messages
    assert welcome["custom"]["disclaimer_style"] == "full"
    assert first["custom"]["disclaimer_style"] == "compact"
    for d in knowledge.disclaimers.values():
        assert d.text in welcome["text"]
        assert d.compact in first["text"], "both disclaimers stay, in short"

    later = [*new_session, {"event": "bot", "text": welcome["text"], "data": welcome}]
    dispatcher.messages.clear()
    asked.events = later
    await ActionAnswer().run(dispatcher, asked, {})
    assert [m["custom"]["disclaimer_style"] for m in dispatcher.messages] == ["compact"]


async def test_a_crisis_reply_carries_no_exercise_disclaimer(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, guide: Guide
) -> None:
    tracker = make_tracker("crisis", "i want to end it all", safety={"crisis": True})
    await ActionSafety().run(dispatcher, tracker, {})
    (message,) = dispatcher.messages
    assert message["custom"]["disclaimer_texts"] == []
    assert "Please note" not in message["text"]
    assert guide.composer.contacts["crisis_line"] in message["text"]


async def test_a_question_filed_as_more_is_answered_as_a_follow_up(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    events = [
        {"event": "session_started"},
        {"event": "user", "text": "is swimming ok"},
        {
            "event": "bot",
            "text": "...",
            "data": {"custom": {"type": "answer", "topic": "hydrotherapy", "entries": []}},
        },
        {"event": "user", "text": "do they know much about it yet?"},
    ]
    tracker = make_tracker(
        "tell_me_more",
        "do they know much about it yet?",
        slots={"last_topic": "hydrotherapy"},
        events=events,
    )
    await ActionTellMeMore().run(dispatcher, tracker, {})
    assert dispatcher.messages[-1]["custom"]["type"] == "answer"
    assert dispatcher.messages[-1]["custom"]["topic"] == "hydrotherapy"
