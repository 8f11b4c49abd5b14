"""What the messaging channels' webhooks share: refusing requests, reading JSON, handing on text."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic import Blueprint, Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.guard import Refusal, shared_guard
from bot.channels.platform_api import PlatformAPI

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def channel_blueprint(name: str, api: PlatformAPI) -> Blueprint:
    """A channel's routes start with a health check, and its API connections close on shutdown.

    The input guard is built here, at start-up, rather than on the first message.
    """
    shared_guard()
    webhook = Blueprint(name, __name__)

    @webhook.route("/", methods=["GET"])
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    @webhook.listener("after_server_stop")
    async def close(_app: Sanic, _loop: Any) -> None:
        await api.close()

    return webhook


def forbidden(channel: str, why: str) -> HTTPResponse:
    """Refuse a request that failed its platform's authentication (and say so in the log)."""
    logger.warning("%s webhook refused a request: %s", channel, why)
    return response.json({"error": "forbidden"}, status=403)


def bad_request(why: str) -> HTTPResponse:
    """Refuse a request whose body is not what the platform sends."""
    return response.json({"error": why}, status=400)


def json_object(request: Request) -> dict[str, Any] | None:
    """Return the request body as a JSON object, or None if it is not one."""
    try:
        body = request.json
    except SanicException:
        return None
    return body if isinstance(body, dict) else None


def dig(value: Any, *keys: str) -> Any:
    """Walk nested JSON objects by key; None as soon as a level is missing or not an object."""
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


async def hand_on(
    on_new_message: OnNewMessage,
    channel: str,
    text: str,
    output: OutputChannel,
    sender_id: str,
    metadata: dict[str, Any] | None,
    *,
    address: str | None = None,
    connection: str | None = None,
) -> None:
    """Pass one user message through the guard to Rasa, which answers on the platform.

    A refused message gets the guard's polite reply instead, and a failure gets the "send it
    again" reply: the webhook itself always succeeds, or the platform would send it again.
    ``address`` and ``connection`` are counted by the guard's limits too (`InputGuard.admit`).
    """
    guard = shared_guard()
    admitted = await guard.admit(sender_id, text, address=address, connection=connection)
    if isinstance(admitted, Refusal):
        if admitted.reply is not None:
            await guard.reply(output, sender_id, admitted.reply)
        return
    message = UserMessage(admitted, output, sender_id, input_channel=channel, metadata=metadata)
    await guard.hand_on(on_new_message, message)
