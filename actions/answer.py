"""Answers every exercise question from the knowledge base."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from typing_extensions import override

from actions.base import ReplyAction
from actions.conversation import fallback
from actions.tracker_view import Turn
from bot.compose import Reply
from bot.guide import Guide


class ActionAnswer(ReplyAction):
    """Resolve the topic from intent, entities and context; answer through the composer."""

    action_name = "action_answer"

    @override
    def respond(self, guide: Guide, turn: Turn, tracker: Tracker) -> tuple[Reply, list[EventType]]:
        topic = guide.router.topic_for(turn.intent, turn.entities, turn.last_topic, turn.text)
        if topic is None:
            return fallback(guide, turn), []
        reply = guide.answer(topic, turn.text, turn.subtype)
        return reply, [SlotSet("last_topic", topic), SlotSet("myositis_type", turn.subtype)]
