"""Warning signs, crisis and medical questions: safety replies that never carry exercise advice."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from typing_extensions import override

from actions.base import ReplyAction
from actions.tracker_view import Turn
from bot.compose import Reply, Urgency
from bot.guide import Guide

# Until the rule-based detector grades a sign, a reported warning sign is treated as urgent.
WARNING_SIGN_SOURCES = ("mda-quest-warning", "mayo-polymyositis", "tma-physical-therapy")


class ActionSafety(ReplyAction):
    """Reply to a warning sign or to thoughts of self-harm before anything else."""

    action_name = "action_safety"

    @override
    def respond(self, guide: Guide, turn: Turn, tracker: Tracker) -> tuple[Reply, list[EventType]]:
        if turn.intent == "crisis":
            return guide.composer.crisis(), []
        return guide.composer.red_flag(Urgency.EMERGENCY, WARNING_SIGN_SOURCES), []


class ActionDeclineMedical(ReplyAction):
    """Decline questions about medicines, diagnosis and treatments kindly, with a referral."""

    action_name = "action_decline_medical"

    @override
    def respond(self, guide: Guide, turn: Turn, tracker: Tracker) -> tuple[Reply, list[EventType]]:
        return guide.composer.out_of_scope(), []
