"""Rasa's socket.io channel, with structured payloads delivered the way the REST channel does.

Rasa 3.6's socket.io output spreads a custom JSON message into keyword arguments of
`AsyncServer.emit`, so a payload such as {"type": "answer", ...} raises instead of reaching the
browser. Here a custom message arrives as {"custom": {...}}, the same shape the REST channel
uses, so the widget, the channels and the tests read one contract.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint
from typing_extensions import override


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
    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook: Blueprint = super().blueprint(on_new_message)
        sio = webhook.ctx.sio
        self.sio = sio

        async def handle_message(sid: str, data: dict[str, Any]) -> None:
            sender_id = data.get("session_id") if self.session_persistence else sid
            if not sender_id:
                return  # Rasa's own handler ignores these too: no session was requested.
            metadata = data.get(self.metadata_key) or {}
            if isinstance(metadata, str):
                metadata = json.loads(metadata)
            output = PayloadSocketIOOutput(sio, self.bot_message_evt)
            message = UserMessage(
                data.get("message", ""),
                output,
                sender_id,
                input_channel=self.name(),
                metadata=metadata,
            )
            await on_new_message(message)

        sio.on(self.user_message_evt, handle_message, namespace=self.namespace)
        return webhook
