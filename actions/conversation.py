"""Session start, the welcome and the fallback: what the assistant can and cannot do."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from typing_extensions import override

from actions.base import ReplyAction
from actions.tracker_view import Turn
from bot.compose import Reply
from bot.guide import Guide

CARRIED_SLOTS = ("myositis_type",)


class ActionWelcome(ReplyAction):
    """Introduce the assistant (also when asked what it can do), with both disclaimers."""

    action_name = "action_welcome"

    @override
    def respond(
        self, guide: Guide, turn: Turn, tracker: Tracker
    ) -> tuple[Reply | None, list[EventType]]:
        if _welcomed_this_turn(tracker):
            return None, []
        return guide.composer.welcome(), []


class ActionSessionStart(ReplyAction):
    """Start each session, keeping the subtype the user already told us.

    Rasa runs this before it reads the message that starts the session, so it says nothing then:
    the first reply brings the welcome, unless the message reports a warning sign (ReplyAction).
    The widget opens a conversation by sending `/session_start`, for which Rasa runs this action
    again; that run, which knows the message, welcomes the user once.
    """

    action_name = "action_session_start"

    @override
    def respond(
        self, guide: Guide, turn: Turn, tracker: Tracker
    ) -> tuple[Reply | None, list[EventType]]:
        carried: list[EventType] = [
            SlotSet(name, tracker.get_slot(name))
            for name in CARRIED_SLOTS
            if tracker.get_slot(name) is not None
        ]
        opened = turn.intent == "session_start" and not _welcomed_this_turn(tracker)
        reply = guide.composer.welcome() if opened else None
        return reply, [SessionStarted(), *carried, ActionExecuted("action_listen")]


def _welcomed_this_turn(tracker: Tracker) -> bool:
    """Whether the welcome was already sent since the user's previous message.

    A new conversation runs action_session_start before its first message; if that message is
    `/session_start` (the widget) or a greeting, a second welcome would only repeat the first.
    """
    users = [i for i, e in enumerate(tracker.events) if e.get("event") == "user"]
    start = users[-2] + 1 if len(users) > 1 else 0
    for event in tracker.events[start:]:
        custom = (event.get("data") or {}).get("custom") or {}
        if event.get("event") == "bot" and custom.get("type") == "welcome":
            return True
    return False


def fallback(guide: Guide, turn: Turn) -> Reply:
    """The two-stage fallback for this turn: suggestions first, then a volunteer."""
    return guide.fallback(
        turn.ranked_intents, turn.entities, turn.last_topic, turn.previous_fallback_stage
    )


class ActionFallback(ReplyAction):
    """When the assistant is unsure, suggest the likeliest topics; on a second miss, a person."""

    action_name = "action_fallback"

    @override
    def respond(self, guide: Guide, turn: Turn, tracker: Tracker) -> tuple[Reply, list[EventType]]:
        return fallback(guide, turn), []
