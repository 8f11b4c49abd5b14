"""Webhook requests as each platform sends them, signed as its documentation describes.

The signing here is written from the platforms' documentation, independently of the production
checks in bot/channels/signatures.py, so a mistake in either shows up as a refused request.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import itertools
import json
import queue
import time
import uuid
from collections.abc import Iterator
from typing import Any

import requests
import socketio
from sqlalchemy import create_engine

from bot.serve import Stack
from bot.web.history import read_events
from tests.e2e.conftest import REQUEST_TIMEOUT, ChannelSecrets

_ids = itertools.count(1)


def webhook(stack: Stack, channel: str) -> str:
    return f"http://{stack.host}:{stack.ports.rasa}/webhooks/{channel}/webhook"


# --- Telegram: Update objects (core.telegram.org/bots/api#update) -----------------------------


def telegram_text(chat_id: int, text: str) -> dict[str, Any]:
    user = {"id": chat_id, "is_bot": False, "first_name": "Ann", "language_code": "en"}
    return {
        "update_id": next(_ids),
        "message": {
            "message_id": next(_ids),
            "from": user,
            "chat": {"id": chat_id, "first_name": "Ann", "type": "private"},
            "date": int(time.time()),
            "text": text,
        },
    }


def telegram_button(chat_id: int, data: str) -> dict[str, Any]:
    user = {"id": chat_id, "is_bot": False, "first_name": "Ann"}
    return {
        "update_id": next(_ids),
        "callback_query": {
            "id": str(next(_ids)),
            "from": user,
            "message": {
                "message_id": next(_ids),
                "from": {"id": 1, "is_bot": True, "first_name": "Guide"},
                "chat": {"id": chat_id, "first_name": "Ann", "type": "private"},
                "date": int(time.time()),
                "text": "…",
            },
            "chat_instance": "1",
            "data": data,
        },
    }


def post_telegram(stack: Stack, update: dict[str, Any], secret: str | None) -> requests.Response:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    return requests.post(
        webhook(stack, "telegram"), json=update, headers=headers, timeout=REQUEST_TIMEOUT
    )


# --- Messenger: page notifications (developers.facebook.com/docs/messenger-platform/webhooks) --


def messenger_event(psid: str, text: str | None = None, **extra: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "sender": {"id": psid},
        "recipient": {"id": "1000000000000001"},
        "timestamp": int(time.time() * 1000),
    }
    if text is not None:
        event["message"] = {"mid": f"m_{next(_ids)}", "text": text}
    event.update(extra)
    return event


def messenger_notification(*events: dict[str, Any]) -> dict[str, Any]:
    return {
        "object": "page",
        "entry": [
            {"id": "1000000000000001", "time": int(time.time() * 1000), "messaging": [e]}
            for e in events
        ],
    }


def post_messenger(
    stack: Stack, notification: dict[str, Any], app_secret: str | None
) -> requests.Response:
    body = json.dumps(notification).encode()
    headers = {"Content-Type": "application/json"}
    if app_secret is not None:
        digest = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
        headers["X-Hub-Signature-256"] = f"sha256={digest}"
    return requests.post(
        webhook(stack, "facebook"), data=body, headers=headers, timeout=REQUEST_TIMEOUT
    )


# --- Twilio: form posts (twilio.com/docs/messaging/guides/webhook-request) --------------------


def twilio_form(
    secrets: ChannelSecrets, sender: str, body: str, whatsapp: bool = False
) -> dict[str, str]:
    prefix = "whatsapp:" if whatsapp else ""
    return {
        "MessageSid": f"SM{next(_ids):032d}",
        "SmsSid": f"SM{next(_ids):032d}",
        "AccountSid": secrets.twilio_sid,
        "MessagingServiceSid": "",
        "From": prefix + sender,
        "To": prefix + secrets.twilio_number,
        "Body": body,
        "NumMedia": "0",
        "NumSegments": "1",
        "SmsStatus": "received",
        "ApiVersion": "2010-04-01",
        "FromCountry": "AU",
    }


def twilio_signature(auth_token: str, url: str, form: dict[str, str]) -> str:
    """The URL followed by each field name and value, sorted by name, HMAC-SHA1, base64."""
    signed = url + "".join(name + form[name] for name in sorted(form))
    digest = hmac.new(auth_token.encode(), signed.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def post_twilio(
    stack: Stack, form: dict[str, str], auth_token: str | None, url: str
) -> requests.Response:
    headers = {"X-Twilio-Signature": twilio_signature(auth_token, url, form)} if auth_token else {}
    return requests.post(
        webhook(stack, "twilio"), data=form, headers=headers, timeout=REQUEST_TIMEOUT
    )


# --- socket.io, as the widget connects ------------------------------------------------------


@contextlib.contextmanager
def socketio_session(
    stack: Stack,
) -> Iterator[tuple[socketio.Client, str, queue.Queue[dict[str, Any]]]]:
    """A connected client with a session: (client, session id, the bot's messages as they come)."""
    # The synchronous client over long-polling: the async one needs a newer aiohttp than Rasa's.
    received: queue.Queue[dict[str, Any]] = queue.Queue()
    client = socketio.Client()
    client.on("bot_uttered", received.put_nowait)
    session = uuid.uuid4().hex
    client.connect(f"http://{stack.host}:{stack.ports.rasa}", transports=["polling"])
    try:
        client.emit("session_request", {"session_id": session})
        yield client, session, received
    finally:
        client.disconnect()


# --- what the assistant stored ----------------------------------------------------------------


def stored_payloads(stack: Stack, sender_id: str) -> list[dict[str, Any]]:
    """The structured payloads the assistant sent this conversation, from the tracker store."""
    customs = [e.get("data", {}).get("custom") for kind, e in stored_events(stack, sender_id)]
    return [c for c in customs if isinstance(c, dict)]


def stored_events(stack: Stack, sender_id: str) -> list[tuple[str, dict[str, Any]]]:
    """Every event stored for ``sender_id``: (type, the event as Rasa stored it)."""
    engine = create_engine(stack.settings.database_url, future=True)
    try:
        with engine.connect() as conn:
            return [(e.type_name, e.data) for e in read_events(conn, [sender_id], types=None)]
    finally:
        engine.dispose()
