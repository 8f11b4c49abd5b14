"""Reads what the actions need from a tracker, in one place."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Tracker


@dataclass(frozen=True)
class Turn:
    """The latest user message as the actions see it."""

    intent: str
    text: str
    entities: dict[str, str]
    subtype: str | None
    last_topic: str | None
    safety: dict[str, Any] = field(default_factory=dict)
    ranked_intents: tuple[str, ...] = ()
    previous_fallback_stage: int | None = None


def latest_turn(tracker: Tracker) -> Turn:
    """Return the latest message's intent, words and canonical entities, plus remembered context.

    A button sends ``/intent{...}``: that is not the user's words, so it is not used as search text.
    """
    message = tracker.latest_message or {}
    text = message.get("text") or ""
    entities = {e["entity"]: str(e["value"]) for e in message.get("entities", []) if "value" in e}
    subtype = entities.get("myositis_type") or tracker.get_slot("myositis_type")
    return Turn(
        intent=(message.get("intent") or {}).get("name") or "",
        text="" if text.startswith("/") else text,
        entities=entities,
        subtype=subtype,
        last_topic=tracker.get_slot("last_topic"),
        safety=message.get("safety") or {},
        ranked_intents=tuple(
            r["name"]
            for r in message.get("intent_ranking") or []
            if r.get("name") != "nlu_fallback"
        ),
        previous_fallback_stage=_previous_fallback_stage(tracker),
    )


def _previous_fallback_stage(tracker: Tracker) -> int | None:
    """The fallback stage of the assistant's last reply, if that reply was a fallback."""
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            custom = (event.get("data") or {}).get("custom") or {}
            return int(custom.get("stage", 1)) if custom.get("type") == "fallback" else None
    return None


def session_is_silent(tracker: Tracker) -> bool:
    """Whether the assistant has said nothing yet in the current session."""
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            return False
        if event.get("event") == "session_started":
            return True
    return True
