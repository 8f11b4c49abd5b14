"""Numbered options for channels without buttons: "Reply 1 for ..." and the digit mapped back.

The options a user may answer with a number are the buttons of the assistant's last reply, read
from the conversation's tracker, so the mapping survives restarts and works across instances.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from rasa.shared.core.events import BotUttered, Event, UserUttered

_CHOICE = re.compile(r"\s*(\d{1,2})\s*[.)]?\s*")


def looks_like_choice(text: str) -> bool:
    """Whether ``text`` is a bare option number such as "2" or "2.", worth a tracker lookup."""
    return _CHOICE.fullmatch(text) is not None


def offered_options(events: Sequence[Event]) -> list[Mapping[str, Any]]:
    """The buttons of the assistant's reply to the user's latest message (none: empty)."""
    for event in reversed(events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered) and event.data.get("buttons"):
            buttons: list[Mapping[str, Any]] = event.data["buttons"]
            return buttons
    return []


def chosen_payload(text: str, options: Sequence[Mapping[str, Any]]) -> str | None:
    """The payload of the option numbered ``text``, or None if it names no offered option."""
    match = _CHOICE.fullmatch(text)
    if match is None:
        return None
    number = int(match.group(1))
    return str(options[number - 1]["payload"]) if 1 <= number <= len(options) else None
