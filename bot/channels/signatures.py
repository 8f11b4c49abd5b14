"""Checks that an inbound webhook request really comes from its platform.

Each platform signs its requests its own way; a request that fails the check is refused (403)
before it can reach a conversation. Comparisons are constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from twilio.request_validator import RequestValidator

from bot.constant_time import same_secret


def telegram_secret_ok(secret_token: str, header: str | None) -> bool:
    """Telegram repeats the webhook's secret in X-Telegram-Bot-Api-Secret-Token."""
    return bool(header) and same_secret(secret_token, header or "")


def messenger_signature_ok(app_secret: str, body: bytes, header: str | None) -> bool:
    """Meta signs the raw body with the app secret: X-Hub-Signature-256: sha256=<hex HMAC>."""
    if not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return same_secret(expected, header.removeprefix("sha256="))


def twilio_signature_ok(auth_token: str, url: str, form: Any, header: str | None) -> bool:
    """Twilio signs the public URL and the sorted form fields with the auth token (HMAC-SHA1).

    ``form`` is the request's form fields (a mapping with ``getlist``, as Sanic gives it).
    """
    return bool(header) and RequestValidator(auth_token).validate(url, form, header)
