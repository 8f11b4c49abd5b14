"""One person's conversation is reachable only by that person (review finding H1, and M6).

Each test plays the attacker of the security review: someone who knows a Telegram chat id, a
phone number or a conversation id as volunteers see it, and tries to read, write into, erase or
take over that conversation through another channel.
"""

from __future__ import annotations

import asyncio
import json
import queue
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import create_engine

from bot.channels.conversations import conversation_id, widget_conversation
from bot.console.rasa_client import RasaClient
from bot.db import engine_for
from bot.guide import Guide
from bot.knowledge import repository
from bot.knowledge.schema import KnowledgeSet
from bot.serve import Ports, Stack
from bot.settings import Settings
from tests.e2e.conftest import PORTS, REQUEST_TIMEOUT, ChannelSecrets, Chat
from tests.e2e.fake_platforms import FakePlatforms
from tests.e2e.platform_requests import (
    post_telegram,
    post_twilio,
    socketio_session,
    stored_events,
    telegram_text,
    twilio_form,
    webhook,
)
from tests.e2e.test_privacy import rows_mentioning

pytestmark = pytest.mark.e2e
WAIT = 60.0
ERASE = '/delete_my_data{"confirm": "yes"}'


def user_texts(stack: Stack, conversation: str) -> list[str]:
    return [e["text"] for kind, e in stored_events(stack, conversation) if kind == "user"]


def telegram_user(stack: Stack, keys: ChannelSecrets, text: str) -> tuple[int, str]:
    """A Telegram user who has said ``text``: (chat id, their conversation id)."""
    chat_id = 10**9 + secrets.randbelow(10**9)
    response = post_telegram(stack, telegram_text(chat_id, text), keys.telegram_secret)
    assert response.status_code == 200
    return chat_id, conversation_id("telegram", str(chat_id))


def answered(received: queue.Queue[dict[str, Any]]) -> list[dict[str, Any]]:
    """The bot's messages until an answer arrives."""
    messages: list[dict[str, Any]] = []
    while not any(m.get("custom", {}).get("type") == "answer" for m in messages):
        messages.append(received.get(timeout=WAIT))
    return messages


def test_the_rest_channel_needs_its_token(stack: Stack) -> None:
    body = {"sender": uuid.uuid4().hex, "message": "hello"}
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "wrong"}):
        response = requests.post(
            webhook(stack, "rest"), json=body, headers=headers, timeout=REQUEST_TIMEOUT
        )
        assert response.status_code == 403
        assert response.json() == {"error": "forbidden"}
    assert stored_events(stack, conversation_id("rest", body["sender"])) == []


def test_a_rest_caller_cannot_write_into_or_erase_a_telegram_conversation(
    stack: Stack, chat: Chat, channel_secrets: ChannelSecrets
) -> None:
    chat_id, conversation = telegram_user(stack, channel_secrets, "is swimming good for me?")
    assert user_texts(stack, conversation) == ["is swimming good for me?"]

    for sender in (str(chat_id), conversation):  # the platform id, and the id volunteers see
        chat(sender, "I have crushing chest pain")
        chat(sender, ERASE)

    assert user_texts(stack, conversation) == ["is swimming good for me?"]


def test_history_opens_only_with_the_widgets_secret(stack: Stack) -> None:
    history = f"http://{stack.host}:{stack.ports.web}/api/history"
    with socketio_session(stack) as (client, secret, received):
        client.emit("user_uttered", {"message": "can I do pilates?", "session_id": secret})
        answered(received)
    conversation = str(widget_conversation(secret))

    mine = requests.get(history, headers={"X-Session-Secret": secret}, timeout=REQUEST_TIMEOUT)
    assert {"from": "user", "text": "can I do pilates?"} in mine.json()["messages"]
    # The conversation id (shown to volunteers, stored in the database) opens nothing.
    for guess in (conversation, conversation.removeprefix("web:")):
        response = requests.get(
            history, headers={"X-Session-Secret": guess}, timeout=REQUEST_TIMEOUT
        )
        assert response.json().get("messages", []) == []
        assert requests.get(f"{history}/{guess}", timeout=REQUEST_TIMEOUT).status_code == 404


def test_a_socketio_client_cannot_join_speak_in_or_erase_another_session(stack: Stack) -> None:
    with (
        socketio_session(stack) as (victim, secret, victim_received),
        socketio_session(stack) as (attacker, _, attacker_received),
    ):
        victim.emit("user_uttered", {"message": "can I do pilates?", "session_id": secret})
        answered(victim_received)
        conversation = str(widget_conversation(secret))
        for room in (conversation, conversation.removeprefix("web:")):
            attacker.emit("session_request", {"session_id": room})
            attacker.emit("user_uttered", {"message": ERASE, "session_id": room})
            attacker.emit("user_uttered", {"message": ERASE, "session_id": secret})
        victim.emit("user_uttered", {"message": "is tai chi good for me?", "session_id": secret})
        answered(victim_received)
        # Whatever reached the attacker arrived before the answer to its own next question.
        attacker.emit("user_uttered", {"message": "can I do pilates?", "session_id": room})
        heard = answered(attacker_received)
    assert "tai_chi" not in json.dumps(heard)

    assert user_texts(stack, conversation) == ["can I do pilates?", "is tai chi good for me?"]


def test_a_volunteer_reply_goes_to_telegram_even_after_a_socketio_message_as_that_user(
    stack: Stack, guide: Guide, platforms: FakePlatforms, channel_secrets: ChannelSecrets
) -> None:
    chat_id, conversation = telegram_user(stack, channel_secrets, "can I talk to a person")
    with socketio_session(stack) as (attacker, _, received):
        for session in (str(chat_id), conversation):
            attacker.emit("session_request", {"session_id": session})
            attacker.emit("user_uttered", {"message": "hello", "session_id": session})
        client = RasaClient(
            f"http://{stack.host}:{stack.ports.rasa}", stack.run_secrets["RASA_JWT_SECRET"]
        )
        reply = guide.composer.volunteer_reply("Vera", "Hello from Vera at the charity.")
        asyncio.run(client.send_reply(conversation, reply))
        attacker.emit("user_uttered", {"message": "can I do pilates?", "session_id": session})
        heard = answered(received)  # anything sent to the attacker's room came before this
    assert "Vera" not in json.dumps(heard)
    sent = [
        c.json["text"]
        for c in platforms.sent("telegram", path_end="/sendMessage")
        if c.json["chat_id"] == str(chat_id)
    ]
    assert "Hello from Vera at the charity." in sent[-1]


@pytest.fixture
def postgres_stack(
    tmp_path: Path,
    settings: Settings,
    knowledge: KnowledgeSet,
    postgres_database: str,
    platforms: FakePlatforms,
    channel_secrets: ChannelSecrets,
) -> Iterator[Stack]:
    """Rasa and action servers on PostgreSQL, with the messaging channels, beside SQLite's."""
    repository.load(engine_for(postgres_database), knowledge)
    ports = Ports(rasa=PORTS.rasa + 200, actions=PORTS.actions + 200, web=PORTS.web + 200)
    webhook_url = f"http://127.0.0.1:{ports.rasa}/webhooks/twilio/webhook"
    running = Stack(
        replace(settings, database_url=postgres_database),
        ports=ports,
        parts=("actions", "rasa"),
        log_dir=tmp_path / "logs",
        extra_env={**channel_secrets.environment(platforms), "TWILIO_WEBHOOK_URL": webhook_url},
    )
    try:
        running.start()
        yield running
    finally:
        running.stop()


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_a_phone_number_is_stored_nowhere_but_replies_still_reach_it(
    request: pytest.FixtureRequest,
    database: str,
    platforms: FakePlatforms,
    channel_secrets: ChannelSecrets,
) -> None:
    running: Stack = request.getfixturevalue("stack" if database == "sqlite" else "postgres_stack")
    url = f"http://127.0.0.1:{running.ports.rasa}/webhooks/twilio/webhook"
    number = "+614" + "".join(str(secrets.randbelow(10)) for _ in range(8))
    for text in ("hello", "I get chest pain when I exercise", "can I talk to a person"):
        form = twilio_form(channel_secrets, number, text)
        assert post_twilio(running, form, channel_secrets.twilio_auth_token, url).status_code == 200

    conversation = conversation_id("twilio", number)
    assert len(user_texts(running, conversation)) == 3
    assert [c for c in platforms.sent("twilio") if c.form.get("To") == number]
    engine = create_engine(running.settings.database_url, future=True)
    try:
        for needle in (number, number[1:], number[-8:]):
            assert rows_mentioning(engine, needle) == {}, needle
    finally:
        engine.dispose()
