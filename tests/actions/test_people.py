"""Asking for a person and deleting one's conversation."""

from __future__ import annotations

from datetime import datetime, timezone

from rasa_sdk.executor import CollectingDispatcher

from actions.people import ActionAskHuman, ActionDeleteMyData
from bot.guide import Guide
from tests.actions.conftest import TrackerFactory


async def test_asking_for_a_person_says_when_and_how_to_get_urgent_help(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, guide: Guide
) -> None:
    now = datetime.now(timezone.utc)
    await ActionAskHuman().run(dispatcher, make_tracker("ask_human", "can I talk to someone"), {})
    (message,) = dispatcher.messages
    payload = message["custom"]
    assert payload["type"] == "ask_human"
    assert payload["volunteers_available"] is guide.hours.is_open(now)
    assert "000" in message["text"]
    if not payload["volunteers_available"]:
        assert guide.hours.describe() in message["text"]


async def test_deleting_asks_before_it_deletes(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    await ActionDeleteMyData().run(dispatcher, make_tracker("delete_my_data"), {})
    (asked,) = dispatcher.messages
    assert asked["custom"] == {**asked["custom"], "type": "delete", "deleted": False}
    yes = next(b for b in asked["buttons"] if b["payload"].endswith('{"confirm": "yes"}'))

    dispatcher.messages.clear()
    confirmed = make_tracker("delete_my_data", yes["payload"], {"confirm": "yes"})
    await ActionDeleteMyData().run(dispatcher, confirmed, {})
    assert dispatcher.messages[0]["custom"]["deleted"] is True
