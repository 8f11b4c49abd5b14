"""Telegram, from the stock connector where it falls short.

The stock connector registers its webhook and asks the API who it is on every message (network
calls that block start-up and slow each answer), does not check Telegram's secret token and sends
the composer's payload as raw JSON. This one checks X-Telegram-Bot-Api-Secret-Token on every
request, registers the webhook with that secret once the server is up, renders replies with
inline keyboards within Telegram's limits, and acknowledges button presses.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.channels.telegram import TelegramInput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from typing_extensions import override

from bot.channels.inbound import (
    OnNewMessage,
    bad_request,
    channel_blueprint,
    dig,
    forbidden,
    hand_on,
    json_object,
)
from bot.channels.output import RenderingOutput
from bot.channels.platform_api import PlatformAPI
from bot.channels.render import TELEGRAM, Outgoing
from bot.channels.signatures import telegram_secret_ok
from bot.privacy.addresses import remember
from bot.settings import load_settings

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Telegram sends /start when someone opens the bot: that is a greeting.
COMMANDS = {"/start": "/greet", "/help": "/ask_capabilities"}


class TelegramOutput(RenderingOutput):
    """Sends rendered replies with sendMessage; buttons become one inline button per row."""

    channel_name = "telegram"

    def __init__(self, api: PlatformAPI, access_token: str) -> None:
        super().__init__(api, TELEGRAM)
        self.access_token = access_token

    @override
    async def deliver(self, address: str, message: Outgoing) -> bool:
        body: dict[str, Any] = {
            "chat_id": address,
            "text": message.text,
            "link_preview_options": {"is_disabled": True},
        }
        if message.buttons:
            body["reply_markup"] = {
                "inline_keyboard": [
                    [{"text": b.title, "callback_data": b.payload}] for b in message.buttons
                ]
            }
        return await self.call("sendMessage", body)

    async def call(self, method: str, body: dict[str, Any]) -> bool:
        """Call one Bot API method."""
        return await self.api.post(f"bot{self.access_token}/{method}", json=body)


class SignedTelegramInput(TelegramInput):
    """Telegram's webhook, authenticated by the secret token set with setWebhook."""

    def __init__(
        self, access_token: str, secret_token: str, webhook_url: str | None, api_url: str
    ) -> None:
        super().__init__(access_token, None, webhook_url, debug_mode=False)
        self.secret_token = secret_token
        self.api = PlatformAPI("telegram", api_url)

    @override
    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> SignedTelegramInput:
        if not credentials:
            cls.raise_missing_credentials_exception()
        assert credentials is not None
        return cls(
            credentials["access_token"],
            credentials["secret_token"],
            credentials.get("webhook_url"),
            load_settings().telegram_api_url,
        )

    @override
    def get_output_channel(self) -> TelegramOutput:
        return TelegramOutput(self.api, self.access_token or "")

    @override
    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        webhook = channel_blueprint("telegram_webhook", self.api)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not telegram_secret_ok(self.secret_token, request.headers.get(SECRET_HEADER)):
                return forbidden("telegram", "missing or wrong secret token")
            update = json_object(request)
            if update is None:
                return bad_request("expected a Telegram Update object")
            incoming = read_update(update)
            if incoming is None:
                return response.json({"status": "ignored"})
            chat_id, text, callback_id = incoming
            conversation = await remember(self.name(), chat_id)
            output = self.get_output_channel().knows(conversation, chat_id)
            if callback_id:
                await output.call("answerCallbackQuery", {"callback_query_id": callback_id})
            await hand_on(
                on_new_message,
                self.name(),
                COMMANDS.get(text, text),
                output,
                conversation,
                self.get_metadata(request),
            )
            return response.json({"status": "ok"})

        @webhook.listener("after_server_start")
        async def register_webhook(_app: Sanic, _loop: Any) -> None:
            if self.webhook_url:
                await self.get_output_channel().call(
                    "setWebhook",
                    {
                        "url": self.webhook_url,
                        "secret_token": self.secret_token,
                        "allowed_updates": ["message", "callback_query"],
                    },
                )

        return webhook


def read_update(update: dict[str, Any]) -> tuple[str, str, str | None] | None:
    """Return (chat id, text, callback query id) of a text message or a button press.

    Anything else Telegram may send (edits, stickers, joins) is not a question: None.
    """
    if "callback_query" in update:
        chat_id = dig(update, "callback_query", "message", "chat", "id")
        text = dig(update, "callback_query", "data")
        callback_id = dig(update, "callback_query", "id")
    else:
        chat_id = dig(update, "message", "chat", "id")
        text = dig(update, "message", "text")
        callback_id = None
    if not isinstance(chat_id, (int, str)) or not isinstance(text, str) or not text.strip():
        return None
    return str(chat_id), text, str(callback_id) if callback_id else None
