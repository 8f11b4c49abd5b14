"""One conversation script: the same topics and safety decisions on every channel as on REST."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

import pytest

from bot.channels.conversations import conversation_id
from bot.serve import Stack
from tests.e2e.conftest import ChannelSecrets, Chat
from tests.e2e.platform_requests import (
    messenger_event,
    messenger_notification,
    post_messenger,
    post_telegram,
    post_twilio,
    stored_payloads,
    telegram_text,
    twilio_form,
)

pytestmark = pytest.mark.e2e

SCRIPT = (
    "hello",
    "is it safe for me to exercise?",
    "what about swimming?",
    "and for IBM?",
    "how much prednisone should I take",
    "I get chest pain and feel faint when I exercise",
    "who can help me get started",
    "I don't want to live anymore",
)

Send = Callable[[str, str], None]
# Rasa's name of each channel, which conversation ids are derived under.
CHANNELS = {"rest": "rest", "telegram": "telegram", "messenger": "facebook", "twilio": "twilio"}


def decisions(payloads: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(p["type"], p.get("topic"), p.get("urgency")) for p in payloads]


@pytest.fixture
def senders(
    stack: Stack, chat: Chat, channel_secrets: ChannelSecrets
) -> dict[str, tuple[str, Send]]:
    """For each channel: the conversation id it stores under, and how to send it a message."""

    def rest(sender: str, text: str) -> None:
        chat(sender, text)

    def telegram(sender: str, text: str) -> None:
        response = post_telegram(
            stack, telegram_text(int(sender), text), channel_secrets.telegram_secret
        )
        assert response.status_code == 200

    def messenger(sender: str, text: str) -> None:
        notification = messenger_notification(messenger_event(sender, text))
        assert (
            post_messenger(stack, notification, channel_secrets.messenger_app_secret).status_code
            == 200
        )

    def twilio(sender: str, text: str) -> None:
        form = twilio_form(channel_secrets, sender, text)
        url = channel_secrets.twilio_webhook_url
        assert post_twilio(stack, form, channel_secrets.twilio_auth_token, url).status_code == 200

    number = 10**9 + secrets.randbelow(10**9)
    return {
        "rest": (f"parity-{number}", rest),
        "telegram": (str(number), telegram),
        "messenger": (str(10**15 + number), messenger),
        "twilio": (f"+6149{number % 10**7:07d}", twilio),
    }


def test_every_channel_makes_the_same_decisions_as_rest(
    stack: Stack, senders: dict[str, tuple[str, Send]]
) -> None:
    for sender, send in senders.values():
        for text in SCRIPT:
            send(sender, text)
    made = {
        name: decisions(stored_payloads(stack, conversation_id(CHANNELS[name], sender)))
        for name, (sender, _) in senders.items()
    }

    expected = made["rest"]
    kinds = [d[0] for d in expected]
    assert "answer" in kinds
    assert "out_of_scope" in kinds
    assert ("red_flag", None, "emergency") in expected
    assert "crisis" in kinds
    for name in ("telegram", "messenger", "twilio"):
        assert made[name] == expected, name


def test_every_channel_welcomes_once_a_session(
    stack: Stack, senders: dict[str, tuple[str, Send]]
) -> None:
    for sender, send in senders.values():
        for text in ("is it safe for me to exercise?", "hello", "what about swimming?"):
            send(sender, text)
    for name, (sender, _) in senders.items():
        stored = stored_payloads(stack, conversation_id(CHANNELS[name], sender))
        assert [p["type"] for p in stored] == ["welcome", "answer", "greeting", "answer"], name
