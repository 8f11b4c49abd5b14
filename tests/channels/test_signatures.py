"""Webhook signature checks: any header value is a refusal or a pass, never an exception."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from bot.channels.signatures import messenger_signature_ok, telegram_secret_ok

SECRET = "app-secret"
BODY = b'{"object": "page"}'
GOOD = "sha256=" + hmac.new(SECRET.encode(), BODY, hashlib.sha256).hexdigest()
# Headers arrive as latin-1 decoded text, so any byte can show up as any of these characters.
ODD_VALUES = ("sha256=éé", "sha256=\u00ff" * 3, "sha256=😀", "sha256=\x00", "é", "sha256=")


def test_the_right_signature_passes() -> None:
    assert messenger_signature_ok(SECRET, BODY, GOOD)


@pytest.mark.parametrize("header", ODD_VALUES)
def test_a_non_ascii_signature_is_refused_not_an_error(header: str) -> None:
    assert messenger_signature_ok(SECRET, BODY, header) is False


@pytest.mark.parametrize("header", ODD_VALUES)
def test_a_non_ascii_telegram_secret_is_refused_not_an_error(header: str) -> None:
    assert telegram_secret_ok(SECRET, header) is False
