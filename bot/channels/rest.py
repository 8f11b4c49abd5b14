"""Rasa's REST channel, refusing what the stock one would crash on or let through.

The stock channel answers a body that is not a JSON object (a list, a number, a string, nothing)
with a 500, files a message with no sender under one shared "default" conversation, lets a client
name any other channel as its input channel, and reads a message of any length (one of 100 KB
keeps the server busy for minutes). This one answers such requests with a 400 and a JSON error
saying what is wrong, applies the input guard's limits (413; 429 with Retry-After; counted per
client address as well as per sender, since a client makes up its senders) and its fault reply.

It is an interface for integrations and tests, not for the public: every message needs
``Authorization: Bearer <REST_CHANNEL_TOKEN>``, and with no REST_CHANNEL_TOKEN set (the production
default) the channel is off. Its senders are its own: sender "x" is conversation "rest:x", so no
REST call can reach a widget, Telegram, Messenger or SMS conversation.

Being always registered, it also sets up the server: the checks of Rasa's own HTTP API
(`bot.channels.api_guard`) and a conversation store that fails rather than forgets
(`bot.channels.failsafe`). Its name stays "rest", so it still answers at /webhooks/rest/webhook.
"""

from __future__ import annotations

import functools
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.utils.endpoints import bool_arg
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse, ResponseStream
from typing_extensions import override

from bot.channels import failsafe
from bot.channels.api_guard import body_problem, check_api_request
from bot.channels.conversations import conversation_id
from bot.channels.guard import MAX_SENDER_CHARS, Refusal, shared_guard, valid_sender
from bot.channels.inbound import OnNewMessage, bad_request, forbidden
from bot.constant_time import bearer_ok
from bot.settings import secret

MESSAGE_FIELDS = (("sender", str, True), ("message", str, True), ("metadata", dict, False))


class GuardedRestInput(RestInput):
    """The REST channel: one JSON object {"sender", "message", "metadata"?} per message."""

    @override
    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        guard = shared_guard()
        handle = functools.partial(guard.hand_on, on_new_message)
        webhook = Blueprint("rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse | ResponseStream:
            if not token_ok(request.headers.get("Authorization")):
                return forbidden("rest", "missing or wrong REST_CHANNEL_TOKEN, or none set")
            why = body_problem(request, MESSAGE_FIELDS)
            if why is not None:
                return bad_request(why)
            body = request.json
            sender = valid_sender(body["sender"])
            if sender is None:
                return bad_request(
                    f"sender must be 1 to {MAX_SENDER_CHARS} printable characters, not padded"
                )
            sender_id = conversation_id(self.name(), sender)
            text, metadata = body["message"], body.get("metadata")
            address = guard.client_address(request.headers.get("X-Forwarded-For"), request.ip)
            admitted = await guard.admit(sender_id, text, address=address)
            if isinstance(admitted, Refusal):
                return refusal_response(admitted)
            if bool_arg(request, "stream", default=False):
                stream = self.stream_response(handle, admitted, sender_id, self.name(), metadata)
                return response.stream(stream, content_type="text/event-stream")
            collector = CollectingOutputChannel()
            await handle(
                UserMessage(
                    admitted, collector, sender_id, input_channel=self.name(), metadata=metadata
                )
            )
            return response.json(collector.messages)

        @webhook.listener("before_server_start")
        async def guard_http_api(app: Sanic, _loop: Any) -> None:
            app.register_middleware(check_api_request, "request")

        @webhook.listener("after_server_start")
        async def no_amnesia(app: Sanic, _loop: Any) -> None:  # the agent is loaded by now
            failsafe.refuse_store_fallback(app.ctx.agent)

        return webhook


def token_ok(authorization: str | None) -> bool:
    """Whether the request carries REST_CHANNEL_TOKEN as a bearer token (never, if it is unset)."""
    return bearer_ok(secret("REST_CHANNEL_TOKEN"), authorization)


def refusal_response(refusal: Refusal) -> HTTPResponse:
    """The HTTP answer to a refused message, with Retry-After when the sender must wait."""
    headers = {"Retry-After": str(refusal.retry_after)} if refusal.retry_after else None
    return response.json(refusal.as_json(), status=refusal.status, headers=headers)
