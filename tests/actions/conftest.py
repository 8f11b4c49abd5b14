"""Tracker fixtures for the action tests, in the style of Rasa's financial-demo."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher

from actions.answer import ActionAnswer
from actions.runtime import use_guide
from bot.guide import Guide
from bot.nlp.language import wording

TrackerFactory = Callable[..., Tracker]

# A conversation already under way: the assistant has welcomed the user and replied since.
ONGOING = [
    {"event": "session_started"},
    {"event": "user", "text": "hello"},
    {"event": "bot", "text": "Hello", "data": {"custom": {"type": "welcome"}}},
    {"event": "user", "text": "thanks"},
    {"event": "bot", "text": "You're welcome."},
    {"event": "user", "text": "..."},
]


@pytest.fixture(autouse=True)
def installed_guide(guide: Guide) -> Iterator[Guide]:
    use_guide(guide)
    yield guide
    use_guide(None)


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture
def make_tracker() -> TrackerFactory:
    """Build a tracker whose latest message has the given intent, text, entities and slots."""

    def build(
        intent: str,
        text: str = "",
        entities: dict[str, str] | None = None,
        slots: dict[str, Any] | None = None,
        safety: dict[str, Any] | None = None,
        events: list[dict[str, Any]] | None = None,
    ) -> Tracker:
        message = {
            "intent": {"name": intent, "confidence": 0.9},
            "text": text,
            "entities": [{"entity": k, "value": v} for k, v in (entities or {}).items()],
            "safety": safety or {},
            # As the Rasa server's safety net finds it (bot/safety/component.py).
            "wording": wording(text),
        }
        return Tracker(
            sender_id="test-user",
            slots={"myositis_type": None, "last_topic": None, "safety_flag": None, **(slots or {})},
            latest_message=message,
            events=ONGOING if events is None else events,
            paused=False,
            followup_action=None,
            active_loop={},
            latest_action_name="action_listen",
        )

    return build


def placed(text: str, found: list[tuple[str, str, str]]) -> list[dict[str, Any]]:
    """Entities as the extractor reports them: (label, value, the words) at their place in text."""
    return [
        {"entity": label, "value": value, "start": text.index(w), "end": text.index(w) + len(w)}
        for label, value, w in found
    ]


def action_call(
    action: str,
    intent: str,
    text: str,
    entities: dict[str, str] | None = None,
    slots: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The request the Rasa server sends the action server for one message, mid-conversation."""
    return {
        "next_action": action,
        "sender_id": "test-user",
        "domain": {},
        "tracker": {
            "sender_id": "test-user",
            "slots": {"last_topic": None, "myositis_type": None, **(slots or {})},
            "latest_message": {
                "intent": {"name": intent, "confidence": 0.9},
                "text": text,
                "entities": [{"entity": k, "value": v} for k, v in (entities or {}).items()],
                "wording": wording(text),
            },
            "events": [{"event": "bot", "text": "earlier reply"}],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
    }


@pytest.fixture(scope="module")
def executor() -> ActionExecutor:
    """The action server's executor, with every action of the package registered."""
    executor = ActionExecutor()
    executor.register_package("actions")
    return executor


async def answered_topic(
    make_tracker: TrackerFactory,
    intent: str,
    text: str,
    found: Sequence[tuple[str, str, str]] = (),
    slots: dict[str, str] | None = None,
) -> str | None:
    """The topic answered for ``text`` read as ``intent``, with the words ``found`` placed in it."""
    tracker = make_tracker(intent, text, slots=slots)
    tracker.latest_message["entities"] = placed(text, list(found))
    dispatcher = CollectingDispatcher()
    await ActionAnswer().run(dispatcher, tracker, {})
    (message,) = dispatcher.messages
    topic: str | None = message["custom"].get("topic")
    return topic
