"""Facebook Messenger, from the stock connector where it falls short.

The stock connector checks the old SHA-1 signature and answers a forged request with 200, sends
through a blocking HTTP client inside the event loop, handles only the first event of a batch,
and turns more than three buttons into none. This one checks X-Hub-Signature-256 and refuses
forgeries with 403, handles every event, and renders replies as text with quick replies within
Messenger's limits.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from typing import Any

from rasa.core.channels.facebook import FacebookInput
from sanic import Blueprint, response
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
from bot.channels.render import MESSENGER, Outgoing
from bot.channels.signatures import messenger_signature_ok
from bot.privacy.addresses import remember
from bot.settings import load_settings

SIGNATURE_HEADER = "X-Hub-Signature-256"


class MessengerOutput(RenderingOutput):
    """Sends rendered replies through the Send API; buttons become quick replies."""

    channel_name = "facebook"

    def __init__(self, api: PlatformAPI, page_access_token: str) -> None:
        super().__init__(api, MESSENGER)
        self.page_access_token = page_access_token

    @override
    async def deliver(self, address: str, message: Outgoing) -> bool:
        body: dict[str, Any] = {
            "recipient": {"id": address},
            "messaging_type": "RESPONSE",
            "message": {"text": message.text},
        }
        if message.buttons:
            body["message"]["quick_replies"] = [
                {"content_type": "text", "title": b.title, "payload": b.payload}
                for b in message.buttons
            ]
        return await self.api.post(
            "me/messages", json=body, params={"access_token": self.page_access_token}
        )


class SignedMessengerInput(FacebookInput):
    """Messenger's webhook, authenticated by the app secret's SHA-256 signature."""

    def __init__(self, verify: str, secret: str, page_access_token: str, api_url: str) -> None:
        super().__init__(verify, secret, page_access_token)
        self.api = PlatformAPI("messenger", api_url)

    @override
    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> SignedMessengerInput:
        if not credentials:
            cls.raise_missing_credentials_exception()
        assert credentials is not None
        return cls(
            credentials["verify"],
            credentials["secret"],
            credentials["page-access-token"],
            load_settings().messenger_api_url,
        )

    @override
    def get_output_channel(self) -> MessengerOutput:
        return MessengerOutput(self.api, self.fb_access_token)

    @override
    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        webhook = channel_blueprint("fb_webhook", self.api)

        @webhook.route("/webhook", methods=["GET"])
        async def verify_subscription(request: Request) -> HTTPResponse:
            token = request.args.get("hub.verify_token") or ""
            if request.args.get("hub.mode") != "subscribe" or not hmac.compare_digest(
                token.encode(), self.fb_verify.encode()
            ):
                return forbidden("facebook", "wrong verify token")
            return response.text(request.args.get("hub.challenge") or "")

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            signature = request.headers.get(SIGNATURE_HEADER)
            if not messenger_signature_ok(self.fb_secret, request.body, signature):
                return forbidden("facebook", "missing or wrong X-Hub-Signature-256")
            notification = json_object(request)
            if notification is None or notification.get("object") != "page":
                return bad_request("expected a Messenger page notification")
            metadata = self.get_metadata(request)
            for psid, text in read_events(notification):
                conversation = await remember(self.name(), psid)
                output = self.get_output_channel().knows(conversation, psid)
                await hand_on(on_new_message, self.name(), text, output, conversation, metadata)
            return response.text("EVENT_RECEIVED")

        return webhook


def read_events(notification: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """Yield (sender PSID, text) for each message, quick reply or postback in a notification.

    A quick reply's payload stands for the text (it is what the button means); echoes of the
    page's own messages and anything without text are skipped.
    """
    entries = notification.get("entry")
    for entry in entries if isinstance(entries, list) else []:
        events = dig(entry, "messaging")
        for event in events if isinstance(events, list) else []:
            sender_id = dig(event, "sender", "id")
            if dig(event, "message", "is_echo"):
                continue
            text = (
                dig(event, "message", "quick_reply", "payload")
                or dig(event, "message", "text")
                or dig(event, "postback", "payload")
            )
            if isinstance(sender_id, str) and isinstance(text, str) and text.strip():
                yield sender_id, text
