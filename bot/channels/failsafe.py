"""The safe reply when a custom action fails, instead of silence.

Rasa 3.6 catches every failure of a custom action (action server down, refusing, or slower than
its five-minute timeout), logs it and carries on with no reply: the user hears nothing and no
input channel ever sees an exception. Rasa has no hook for this, and it looks its RemoteAction
class up by name each time it runs a custom action, so `install` puts FailSafeRemoteAction there.
It bounds each call by ACTION_TIMEOUT_SECONDS and, when a call fails, answers with the composer's
"I can't look that up right now" (both disclaimers), after the warning-sign or crisis advice if
the safety net found one in the message. A failed session start falls back to Rasa's own, so
sessions stay well-formed. The action server is called again for the next message, so the
assistant recovers by itself when the server is back.

The conversation store has the opposite problem: Rasa wraps it in FailSafeTrackerStore, which
answers a failed read as if the conversation were new and keeps a failed write in this process's
memory. During an outage the assistant would forget the conversation, welcome the user again and
keep their messages where the database never sees them. `refuse_store_fallback` makes a store
failure fail the message instead, so the input guard asks the user to send it again; the next
message is handled normally once the database is back.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any, ClassVar

import rasa.core.actions.action as rasa_actions
from rasa.core.actions.action import (
    ActionExecutionRejection,
    ActionSessionStart,
    RemoteAction,
    create_bot_utterance,
)
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.constants import ACTION_SESSION_START_NAME
from rasa.shared.core.events import Event
from typing_extensions import override

from bot.compose import Composer, Reply
from bot.safety.component import SAFETY_KEY
from bot.safety.lexicon import Urgency

logger = logging.getLogger(__name__)


def safe_replies(composer: Composer, parse_data: Mapping[str, Any]) -> list[Reply]:
    """What to send when the answer cannot be looked up: urgent advice first, if any."""
    report = parse_data.get(SAFETY_KEY) or {}
    replies = []
    if report.get("crisis"):
        replies.append(composer.crisis())
    elif report.get("urgency") in {u.value for u in Urgency}:
        replies.append(composer.red_flag(Urgency(report["urgency"]), report.get("sources") or ()))
    replies.append(composer.unavailable())
    return replies


class FailSafeRemoteAction(RemoteAction):
    """A custom action whose failure (or slowness) still gets the user a safe reply."""

    composer: ClassVar[Composer]
    timeout_seconds: ClassVar[float]

    @override
    async def run(self, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> list[Event]:
        try:
            events: list[Event] = await asyncio.wait_for(
                super().run(output_channel, nlg, tracker, domain), self.timeout_seconds
            )
            return events
        except ActionExecutionRejection:
            raise  # the action chose not to run: Rasa's policies pick another, as designed
        except Exception as error:  # the action server is down, slow or failing
            logger.error("custom action %s failed (%r): answering without it", self.name(), error)
        if self.name() == ACTION_SESSION_START_NAME:
            started: list[Event] = await ActionSessionStart().run(
                output_channel, nlg, tracker, domain
            )
            return started
        parse_data = tracker.latest_message.parse_data if tracker.latest_message else {}
        return [
            create_bot_utterance(reply.as_message())
            for reply in safe_replies(self.composer, parse_data)
        ]


def install(composer: Composer, timeout_seconds: float) -> None:
    """Make every custom action Rasa runs in this process fail safe."""
    FailSafeRemoteAction.composer = composer
    FailSafeRemoteAction.timeout_seconds = timeout_seconds
    rasa_actions.RemoteAction = FailSafeRemoteAction


class ConversationStoreDown(RuntimeError):
    """The conversation store failed, so the message cannot be handled with its history."""


def _fail_the_message(error: Exception) -> None:
    raise ConversationStoreDown("the conversation store is unreachable") from error


def refuse_store_fallback(agent: Any) -> None:
    """Make a failure of the agent's tracker store fail the message, not fall back to memory."""
    store = getattr(agent, "tracker_store", None)
    if isinstance(store, FailSafeTrackerStore):
        store._on_tracker_store_error = _fail_the_message
    else:
        logger.warning("no FailSafeTrackerStore to configure (%s)", type(store).__name__)
