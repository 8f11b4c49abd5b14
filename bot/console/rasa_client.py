"""Calls Rasa's HTTP API to hand a conversation to a volunteer and back.

Each call appends events to the user's conversation and has Rasa deliver the bot messages
among them to the user's own channel (`execute_side_effects` with the channel the conversation
id's prefix names, never Rasa's "latest": whoever wrote last into a conversation must not be able
to redirect a volunteer's replies to themselves):
the `volunteer` slot, which keeps the assistant quiet (bot/dialogue/handoff_policy.py), and the
composer's messages announcing the handoff or carrying the volunteer's words. No NLU is
involved, so nothing a volunteer writes can be mistaken for something the user said.

Each call carries its own JWT in the Authorization header, never a token in the URL (URLs end up
in access logs): signed with RASA_JWT_SECRET, valid for one minute, and for the one conversation
it appends to (Rasa's ``user`` role lets it act on the conversation named by its ``username``
only). A JWT copied from a log or a proxy therefore opens one conversation for a minute, not
Rasa's whole HTTP API as RASA_API_TOKEN would.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import aiohttp
import jwt

from bot.channels.conversations import channel_of
from bot.compose import Reply
from bot.dialogue.slots import VOLUNTEER_SLOT

DEFAULT_TIMEOUT = aiohttp.ClientTimeout(total=15, connect=5)
# How long a JWT of the console is valid: one call, with room for a slow Rasa (the timeout above).
JWT_LIFETIME_SECONDS = 60
JWT_ALGORITHM = "HS256"


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


def conversation_jwt(secret: str, conversation: str, now: float | None = None) -> str:
    """A JWT that lets Rasa's HTTP API be used for ``conversation`` alone, for one minute.

    Rasa's ``user`` role is allowed a request only when the conversation id in its path equals
    the ``username`` (rasa/server.py ``requires_auth``); ``admin`` would open every conversation.
    """
    issued = int(time.time() if now is None else now)
    payload = {
        "user": {"username": conversation, "role": "user"},
        "iat": issued,
        "exp": issued + JWT_LIFETIME_SECONDS,
    }
    return jwt.encode(payload, secret, algorithm=JWT_ALGORITHM)


@dataclass(frozen=True)
class RasaClient:
    """Rasa's HTTP API at ``base_url``, called with JWTs signed by the server's JWT secret."""

    base_url: str
    jwt_secret: str = field(repr=False)
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
            RasaError: Rasa is unreachable, too slow, or refused the events, the conversation
                has no channel to deliver to (an id from before channels had prefixes), or no
                JWT secret is set.
        """
        channel = channel_of(sender_id)
        if channel is None:
            raise RasaError("this conversation's channel is unknown, so it cannot be answered")
        if not self.jwt_secret:
            raise RasaError("RASA_JWT_SECRET is not set, so Rasa cannot be called")
        url = (
            f"{self.base_url.rstrip('/')}/conversations/{quote(sender_id, safe='')}/tracker/events"
        )
        params = {"output_channel": channel, "execute_side_effects": "true"}
        headers = {"Authorization": f"Bearer {conversation_jwt(self.jwt_secret, sender_id)}"}
        try:
            async with (
                aiohttp.ClientSession(timeout=self.timeout) as session,
                session.post(url, params=params, json=events, headers=headers) as response,
            ):
                if response.status >= 300:
                    detail = (await response.text())[:200]
                    raise RasaError(f"Rasa answered {response.status}: {detail}")
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            raise RasaError(f"Rasa could not be reached: {error!r}") from error
