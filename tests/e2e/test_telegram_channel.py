"""Telegram: real Update payloads to the running assistant; what it sends, seen at a fake API."""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from bot.channels.conversations import conversation_id
from bot.knowledge.schema import KnowledgeSet
from bot.serve import Stack
from tests.e2e.conftest import ChannelSecrets
from tests.e2e.fake_platforms import Call, FakePlatforms
from tests.e2e.platform_requests import (
    post_telegram,
    stored_events,
    stored_payloads,
    telegram_button,
    telegram_text,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def chat_id() -> int:
    return 10**9 + secrets.randbelow(10**9)


def messages_to(platforms: FakePlatforms, chat_id: int) -> list[Call]:
    return [
        c
        for c in platforms.sent("telegram", path_end="/sendMessage")
        if c.json["chat_id"] == str(chat_id)
    ]


def say(
    stack: Stack,
    keys: ChannelSecrets,
    platforms: FakePlatforms,
    chat_id: int,
    update: dict[str, Any],
) -> list[Call]:
    before = len(messages_to(platforms, chat_id))
    response = post_telegram(stack, update, keys.telegram_secret)
    assert response.status_code == 200
    return messages_to(platforms, chat_id)[before:]


def test_the_webhook_is_registered_with_its_secret(
    stack: Stack, platforms: FakePlatforms, channel_secrets: ChannelSecrets
) -> None:
    calls = platforms.sent("telegram", path_end="/setWebhook")
    assert calls, "setWebhook was not called at start-up"
    assert calls[-1].path == f"bot{channel_secrets.telegram_token}/setWebhook"
    assert calls[-1].json["url"] == channel_secrets.telegram_webhook_url
    assert calls[-1].json["secret_token"] == channel_secrets.telegram_secret


def test_a_question_gets_an_answer_with_inline_buttons_sources_and_disclaimers(
    stack: Stack,
    platforms: FakePlatforms,
    channel_secrets: ChannelSecrets,
    knowledge: KnowledgeSet,
    chat_id: int,
) -> None:
    sent = say(
        stack,
        channel_secrets,
        platforms,
        chat_id,
        telegram_text(chat_id, "is it safe for me to exercise with myositis?"),
    )

    assert sent, "nothing was sent to Telegram"
    assert all(c.path == f"bot{channel_secrets.telegram_token}/sendMessage" for c in sent)
    assert all(len(c.json["text"]) <= 4096 for c in sent)
    text = "\n\n".join(c.json["text"] for c in sent)
    for disclaimer in knowledge.disclaimers.values():
        assert " ".join(disclaimer.text.split()) in " ".join(text.split())
    assert "Sources (" in text
    assert "https://" in text.split("Sources (", 1)[1]
    keyboard = sent[-1].json["reply_markup"]["inline_keyboard"]
    assert keyboard
    assert all(len(row) == 1 for row in keyboard)
    assert all(len(row[0]["callback_data"].encode()) <= 64 for row in keyboard)
    assert (
        stored_payloads(stack, conversation_id("telegram", str(chat_id)))[-1]["topic"]
        == "exercise_safety"
    )


def test_pressing_an_inline_button_answers_its_topic_and_acknowledges_the_press(
    stack: Stack, platforms: FakePlatforms, channel_secrets: ChannelSecrets, chat_id: int
) -> None:
    first = say(stack, channel_secrets, platforms, chat_id, telegram_text(chat_id, "hello"))
    buttons = [row[0] for row in first[-1].json["reply_markup"]["inline_keyboard"]]
    pregnancy = next(b for b in buttons if "regnan" in b["text"])
    acks_before = len(platforms.sent("telegram", path_end="/answerCallbackQuery"))

    update = telegram_button(chat_id, pregnancy["callback_data"])
    say(stack, channel_secrets, platforms, chat_id, update)

    acks = platforms.sent("telegram", path_end="/answerCallbackQuery")[acks_before:]
    assert [a.json["callback_query_id"] for a in acks] == [update["callback_query"]["id"]]
    assert (
        stored_payloads(stack, conversation_id("telegram", str(chat_id)))[-1]["topic"]
        == "pregnancy"
    )


def test_tell_me_more_is_an_inline_button_with_the_same_disclaimers(
    stack: Stack,
    platforms: FakePlatforms,
    channel_secrets: ChannelSecrets,
    knowledge: KnowledgeSet,
    chat_id: int,
) -> None:
    first = say(
        stack,
        channel_secrets,
        platforms,
        chat_id,
        telegram_text(chat_id, "is walking or cycling good for me?"),
    )
    answer = stored_payloads(stack, conversation_id("telegram", str(chat_id)))[-1]
    assert answer["type"] == "answer"
    buttons = [row[0] for row in first[-1].json["reply_markup"]["inline_keyboard"]]
    more_button = next(b for b in buttons if b["text"] == "Tell me more")

    update = telegram_button(chat_id, more_button["callback_data"])
    sent = say(stack, channel_secrets, platforms, chat_id, update)

    payload = stored_payloads(stack, conversation_id("telegram", str(chat_id)))[-1]
    assert payload["type"] == "more"
    assert payload["more_of"] == answer["entries"]
    assert payload["disclaimers"] == answer["disclaimers"] == ["consult_doctor", "pregnancy"]
    text = " ".join(" ".join(c.json["text"] for c in sent).split())
    assert " ".join(payload["body"][0].split()) in text
    # The welcome came with the first answer, so both replies carry the short wording.
    for disclaimer in knowledge.disclaimers.values():
        assert " ".join(disclaimer.compact.split()) in text
    assert f"Sources ({len(answer['sources'])})" in text


def test_a_warning_sign_gets_the_urgent_advice_first_and_whole(
    stack: Stack,
    platforms: FakePlatforms,
    channel_secrets: ChannelSecrets,
    knowledge: KnowledgeSet,
    chat_id: int,
) -> None:
    say(
        stack,
        channel_secrets,
        platforms,
        chat_id,
        telegram_text(chat_id, "what exercises help my legs"),
    )
    sent = say(
        stack,
        channel_secrets,
        platforms,
        chat_id,
        telegram_text(chat_id, "I have crushing chest pain and can't breathe after my workout"),
    )
    payload = stored_payloads(stack, conversation_id("telegram", str(chat_id)))[-1]
    assert payload["type"] == "red_flag"
    assert payload["urgency"] == "emergency"
    assert sent[0].json["text"].startswith(payload["body"][0])
    assert "000" in sent[0].json["text"]


@pytest.mark.parametrize("secret", [None, "", "wrong-secret"], ids=["unsigned", "empty", "forged"])
def test_a_request_without_the_right_secret_is_refused_and_changes_nothing(
    stack: Stack,
    platforms: FakePlatforms,
    channel_secrets: ChannelSecrets,
    chat_id: int,
    secret: str | None,
) -> None:
    response = post_telegram(stack, telegram_text(chat_id, "is exercise safe?"), secret)
    assert response.status_code == 403
    assert stored_events(stack, conversation_id("telegram", str(chat_id))) == []
    assert messages_to(platforms, chat_id) == []
