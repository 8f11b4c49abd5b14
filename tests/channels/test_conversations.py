"""Conversation ids: each channel has its own namespace, and ids name no one."""

from __future__ import annotations

import secrets

import pytest

from bot.channels.conversations import (
    PREFIXES,
    MissingSecret,
    channel_of,
    conversation_id,
    widget_conversation,
)


@pytest.fixture(autouse=True)
def session_secret(monkeypatch: pytest.MonkeyPatch) -> str:
    key = secrets.token_urlsafe(32)
    monkeypatch.setenv("SESSION_SECRET", key)
    return key


@pytest.mark.parametrize(
    "platform_id", ["123456789", "-1001234567890", "6789012345678901", "+61412345678"]
)
def test_no_two_channels_share_a_conversation(platform_id: str) -> None:
    ids = {channel: conversation_id(channel, platform_id) for channel in PREFIXES}
    assert len(set(ids.values())) == len(PREFIXES)
    for channel, conversation in ids.items():
        assert channel_of(conversation) == channel
    # A REST sender spelled like another channel's conversation is still a REST conversation.
    assert channel_of(conversation_id("rest", ids["telegram"])) == "rest"


@pytest.mark.parametrize(
    ("channel", "platform_id"),
    [
        ("telegram", "123456789"),
        ("facebook", "6789012345678901"),
        ("twilio", "+61412345678"),
        ("twilio", "whatsapp:+61412345678"),
    ],
)
def test_platform_ids_are_replaced_by_a_keyed_pseudonym(
    channel: str, platform_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pseudonym = conversation_id(channel, platform_id)
    assert pseudonym == conversation_id(channel, platform_id)  # stable, so one conversation
    digits = "".join(c for c in platform_id if c.isdigit())
    assert digits[-6:] not in pseudonym
    monkeypatch.setenv("SESSION_SECRET", secrets.token_urlsafe(32))
    assert conversation_id(channel, platform_id) != pseudonym  # only the key's holder derives it


def test_a_widget_conversation_opens_only_with_its_secret() -> None:
    secret = secrets.token_hex(16)
    conversation = widget_conversation(secret)
    assert conversation is not None
    assert channel_of(conversation) == "socketio"
    assert secret not in conversation
    # Knowing the conversation id (as volunteers do) derives a different one, not the same.
    assert widget_conversation(conversation.removeprefix("web:")) != conversation


@pytest.mark.parametrize(
    "secret", [None, 5, "", "short", "123456789", "x" * 129, "has spaces but is long enough ok"]
)
def test_a_malformed_widget_secret_opens_nothing(secret: object) -> None:
    assert widget_conversation(secret) is None


def test_ids_cannot_be_derived_without_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SESSION_SECRET")
    with pytest.raises(MissingSecret):
        conversation_id("twilio", "+61412345678")
    assert conversation_id("rest", "someone") == "rest:someone"  # REST ids name no person


@pytest.mark.parametrize("conversation", ["123456789", "whatsapp:+614", "e2e-abc", "zz:1"])
def test_an_id_without_a_known_prefix_has_no_channel(conversation: str) -> None:
    assert channel_of(conversation) is None
