"""Calls Rasa's HTTP API to hand a conversation to a volunteer and back.

Each call appends events to the user's conversation and has Rasa deliver the bot messages
among them to the user's own channel (`execute_side_effects` with the latest input channel):
the `volunteer` slot, which keeps the assistant quiet (bot/handoff_policy.py), and the
composer's messages announcing the handoff or carrying the volunteer's words. No NLU is
involved, so nothing a volunteer writes can be mistaken for something the user said.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import aiohttp

from bot.compose import Reply
from bot.handoff_policy import VOLUNTEER_SLOT

DEFAULT_TIMEOUT = aiohttp.ClientTimeout(total=15, connect=5)


class RasaError(RuntimeError):
    """Rasa did not accept the events."""


def bot_event(reply: Reply) -> dict[str, Any]:
    """A composed reply as the bot event Rasa stores and sends."""
    return {
        "event": "bot",
        "text": reply.text,
        "data": {"buttons": [b.as_dict() for b in reply.buttons], "custom": reply.payload},
    }


def volunteer_slot(volunteer: str | None) -> dict[str, Any]:
    """The event that hands the conversation to ``volunteer`` (None: back to the assistant)."""
    return {"event": "slot", "name": VOLUNTEER_SLOT, "value": volunteer}


@dataclass(frozen=True)
class RasaClient:
    """Rasa's HTTP API at ``base_url``, with the token the server was started with."""

    base_url: str
    token: str
    timeout: aiohttp.ClientTimeout = DEFAULT_TIMEOUT

    async def start_handoff(self, sender_id: str, volunteer: str, announcement: Reply) -> None:
        """Silence the assistant and tell the user who has joined."""
        await self.append(sender_id, [volunteer_slot(volunteer), bot_event(announcement)])

    async def send_reply(self, sender_id: str, reply: Reply) -> None:
        """Send the volunteer's composed reply to the user on their channel."""
        await self.append(sender_id, [bot_event(reply)])

    async def end_handoff(self, sender_id: str, announcement: Reply) -> None:
        """Hand the conversation back to the assistant, and say so."""
        await self.append(sender_id, [volunteer_slot(None), bot_event(announcement)])

    async def append(self, sender_id: str, events: list[dict[str, Any]]) -> None:
        """Append ``events`` to the conversation, delivering its bot messages.

        Raises:
            RasaError: Rasa is unreachable, too slow, or refused the events.
        """
        url = (
            f"{self.base_url.rstrip('/')}/conversations/{quote(sender_id, safe='')}/tracker/events"
        )
        params = {"output_channel": "latest", "execute_side_effects": "true", "token": self.token}
        try:
            async with (
                aiohttp.ClientSession(timeout=self.timeout) as session,
                session.post(url, params=params, json=events) as response,
            ):
                if response.status >= 300:
                    detail = (await response.text())[:200]
                    raise RasaError(f"Rasa answered {response.status}: {detail}")
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            raise RasaError(f"Rasa could not be reached: {error!r}") from error
