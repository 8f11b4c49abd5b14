"""Reads what the actions need from a tracker, in one place."""

from __future__ import annotations

from dataclasses import dataclass

from rasa_sdk import Tracker


@dataclass(frozen=True)
class Turn:
    """The latest user message as the actions see it."""

    intent: str
    text: str
    entities: dict[str, str]
    subtype: str | None
    last_topic: str | None


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
    )
