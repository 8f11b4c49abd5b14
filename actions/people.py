"""Asking for a person, and deleting one's own conversation."""

from __future__ import annotations

from datetime import datetime, timezone

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from typing_extensions import override

from actions.base import ReplyAction
from actions.tracker_view import Turn
from bot.compose import Reply
from bot.guide import Guide


class ActionAskHuman(ReplyAction):
    """Pass a request for a person to the volunteers, saying honestly when one will reply.

    The request itself is what puts the conversation in the volunteers' queue (the console reads
    the ask_human intent from the tracker).
    """

    action_name = "action_ask_human"

    @override
    def respond(self, guide: Guide, turn: Turn, tracker: Tracker) -> tuple[Reply, list[EventType]]:
        return guide.ask_human(datetime.now(timezone.utc)), []


class ActionDeleteMyData(ReplyAction):
    """Delete the user's conversation once they confirm it (nothing can bring it back).

    The confirmed reply's payload says ``"deleted": true``; the tracker store then deletes the
    conversation from every table instead of saving it (bot/privacy/tracker_store.py).
    """

    action_name = "action_delete_my_data"

    @override
    def respond(self, guide: Guide, turn: Turn, tracker: Tracker) -> tuple[Reply, list[EventType]]:
        if turn.entities.get("confirm") == "yes":
            return guide.composer.deleted(), []
        return guide.composer.confirm_delete(), []
