"""A volunteer in a real browser: sign in (two-step too), claim a conversation, note it, close."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pyotp
import pytest
from playwright.sync_api import Browser, Page, expect

from bot.channels.conversations import conversation_id
from bot.console import two_step
from bot.console.accounts import Role, add_account
from bot.db import engine_for
from bot.serve import Stack
from tests.e2e.conftest import Chat
from tests.e2e.test_widget import CHROMIUM, SCREENSHOTS, WAIT_MS, browser, playwright

pytestmark = pytest.mark.e2e
__all__ = ["browser", "playwright"]  # the widget tests' Playwright fixtures, shared
PASSWORD = "a long enough password"


@pytest.fixture(scope="module")
def volunteer(stack: Stack) -> str:
    email = f"vol-{uuid.uuid4().hex[:6]}@example.org"
    with engine_for(stack.settings.database_url).begin() as conn:
        add_account(conn, email, PASSWORD, Role.VOLUNTEER, "Vera")
    return email


@pytest.fixture
def console(browser: Browser, stack: Stack) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    refused: list[str] = []
    page.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
    )
    yield page
    context.close()
    assert not refused, refused


def test_sign_in_claim_note_and_mark_handled(
    console: Page, stack: Stack, chat: Chat, volunteer: str
) -> None:
    assert CHROMIUM
    sender = f"console-browser-{uuid.uuid4().hex[:8]}"
    chat(sender, "I get chest pain when I exercise")
    sender = conversation_id("rest", sender)  # as the console shows it
    base = f"http://{stack.host}:{stack.ports.web}"
    console.goto(f"{base}/console/")
    expect(console).to_have_url(f"{base}/console/signin")
    console.get_by_label("E-mail address").fill(volunteer)
    console.get_by_label("Password").fill(PASSWORD)
    console.get_by_role("button", name="Sign in").click()
    expect(console.get_by_role("heading", name="Conversations needing a person")).to_be_visible()
    row = console.locator(f"tr[data-sender='{sender}']")
    expect(row).to_contain_text("Warning sign: emergency")
    for control in console.locator("main button, main select, main input").all():
        box = control.bounding_box()
        assert box is not None
        assert box["height"] >= 44, box
    row.get_by_role("link", name=sender).click()
    expect(console.get_by_role("heading", name=f"Conversation {sender}")).to_be_visible()
    expect(console.locator(".turn.flagged .safety")).to_contain_text("red_flag: emergency")
    expect(console.locator(".turn-user .meta")).to_contain_text("report_warning_sign")
    console.get_by_role("button", name="Claim").click()
    expect(console.locator(".case .status")).to_contain_text("claimed · Vera")
    expect(console.get_by_role("button", name="Take over")).to_be_visible()
    console.get_by_label("Add a note").fill("Rang them back; they are seeing their GP today.")
    console.get_by_role("button", name="Add note").click()
    expect(console.locator(".notes")).to_contain_text("seeing their GP today")
    console.get_by_role("button", name="Mark handled").click()
    expect(console.locator(".case .status")).to_contain_text("handled")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    console.screenshot(path=str(SCREENSHOTS / "console-transcript.png"), full_page=True)
    console.get_by_role("link", name="Back to the queue").click()
    expect(console.locator(f"tr[data-sender='{sender}']")).to_have_count(0)
    console.get_by_label("Status").select_option("handled")
    console.get_by_role("button", name="Filter").click()
    expect(console.locator(f"tr[data-sender='{sender}'] .status")).to_contain_text("handled")


def test_keyboard_reaches_the_sign_in_form(console: Page, stack: Stack, volunteer: str) -> None:
    console.goto(f"http://{stack.host}:{stack.ports.web}/console/signin")
    console.keyboard.press("Tab")  # the skip link
    console.keyboard.press("Tab")
    expect(console.get_by_label("E-mail address")).to_be_focused()
    console.keyboard.type(volunteer)
    console.keyboard.press("Tab")
    console.keyboard.type(PASSWORD)
    console.keyboard.press("Enter")
    expect(console.get_by_role("heading", name="Conversations needing a person")).to_be_visible()


def test_two_step_sign_in_asks_for_the_code(console: Page, stack: Stack) -> None:
    # The run's ADDRESS_KEY is this process's too (share_run_secrets), so enrolling here works.
    email = f"two-step-{uuid.uuid4().hex[:6]}@example.org"
    with engine_for(stack.settings.database_url).begin() as conn:
        add_account(conn, email, PASSWORD, Role.VOLUNTEER, "Tess")
        secret = two_step.enrol(conn, email).secret
    console.goto(f"http://{stack.host}:{stack.ports.web}/console/signin")
    console.get_by_label("E-mail address").fill(email)
    console.get_by_label("Password").fill(PASSWORD)
    console.get_by_role("button", name="Sign in").click()
    expect(console.get_by_role("heading", name="Sign-in code")).to_be_visible()
    console.get_by_label("6-digit code").fill(pyotp.TOTP(secret).now())
    console.get_by_role("button", name="Continue").click()
    expect(console.get_by_role("heading", name="Conversations needing a person")).to_be_visible()
