"""The shape every custom action shares: read the turn, ask the domain layer, send one reply."""

from __future__ import annotations

from abc import ABCMeta, abstractmethod
from typing import Any, ClassVar

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from typing_extensions import override

from actions.runtime import get_guide
from actions.tracker_view import Turn, full_disclaimers_shown, latest_turn, session_is_silent
from bot.compose import Reply, ReplyType
from bot.follow_up import asks_whether_to_go_on
from bot.guide import Guide
from bot.safety.lexicon import Urgency

# Replies that must reach the user first in a new session, with no welcome ahead of them.
SENT_WITHOUT_WELCOME = {
    ReplyType.WELCOME.value,
    ReplyType.RED_FLAG.value,
    ReplyType.CRISIS.value,
    ReplyType.CLARIFY.value,
}
# Replies that would let a question whether to go on exercising, asked straight after a warning
# sign's advice ("so skip the gym tonight?"), pass as an ordinary one.
ORDINARY = {
    ReplyType.ANSWER.value,
    ReplyType.SMALL_TALK.value,
    ReplyType.OFF_TOPIC.value,
    ReplyType.FALLBACK.value,
}


class ReplyAction(Action, metaclass=ABCMeta):
    """An action whose whole job is one composed reply (and the events it implies).

    Abstract (ABCMeta), so rasa-sdk does not register it as an action itself. Sending happens
    here and only here, so every reply leaves exactly as the composer built it:
    text and buttons for every channel, and the structured payload as a custom message.

    The first reply of a session is preceded by the welcome, unless it is urgent: Rasa starts a
    session before it reads the first message, so the welcome waits until it is known that the
    message does not report a warning sign, whose advice must come first.

    The disclaimers are worded in full once a session, then compactly: both are always there,
    but a phone screen is not filled with the same two paragraphs under every answer.

    Straight after a warning sign's advice, "can I still go for my walk?" gets that advice again:
    the sign, not the walk, is what the answer is about.
    """

    action_name: ClassVar[str]

    @override
    def name(self) -> str:
        return self.action_name

    @override
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        guide = await get_guide()
        turn = latest_turn(tracker)
        reply, events = self.respond(guide, turn, tracker)
        if reply is None:
            return events
        if (
            turn.after_warning is not None
            and reply.payload["type"] in ORDINARY
            and asks_whether_to_go_on(turn.text)
        ):
            reply, events = _warning_again(guide, turn.after_warning)
        replies = [reply]
        if reply.payload["type"] not in SENT_WITHOUT_WELCOME and session_is_silent(tracker):
            replies.insert(0, guide.composer.welcome())
        full_shown = full_disclaimers_shown(tracker)
        for each in replies:
            if not each.payload["disclaimer_texts"]:
                _send(dispatcher, each)  # a crisis reply: no exercise disclaimer to shorten
                continue
            _send(dispatcher, each.with_compact_disclaimers() if full_shown else each)
            full_shown = True
        return events

    @abstractmethod
    def respond(
        self, guide: Guide, turn: Turn, tracker: Tracker
    ) -> tuple[Reply | None, list[EventType]]:
        """Return the reply to send (None: nothing to say) and the events to record."""


def _warning_again(guide: Guide, warning: dict[str, Any]) -> tuple[Reply, list[EventType]]:
    """The warning sign's advice again, at its urgency, with its sources."""
    urgency = Urgency(str(warning["urgency"]))
    sources = [str(s["id"]) for s in warning.get("sources") or []]
    return guide.composer.red_flag(urgency, sources), [SlotSet("safety_flag", urgency.value)]


def _send(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    dispatcher.utter_message(
        text=reply.text, buttons=[b.as_dict() for b in reply.buttons], json_message=reply.payload
    )
