"""The widget on a shared computer (review finding L3): nothing of a conversation outlives its tab.

The session secret and unsent messages are kept in the tab's sessionStorage, not localStorage,
the chat does not reopen by itself, "End and clear" forgets the conversation, and only http(s)
addresses become links.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from bot.serve import Stack
from tests.e2e.test_widget import WAIT_MS, answer, ask, browser, open_chat, playwright

pytestmark = pytest.mark.e2e
__all__ = ["browser", "playwright"]  # the widget tests' Playwright fixtures, shared


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """One browser profile: its tabs share localStorage, as a shared computer's would."""
    opened = browser.new_context(viewport={"width": 1280, "height": 900})
    opened.set_default_timeout(WAIT_MS)
    yield opened
    opened.close()


def demo(context: BrowserContext, stack: Stack) -> Page:
    page = context.new_page()
    page.goto(f"http://{stack.host}:{stack.ports.web}/")
    expect(page.locator("[data-ready=true]")).to_have_count(1)
    return page


def test_the_next_person_in_a_new_tab_sees_nothing_of_the_conversation(
    context: BrowserContext, stack: Stack
) -> None:
    first = demo(context, stack)
    open_chat(first)
    ask(first, "is tai chi ok for me?")
    answer(first, "tai_chi")
    stored = first.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('mw-'))")
    assert stored == ["mw-text-size"] or stored == []  # no session secret, no outbox
    first.close()

    second = demo(context, stack)
    expect(second.locator(".mw-panel")).to_be_hidden()  # nothing reopens by itself
    open_chat(second)
    expect(second.locator(".mw-user")).to_have_count(0)
    expect(second.locator("article[data-type=answer]")).to_have_count(0)


def test_end_and_clear_forgets_the_conversation(context: BrowserContext, stack: Stack) -> None:
    page = demo(context, stack)
    open_chat(page)
    ask(page, "is tai chi ok for me?")
    answer(page, "tai_chi")
    secret = page.evaluate("() => sessionStorage.getItem('mw-session-id')")
    assert secret

    page.get_by_role("button", name="End and clear").click()
    expect(page.locator(".mw-panel")).to_be_hidden()
    assert page.evaluate("() => sessionStorage.getItem('mw-session-id')") is None
    page.reload()
    open_chat(page)
    expect(page.locator(".mw-user")).to_have_count(0)
    assert page.evaluate("() => sessionStorage.getItem('mw-session-id')") not in (None, secret)


def test_only_web_addresses_become_links(context: BrowserContext, stack: Stack) -> None:
    """A source with a javascript: URL (say from a tampered history) is shown as plain text."""
    secret = uuid.uuid4().hex
    context.add_init_script(
        f"sessionStorage.setItem('mw-session-id', '{secret}');"
        f"localStorage.setItem('mw-session-id', '{secret}');"
    )
    sources = [
        {"id": "bad", "short": "Bad source", "url": "javascript:alert(document.domain)"},
        {"id": "good", "short": "Good source", "url": "https://example.org/page"},
    ]
    payload = {"type": "answer", "topic": "tai_chi", "body": ["Some text."], "sources": sources}
    history = {
        "messages": [{"from": "bot", "text": "Some text.", "buttons": [], "custom": payload}]
    }
    context.route(
        "**/api/history**",
        lambda route: route.fulfill(content_type="application/json", body=json.dumps(history)),
    )
    page = demo(context, stack)
    launcher = page.get_by_role("button", name="Ask about exercise")
    if launcher.is_visible():  # (older widgets reopened a stored session by themselves)
        launcher.click()
    bubble = answer(page, "tai_chi")
    bubble.locator("summary").click()
    expect(bubble.get_by_role("link", name="Good source")).to_have_attribute(
        "href", "https://example.org/page"
    )
    expect(bubble.get_by_text("Bad source")).to_be_visible()
    expect(bubble.locator("a[href^='javascript']")).to_have_count(0)
