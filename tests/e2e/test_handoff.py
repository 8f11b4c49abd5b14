"""Volunteer handoff: the assistant keeps quiet while a volunteer holds the conversation.

The REST test drives the console's own client (the Rasa HTTP API, with JWTs signed by the run's
secret); the browser test is the whole journey, from the widget's "talk to a person" to the
volunteer's reply.
"""

from __future__ import annotations

import asyncio
import secrets
import uuid
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from bot.channels.conversations import conversation_id, widget_conversation
from bot.console.rasa_client import RasaClient
from bot.guide import Guide
from bot.serve import Stack
from tests.e2e.conftest import ChannelSecrets, Chat
from tests.e2e.fake_platforms import FakePlatforms
from tests.e2e.platform_requests import post_telegram, telegram_text
from tests.e2e.test_console_browser import PASSWORD, volunteer
from tests.e2e.test_widget import WAIT_MS, browser, playwright

pytestmark = pytest.mark.e2e
__all__ = ["browser", "playwright", "volunteer"]  # fixtures shared with the other browser tests


def rasa_client(stack: Stack) -> RasaClient:
    return RasaClient(
        f"http://{stack.host}:{stack.ports.rasa}", stack.run_secrets["RASA_JWT_SECRET"]
    )


def run(coroutine: Coroutine[Any, Any, None]) -> None:
    """Run a coroutine in its own thread: sync Playwright keeps a loop running in this one."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, coroutine).result()


def kinds(messages: list[dict[str, Any]]) -> list[str]:
    return [m["custom"]["type"] for m in messages if isinstance(m.get("custom"), dict)]


def test_a_held_conversation_answers_only_warning_signs(
    chat: Chat, stack: Stack, guide: Guide
) -> None:
    sender = f"handoff-{uuid.uuid4().hex[:8]}"
    assert "ask_human" in kinds(chat(sender, "can I talk to a real person please"))
    client, composer = rasa_client(stack), guide.composer

    conversation = conversation_id("rest", sender)
    run(client.start_handoff(conversation, "Vera", composer.handoff_started("Vera")))
    assert chat(sender, "is pilates ok for me?") == []
    assert chat(sender, "thanks") == []
    assert kinds(chat(sender, "I have crushing chest pain and can't breathe")) == ["red_flag"]
    assert chat(sender, "what about tai chi") == []

    run(client.end_handoff(conversation, composer.handoff_ended("Vera")))
    assert kinds(chat(sender, "is pilates ok for me?")) == ["answer"]


def test_the_whole_handoff_in_the_browser(browser: Browser, stack: Stack, volunteer: str) -> None:
    base = f"http://{stack.host}:{stack.ports.web}"
    user_context = browser.new_context(viewport={"width": 1280, "height": 900})
    volunteer_context = browser.new_context(viewport={"width": 1280, "height": 900})
    for context in (user_context, volunteer_context):
        context.set_default_timeout(WAIT_MS)
    try:
        widget = user_context.new_page()
        widget.goto(f"{base}/")
        widget.get_by_role("button", name="Ask about exercise").click()
        expect(widget.locator("article[data-type=welcome]")).to_be_visible()
        widget.get_by_label("Type your question").fill("can I talk to a person please")
        widget.keyboard.press("Enter")
        expect(widget.locator("article[data-type=ask_human]")).to_be_visible()
        session = widget_conversation(
            widget.evaluate("() => sessionStorage.getItem('mw-session-id')")
        )
        assert session

        console = volunteer_context.new_page()
        console.goto(f"{base}/console/signin")
        console.get_by_label("E-mail address").fill(volunteer)
        console.get_by_label("Password").fill(PASSWORD)
        console.get_by_role("button", name="Sign in").click()
        row = console.locator(f"tr[data-sender='{session}']")
        expect(row).to_contain_text("Asked for a person")
        row.get_by_role("link", name=session).click()
        console.get_by_role("button", name="Claim").click()
        console.get_by_role("button", name="Take over").click()
        expect(widget.locator("article[data-type=handoff]")).to_contain_text("Vera")

        console.get_by_label("Reply to the person").fill("Hi, I'm Vera. How can I help?")
        console.get_by_role("button", name="Send reply").click()
        expect(widget.locator("article[data-type=volunteer]")).to_contain_text("How can I help?")

        bot_messages = widget.locator("article.mw-bot, div.mw-bot")
        before = bot_messages.count()
        widget.get_by_label("Type your question").fill("is swimming good for me")
        widget.keyboard.press("Enter")
        widget.wait_for_timeout(3000)
        assert bot_messages.count() == before, "the assistant answered a held conversation"

        widget.get_by_label("Type your question").fill("I have chest pain and can't breathe")
        widget.keyboard.press("Enter")
        expect(widget.locator("article[data-type=red_flag]")).to_be_visible()

        console.get_by_role("button", name="Hand back").click()
        expect(widget.locator("article[data-type=handoff]").last).to_contain_text("handed you back")
    finally:
        user_context.close()
        volunteer_context.close()


def test_a_volunteer_reply_reaches_a_messaging_channel(
    stack: Stack,
    guide: Guide,
    platforms: FakePlatforms,
    channel_secrets: ChannelSecrets,
) -> None:
    chat_id = 10**9 + secrets.randbelow(10**9)
    update = telegram_text(chat_id, "can I talk to a person please")
    assert post_telegram(stack, update, channel_secrets.telegram_secret).status_code == 200

    reply = guide.composer.volunteer_reply("Vera", "Hello from Vera at the charity.")
    run(rasa_client(stack).send_reply(conversation_id("telegram", str(chat_id)), reply))

    sent = [
        c.json["text"]
        for c in platforms.sent("telegram", path_end="/sendMessage")
        if c.json["chat_id"] == str(chat_id)
    ]
    assert "Hello from Vera at the charity." in sent[-1]
    assert "talk to your doctor" in sent[-1]
