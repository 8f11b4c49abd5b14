"""The "Tell me more" action: the longer detail behind the last answer, through the composer."""

from __future__ import annotations

from dataclasses import replace

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from typing_extensions import override

from actions.answer import ActionAnswer
from actions.base import ReplyAction
from actions.tracker_view import Turn, bot_payloads, entity_values
from bot.compose import Reply, ReplyType
from bot.follow_up import asks_for_more
from bot.guide import Guide


class ActionTellMeMore(ReplyAction):
    """Show the detail of the entries a "Tell me more" button names, or of the last answer.

    The button carries the entry ids; typed words ("more", "tell me more") or a button whose
    payload was too long for the platform read the last answer from the tracker, so it works
    after a restart. "Tell me more about swimming" names something new, and "do they know much
    about it yet?" asks something of its own: those are questions, answered as follow-ups.
    """

    action_name = "action_tell_me_more"

    @override
    def respond(self, guide: Guide, turn: Turn, tracker: Tracker) -> tuple[Reply, list[EventType]]:
        ids = entity_values(tracker, "entries")
        if (
            not ids
            and turn.text
            and (set(turn.entities) - {"entries"} or not asks_for_more(turn.text))
        ):
            # Asked like a follow-up that names something ("what about swimming?") or asks
            # something else of the subject ("do they know much about it yet?").
            return ActionAnswer().respond(guide, replace(turn, intent="inform"), tracker)
        return guide.composer.more(ids or last_answer_entries(tracker)), []


def last_answer_entries(tracker: Tracker) -> list[str]:
    """The entry ids of the assistant's latest answer in this session (none: empty)."""
    for payload in reversed(bot_payloads(tracker)):
        if payload.get("type") == ReplyType.ANSWER.value:
            return [str(i) for i in payload.get("entries") or []]
    return []
