"""Rasa's socket.io channel, with structured payloads delivered the way the REST channel does.

Rasa 3.6's socket.io output spreads a custom JSON message into keyword arguments of
`AsyncServer.emit`, so a payload such as {"type": "answer", ...} raises instead of reaching the
browser. Here a custom message arrives as {"custom": {...}}, the same shape the REST channel
uses, so the widget, the channels and the tests read one contract. Incoming messages pass the
input guard like every channel's; a malformed one (not an object, no session, text that is not a
string) is dropped with a warning, as Rasa drops one without a session.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint
from typing_extensions import override

from bot.channels.guard import shared_guard, valid_sender
from bot.channels.inbound import OnNewMessage, hand_on

logger = logging.getLogger(__name__)


class PayloadSocketIOOutput(SocketIOOutput):
    """socket.io output whose custom messages keep their own keys."""

    @override
    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        await self.sio.emit(self.bot_message_evt, {"custom": json_message}, room=recipient_id)


class PayloadSocketIOInput(SocketIOInput):
    """socket.io input that answers through PayloadSocketIOOutput."""

    @override
    def get_output_channel(self) -> PayloadSocketIOOutput | None:
        return PayloadSocketIOOutput(self.sio, self.bot_message_evt) if self.sio else None

    @override
    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        shared_guard()  # built at start-up, not on the first message
        webhook: Blueprint = super().blueprint(on_new_message)
        sio = webhook.ctx.sio
        self.sio = sio

        async def handle_message(sid: str, data: Any) -> None:
            """Hand on a well-formed message; anything else has no one to answer, so is dropped."""
            fields = data if isinstance(data, dict) else {}
            sender_id = valid_sender(fields.get("session_id")) if self.session_persistence else sid
            text, metadata = fields.get("message"), _metadata(fields.get(self.metadata_key))
            if not sender_id or not isinstance(text, str) or metadata is None:
                logger.warning("socket.io: dropped a malformed %s", self.user_message_evt)
                return
            output = PayloadSocketIOOutput(sio, self.bot_message_evt)
            await hand_on(on_new_message, self.name(), text, output, sender_id, metadata)

        sio.on(self.user_message_evt, handle_message, namespace=self.namespace)
        return webhook


def _metadata(value: Any) -> dict[str, Any] | None:
    """A message's metadata: a JSON object, possibly sent as a string; None if it is neither."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    if value is None:
        return {}
    return value if isinstance(value, dict) else None
