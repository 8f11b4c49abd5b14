"""Rasa's socket.io channel, with structured payloads delivered the way the REST channel does.

Rasa 3.6's socket.io output spreads a custom JSON message into keyword arguments of
`AsyncServer.emit`, so a payload such as {"type": "answer", ...} raises instead of reaching the
browser. Here a custom message arrives as {"custom": {...}}, the same shape the REST channel
uses, so the widget, the channels and the tests read one contract. Incoming messages pass the
input guard like every channel's; a malformed one (not an object, no session, text that is not a
string, or no data at all) is dropped with a warning, as Rasa drops one without a session.

Stock Rasa lets any client join any room by naming a session id, and takes a message's
conversation from the session id the message carries. Here the widget's session id is a secret
only that browser holds: `session_request` turns it into the conversation id (an HMAC of it,
`bot.channels.conversations`), joins that room and remembers it for the connection, and every
message of the connection goes to that conversation whatever it claims. Knowing a conversation id
(as volunteers do) therefore lets no one join it, read it, write into it or erase it.

A client that asks for a new session before each message would dodge the per-sender limit, so
every message is also counted per connection and per client address (`InputGuard.admit`); over a
limit the connection gets the guard's polite reply, as a sender over its own limit does.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Mapping
from typing import Any

from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint
from typing_extensions import override

from bot.channels.conversations import conversation_id, widget_conversation
from bot.channels.guard import InputGuard, shared_guard
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
        guard = shared_guard()  # built at start-up, not on the first message
        webhook: Blueprint = super().blueprint(on_new_message)
        sio = webhook.ctx.sio
        self.sio = sio

        async def session_request(sid: str, data: Any = None) -> None:
            """Join the conversation the widget's secret opens (a new one if it sends none)."""
            fields = data if isinstance(data, dict) else {}
            secret = fields.get("session_id") or uuid.uuid4().hex
            conversation = widget_conversation(secret) if self.session_persistence else None
            if self.session_persistence and conversation is None:
                logger.warning("socket.io: refused a malformed session_request")
                return
            session = await sio.get_session(sid, namespace=self.namespace)
            if session.get("conversation"):
                sio.leave_room(sid, session["conversation"], namespace=self.namespace)
            conversation = conversation or conversation_id(self.name(), sid)
            sio.enter_room(sid, conversation, namespace=self.namespace)
            await sio.save_session(sid, {"conversation": conversation}, namespace=self.namespace)
            await sio.emit("session_confirm", secret, room=sid)

        async def handle_message(sid: str, data: Any = None) -> None:
            """Hand on a well-formed message; anything else has no one to answer, so is dropped."""
            fields = data if isinstance(data, dict) else {}
            sender_id = (await sio.get_session(sid, namespace=self.namespace)).get("conversation")
            text, metadata = fields.get("message"), _metadata(fields.get(self.metadata_key))
            if not sender_id or not isinstance(text, str) or metadata is None:
                logger.warning("socket.io: dropped a malformed %s", self.user_message_evt)
                return
            output = PayloadSocketIOOutput(sio, self.bot_message_evt)
            address = connection_address(guard, sio.get_environ(sid, namespace=self.namespace))
            await hand_on(
                on_new_message,
                self.name(),
                text,
                output,
                sender_id,
                metadata,
                address=address,
                connection=sid,
            )

        sio.on("session_request", session_request, namespace=self.namespace)
        sio.on(self.user_message_evt, handle_message, namespace=self.namespace)
        return webhook


def connection_address(guard: InputGuard, environ: Mapping[str, Any] | None) -> str:
    """The address of a connection's client, from the request that opened it."""
    environ = environ or {}
    request = environ.get("sanic.request")
    return guard.client_address(environ.get("HTTP_X_FORWARDED_FOR"), getattr(request, "ip", None))


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
