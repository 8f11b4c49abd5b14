"""Messenger: signed page notifications to the running assistant; replies seen at a fake API."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
import requests

from bot.channels.conversations import conversation_id
from bot.knowledge.schema import KnowledgeSet
from bot.serve import Stack
from tests.e2e.conftest import REQUEST_TIMEOUT, ChannelSecrets
from tests.e2e.fake_platforms import Call, FakePlatforms
from tests.e2e.platform_requests import (
    messenger_event,
    messenger_notification,
    post_messenger,
    stored_events,
    stored_payloads,
    webhook,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def psid() -> str:
    return str(10**15 + secrets.randbelow(10**15))


def messages_to(platforms: FakePlatforms, psid: str) -> list[Call]:
    calls = platforms.sent("messenger", path_end="me/messages")
    return [c for c in calls if c.json["recipient"]["id"] == psid]


def say(
    stack: Stack, keys: ChannelSecrets, platforms: FakePlatforms, psid: str, **event: Any
) -> list[Call]:
    before = len(messages_to(platforms, psid))
    text = event.pop("text", None)
    notification = messenger_notification(messenger_event(psid, text, **event))
    response = post_messenger(stack, notification, keys.messenger_app_secret)
    assert response.status_code == 200
    return messages_to(platforms, psid)[before:]


def test_a_question_gets_text_and_quick_replies_within_messenger_limits(
    stack: Stack,
    platforms: FakePlatforms,
    channel_secrets: ChannelSecrets,
    knowledge: KnowledgeSet,
    psid: str,
) -> None:
    say(stack, channel_secrets, platforms, psid, text="hi")
    sent = say(stack, channel_secrets, platforms, psid, text="how do I get started with exercise")

    assert sent
    for call in sent:
        assert call.query["access_token"] == channel_secrets.messenger_page_token
        assert call.json["messaging_type"] == "RESPONSE"
        assert len(call.json["message"]["text"]) <= 2000
    text = " ".join(" ".join(c.json["message"]["text"] for c in sent).split())
    # The welcome showed the disclaimers in full; the answer after it keeps both, in short.
    for disclaimer in knowledge.disclaimers.values():
        assert " ".join(disclaimer.compact.split()) in text
    assert "Sources (" in text
    replies = sent[-1].json["message"]["quick_replies"]
    assert 0 < len(replies) <= 13
    assert all(r["content_type"] == "text" and len(r["title"]) <= 20 for r in replies)
    assert all("quick_replies" not in c.json["message"] for c in sent[:-1])
    assert (
        stored_payloads(stack, conversation_id("facebook", psid))[-1]["topic"] == "getting_started"
    )


def test_a_quick_reply_and_a_postback_are_taken_as_their_payloads(
    stack: Stack, platforms: FakePlatforms, channel_secrets: ChannelSecrets, psid: str
) -> None:
    first = say(stack, channel_secrets, platforms, psid, text="hi")
    replies = first[-1].json["message"]["quick_replies"]
    ibm = next(r for r in replies if "IBM" in r["title"])

    say(
        stack,
        channel_secrets,
        platforms,
        psid,
        message={"mid": "m_qr", "text": ibm["title"], "quick_reply": {"payload": ibm["payload"]}},
    )
    assert stored_payloads(stack, conversation_id("facebook", psid))[-1]["topic"] == "ibm"

    say(
        stack,
        channel_secrets,
        platforms,
        psid,
        postback={"title": "Pregnancy", "payload": "/ask_pregnancy"},
    )
    assert stored_payloads(stack, conversation_id("facebook", psid))[-1]["topic"] == "pregnancy"


def test_every_event_of_a_batched_notification_is_handled(
    stack: Stack, platforms: FakePlatforms, channel_secrets: ChannelSecrets
) -> None:
    first, second = (str(10**15 + secrets.randbelow(10**15)) for _ in range(2))
    notification = messenger_notification(
        messenger_event(first, "can I do pilates"),
        messenger_event(second, "is tai chi suitable for me"),
    )
    assert (
        post_messenger(stack, notification, channel_secrets.messenger_app_secret).status_code == 200
    )
    assert stored_payloads(stack, conversation_id("facebook", first))[-1]["topic"] == "pilates"
    assert stored_payloads(stack, conversation_id("facebook", second))[-1]["topic"] == "tai_chi"


def test_a_warning_sign_gets_the_urgent_advice_first(
    stack: Stack, platforms: FakePlatforms, channel_secrets: ChannelSecrets, psid: str
) -> None:
    sent = say(
        stack,
        channel_secrets,
        platforms,
        psid,
        text="my urine has gone dark brown since my exercise class",
    )
    payload = stored_payloads(stack, conversation_id("facebook", psid))[-1]
    assert payload["type"] == "red_flag"
    assert sent[0].json["message"]["text"].startswith(payload["body"][0])


@pytest.mark.parametrize("signature", ["none", "forged", "sha1-only"])
def test_an_unsigned_or_forged_notification_is_refused_and_changes_nothing(
    stack: Stack,
    platforms: FakePlatforms,
    channel_secrets: ChannelSecrets,
    psid: str,
    signature: str,
) -> None:
    notification = messenger_notification(messenger_event(psid, "is exercise safe?"))
    if signature == "none":
        response = post_messenger(stack, notification, None)
    elif signature == "forged":
        response = post_messenger(stack, notification, "not-the-app-secret")
    else:
        response = requests.post(
            webhook(stack, "facebook"),
            json=notification,
            headers={"X-Hub-Signature": "sha1=0000000000000000000000000000000000000000"},
            timeout=REQUEST_TIMEOUT,
        )
    assert response.status_code == 403
    assert stored_events(stack, conversation_id("facebook", psid)) == []
    assert messages_to(platforms, psid) == []


def test_the_subscription_handshake_needs_the_verify_token(
    stack: Stack, channel_secrets: ChannelSecrets
) -> None:
    url = webhook(stack, "facebook")
    good = {
        "hub.mode": "subscribe",
        "hub.verify_token": channel_secrets.messenger_verify,
        "hub.challenge": "1158201444",
    }
    response = requests.get(url, params=good, timeout=REQUEST_TIMEOUT)
    assert (response.status_code, response.text) == (200, "1158201444")
    bad = {**good, "hub.verify_token": "guess"}
    assert requests.get(url, params=bad, timeout=REQUEST_TIMEOUT).status_code == 403
