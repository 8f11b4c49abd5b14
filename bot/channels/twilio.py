"""SMS and WhatsApp through Twilio, from the stock connector where it falls short.

The stock connector does not check Twilio's request signature, sends through Twilio's blocking
client inside the event loop, and splits replies on blank lines whatever their length. This one
refuses unsigned or forged requests with 403, sends asynchronously, renders replies as SMS
(numbered options instead of buttons, parts within the message limit, split between sentences)
and maps a reply of "1" or "2" back to the option it names.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qs

import aiohttp
from rasa.core.channels.twilio import TwilioInput
from sanic import Blueprint, response
from sanic.request import Request, RequestParameters
from sanic.response import HTTPResponse
from typing_extensions import override

from bot.channels.inbound import OnNewMessage, bad_request, channel_blueprint, forbidden, hand_on
from bot.channels.numbered import chosen_payload, looks_like_choice, offered_options
from bot.channels.output import RenderingOutput
from bot.channels.platform_api import PlatformAPI
from bot.channels.render import Limits, Outgoing, sms
from bot.channels.signatures import twilio_signature_ok
from bot.privacy.addresses import remember
from bot.settings import load_settings

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Twilio-Signature"
WHATSAPP = "whatsapp:"
# Twilio reads the webhook's answer as TwiML; an empty <Response> means "nothing to add".
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


class TwilioOutput(RenderingOutput):
    """Sends rendered replies through Twilio's Messages API, one message per part."""

    channel_name = "twilio"

    def __init__(
        self, api: PlatformAPI, account_sid: str, from_number: str, limits: Limits
    ) -> None:
        super().__init__(api, limits)
        self.account_sid = account_sid
        self.from_number = from_number

    @override
    async def deliver(self, address: str, message: Outgoing) -> bool:
        sender = self.from_number
        if address.startswith(WHATSAPP) and not sender.startswith(WHATSAPP):
            sender = WHATSAPP + sender
        return await self.api.post(
            f"2010-04-01/Accounts/{self.account_sid}/Messages.json",
            form={"From": sender, "To": address, "Body": message.text},
        )


class SignedTwilioInput(TwilioInput):
    """Twilio's webhook, authenticated by X-Twilio-Signature."""

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        twilio_number: str,
        webhook_url: str | None,
        api_url: str,
        max_chars: int,
    ) -> None:
        super().__init__(account_sid, auth_token, twilio_number, debug_mode=False)
        self.webhook_url = webhook_url
        self.api = PlatformAPI("twilio", api_url, aiohttp.BasicAuth(account_sid, auth_token))
        self.sms_limits = sms(max_chars)

    @override
    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> SignedTwilioInput:
        if not credentials:
            cls.raise_missing_credentials_exception()
        assert credentials is not None
        settings = load_settings()
        return cls(
            credentials["account_sid"],
            credentials["auth_token"],
            credentials["twilio_number"],
            credentials.get("webhook_url"),
            settings.twilio_api_url,
            settings.sms_max_chars,
        )

    @override
    def get_output_channel(self, from_number: str | None = None) -> TwilioOutput:
        return TwilioOutput(
            self.api, self.account_sid, from_number or self.twilio_number, self.sms_limits
        )

    @override
    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        webhook = channel_blueprint("twilio_webhook", self.api)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            url = self.webhook_url or request.url
            form = form_fields(request)
            signature = request.headers.get(SIGNATURE_HEADER)
            if not twilio_signature_ok(self.auth_token, url, form, signature):
                return forbidden("twilio", "missing or wrong X-Twilio-Signature")
            sender, text = form.get("From"), form.get("Body")
            if not sender:
                return bad_request("expected a Twilio message with From")
            if text and text.strip():
                conversation = await remember(self.name(), sender)
                if looks_like_choice(text):
                    text = await self._resolve_choice(request, conversation, text)
                output = self.get_output_channel(form.get("To")).knows(conversation, sender)
                metadata = self.get_metadata(request)
                await hand_on(on_new_message, self.name(), text, output, conversation, metadata)
            return response.text(EMPTY_TWIML, content_type="text/xml")

        return webhook

    @staticmethod
    async def _resolve_choice(request: Request, conversation: str, text: str) -> str:
        """Replace an option number by what the option sends; other text passes unchanged.

        If the conversation store cannot be read, the number passes unchanged: handing it on
        then fails the same way and the user is asked to send it again.
        """
        try:
            tracker = await request.app.ctx.agent.tracker_store.retrieve(conversation)
        except Exception:  # the store is down: the guard answers when Rasa fails on it too
            logger.exception("twilio: could not read the offered options")
            return text
        if tracker is None:
            return text
        return chosen_payload(text, offered_options(list(tracker.events))) or text


def form_fields(request: Request) -> RequestParameters:
    """The posted form with its empty fields kept: Twilio signs those too (Sanic drops them)."""
    try:
        fields = parse_qs(request.body.decode(), keep_blank_values=True)
    except UnicodeDecodeError:
        fields = {}
    return RequestParameters(fields)
