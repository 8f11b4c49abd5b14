"""Calls Rasa's HTTP API to hand a conversation to a volunteer and back ("external events").

Each call triggers an EXTERNAL_* intent in the user's conversation; the assistant's rules then
send the volunteer's words to the user's own channel, or keep quiet while a volunteer holds it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import aiohttp

from bot.console.handoff import HANDOFF_END, HANDOFF_START, VOLUNTEER_REPLY

DEFAULT_TIMEOUT = aiohttp.ClientTimeout(total=15, connect=5)


class RasaError(RuntimeError):
    """Rasa did not accept an external event."""


@dataclass(frozen=True)
class RasaClient:
    """Rasa's HTTP API at ``base_url``, with the token the server was started with."""

    base_url: str
    token: str
    timeout: aiohttp.ClientTimeout = DEFAULT_TIMEOUT

    async def start_handoff(self, sender_id: str, volunteer: str) -> None:
        """Tell the assistant a volunteer now holds the conversation."""
        await self.trigger_intent(sender_id, HANDOFF_START, {"volunteer": volunteer})

    async def send_reply(self, sender_id: str, message: str) -> None:
        """Have the volunteer's reply sent to the user on their channel."""
        await self.trigger_intent(sender_id, VOLUNTEER_REPLY, {"message": message})

    async def end_handoff(self, sender_id: str) -> None:
        """Hand the conversation back to the assistant."""
        await self.trigger_intent(sender_id, HANDOFF_END, {})

    async def trigger_intent(self, sender_id: str, name: str, entities: dict[str, Any]) -> None:
        """POST one external intent to the conversation.

        Raises:
            RasaError: Rasa is unreachable, too slow, or refused the event.
        """
        url = (
            f"{self.base_url.rstrip('/')}/conversations/{quote(sender_id, safe='')}/trigger_intent"
        )
        params = {"output_channel": "latest", "token": self.token}
        try:
            async with (
                aiohttp.ClientSession(timeout=self.timeout) as session,
                session.post(
                    url, params=params, json={"name": name, "entities": entities}
                ) as response,
            ):
                if response.status >= 300:
                    detail = (await response.text())[:200]
                    raise RasaError(f"Rasa answered {response.status} to {name}: {detail}")
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            raise RasaError(f"Rasa could not be reached for {name}: {error!r}") from error
