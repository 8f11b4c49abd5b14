"""The output side shared by the messaging channels: every reply goes through `render`.

Rasa hands an output channel one message at a time (text, buttons and the composer's payload
together); the stock connectors send the text and the payload separately and know nothing of the
payload. Here the payload, when there is one, is what gets rendered, so channels show the same
reply the composer built, fitted to their limits; plain text (domain responses, volunteers'
replies) is rendered with the same rules. Rasa names the recipient by its pseudonymous
conversation id; the platform address is looked up (`bot.privacy.addresses`) just before sending.
"""

from __future__ import annotations

import logging
from abc import ABCMeta, abstractmethod
from collections.abc import Sequence
from typing import Any, ClassVar

from rasa.core.channels.channel import OutputChannel
from typing_extensions import override

from bot.channels.platform_api import PlatformAPI
from bot.channels.render import Limits, Outgoing, is_reply_payload, render_reply, render_text
from bot.privacy.addresses import address_of

logger = logging.getLogger(__name__)


class RenderingOutput(OutputChannel, metaclass=ABCMeta):
    """An output channel that renders each reply once and delivers the resulting messages."""

    channel_name: ClassVar[str]

    def __init__(self, api: PlatformAPI, limits: Limits) -> None:
        self.api = api
        self.limits = limits
        self.known: dict[str, str] = {}

    def knows(self, conversation: str, address: str) -> RenderingOutput:
        """Deliver this conversation's replies to ``address`` without looking it up."""
        self.known[conversation] = address
        return self

    @abstractmethod
    async def deliver(self, address: str, message: Outgoing) -> bool:
        """Send one rendered message to the platform address; return whether it was accepted."""

    @override
    @classmethod
    def name(cls) -> str:
        return cls.channel_name

    @override
    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        buttons = message.get("buttons") or []
        custom = message.get("custom")
        if is_reply_payload(custom):
            parts = render_reply(custom, buttons, self.limits)
        elif message.get("text"):
            parts = render_text(message["text"], buttons, self.limits)
        else:
            return  # images, attachments and platform-specific JSON are not used here
        await self._deliver_all(recipient_id, parts)

    @override
    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._deliver_all(recipient_id, render_text(text, (), self.limits))

    @override
    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self._deliver_all(recipient_id, render_text(text, buttons, self.limits))

    async def _deliver_all(self, recipient_id: str, parts: Sequence[Outgoing]) -> None:
        """Deliver in order, each after the previous one was accepted, so parts stay in order.

        After a refused part the rest is not sent: a reply with a gap could mislead. A conversation
        with no address left (deleted meanwhile) gets nothing.
        """
        try:
            address = self.known.get(recipient_id) or await address_of(recipient_id)
        except Exception:  # the database is down: nowhere to send to
            logger.exception("%s: could not look up an address", self.channel_name)
            return
        if address is None:
            logger.warning("%s: no address for a conversation, nothing sent", self.channel_name)
            return
        for part in parts:
            if not await self.deliver(address, part):
                return
