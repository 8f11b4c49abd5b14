"""Session start and the fallback: what the assistant can and cannot do."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from typing_extensions import override

from actions.base import ReplyAction
from actions.tracker_view import Turn, answers_message, welcomed_this_session
from bot.compose import Reply
from bot.guide import Guide

CARRIED_SLOTS = ("myositis_type",)


class ActionSessionStart(ReplyAction):
    """Start each session, keeping the subtype the user already told us.

    Rasa runs this before it reads the message that starts a session, so it says nothing then:
    the first reply brings the welcome, unless the message reports a warning sign (ReplyAction).
    The widget opens a conversation by sending `/session_start`, for which Rasa runs this action
    again, inside the session it has just started: that run welcomes the user (once a session)
    and must not start another session, or the welcome would sit in the session before it and
    the first question would be welcomed a second time.
    """

    action_name = "action_session_start"

    @override
    def respond(
        self, guide: Guide, turn: Turn, tracker: Tracker
    ) -> tuple[Reply | None, list[EventType]]:
        if turn.intent == "session_start" and answers_message(tracker):
            # Rasa does not listen by itself after this action: say it listens, as a start does.
            listen: list[EventType] = [ActionExecuted("action_listen")]
            return (None if welcomed_this_session(tracker) else guide.composer.welcome()), listen
        carried: list[EventType] = [
            SlotSet(name, tracker.get_slot(name))
            for name in CARRIED_SLOTS
            if tracker.get_slot(name) is not None
        ]
        return None, [SessionStarted(), *carried, ActionExecuted("action_listen")]


def fallback(guide: Guide, turn: Turn) -> Reply:
    """The two-stage fallback for this turn: suggestions first, then a volunteer.

    A message in another language is told, in that language, that only English is understood.
    """
    if turn.language is not None and turn.previous_fallback_stage is None:
        return guide.composer.other_language(turn.language)
    return guide.fallback(
        turn.ranked_intents, turn.entities, turn.last_topic, turn.previous_fallback_stage
    )
