"""Changing what the assistant says, in a real browser, against the running assistant.

An editor drafts a new answer (the live check names what is wrong while they type), a reviewer
approves it, the assistant answers with the new wording without a restart, and a roll back brings
the old wording back. The screenshots taken on the way are the README's pictures of the workflow.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from bot.console.accounts import Role, add_account
from bot.db import engine_for
from bot.serve import Stack
from tests.console.content_helpers import ENTRY, NEW_ANSWER
from tests.e2e.conftest import Chat
from tests.e2e.test_widget import (
    SCREENSHOTS,
    WAIT_MS,
    answer,
    ask,
    browser,
    open_chat,
    playwright,
)

pytestmark = pytest.mark.e2e
__all__ = ["browser", "playwright"]  # the widget tests' Playwright fixtures, shared
PASSWORD = "a long enough password"
QUESTION = "is tai chi good for me?"
OLD_WORDING = "A tai chi instructor is one option a myositis charity suggests."
NEW_WORDING = NEW_ANSWER.split(". ")[0] + "."
# How long the assistant may take to pick up a publish: the action servers look every
# KB_RELOAD_SECONDS (2 s); the rest is headroom for a loaded test machine.
PICK_UP_SECONDS = 60


@pytest.fixture(scope="module")
def team(stack: Stack) -> dict[str, str]:
    """An editor and a reviewer, by role."""
    suffix = uuid.uuid4().hex[:6]
    people = {role: f"{role}-{suffix}@example.org" for role in ("editor", "reviewer")}
    with engine_for(stack.settings.database_url).begin() as conn:
        add_account(conn, people["editor"], PASSWORD, Role.EDITOR, "Eddie")
        add_account(conn, people["reviewer"], PASSWORD, Role.REVIEWER, "Rosa")
    return people


@contextmanager
def signed_in(browser: Browser, stack: Stack, email: str) -> Iterator[Page]:
    """A console page signed in as ``email``; no Content-Security-Policy refusal allowed."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    refused: list[str] = []
    page.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto(f"http://{stack.host}:{stack.ports.web}/console/signin")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="What the assistant says")).to_be_visible()
    yield page
    context.close()
    assert not refused, refused


@contextmanager
def widget(browser: Browser, stack: Stack) -> Iterator[Page]:
    """The demo charity page with the chat widget, as a patient opens it."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    page.goto(f"http://{stack.host}:{stack.ports.web}/")
    yield page
    context.close()


def answer_of(chat: Chat) -> tuple[str, dict[str, Any]]:
    """Ask QUESTION in a new conversation; return the reply's text and the answer's payload."""
    messages = chat(f"content-{uuid.uuid4().hex[:8]}", QUESTION)
    text = " ".join(str(m.get("text") or "") for m in messages)
    payloads = [m["custom"] for m in messages if m.get("custom", {}).get("type") == "answer"]
    assert payloads, messages
    return text, payloads[0]


def eventually(check: Callable[[], bool]) -> bool:
    """Whether ``check`` comes true before PICK_UP_SECONDS pass (asked once a second)."""
    deadline = time.monotonic() + PICK_UP_SECONDS
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(1)
    return check()


def assert_large_targets(page: Page) -> None:
    controls = "main button, main select, main textarea, main input:not([type=checkbox])"
    for control in page.locator(controls).all():
        box = control.bounding_box()
        if box is not None:  # hidden inputs have none
            assert box["height"] >= 44, box


def test_draft_review_publish_and_roll_back(
    browser: Browser, stack: Stack, chat: Chat, team: dict[str, str]
) -> None:
    before, payload = answer_of(chat)
    assert OLD_WORDING in before
    assert payload["entries"][0] == ENTRY
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    with signed_in(browser, stack, team["editor"]) as editor:
        editor.locator(f"tr[data-entry='{ENTRY}']").get_by_role("link", name=ENTRY).click()
        editor.get_by_role("link", name="Change this entry").click()
        answer_box = editor.get_by_label("Answer", exact=True)
        expect(answer_box).to_have_value(re.compile(re.escape(OLD_WORDING)))
        answer_box.fill("Tai chi is gentle.")
        expect(editor.locator("#problems-answer")).to_contain_text("2-4 sentences")
        expect(editor.locator("#grades")).to_contain_text("Answer: grade")
        assert_large_targets(editor)
        editor.screenshot(path=str(SCREENSHOTS / "content-check.png"), full_page=True)
        answer_box.fill(NEW_ANSWER)
        expect(editor.locator("#grades")).to_contain_text("No problems found.")
        expect(editor.locator("#problems-answer li")).to_have_count(0)
        editor.get_by_role("button", name="Save draft").click()
        expect(editor.get_by_role("heading", name=f"Change to {ENTRY}")).to_be_visible()
        expect(editor.locator("tr.changed[data-field=answer] .proposed")).to_contain_text(
            NEW_WORDING
        )
        editor.get_by_role("button", name="Submit for review").click()
        expect(editor.locator(".status")).to_contain_text("submitted")
        expect(editor.get_by_role("button", name="Approve and publish")).to_have_count(0)

    with signed_in(browser, stack, team["reviewer"]) as reviewer:
        reviewer.get_by_role("link", name="Review queue").click()
        reviewer.get_by_role("link", name=ENTRY).click()
        expect(reviewer.locator("tr.changed[data-field=answer] .current")).to_contain_text(
            OLD_WORDING
        )
        reviewer.get_by_label("Why it is right").fill("Same facts in plainer words.")
        assert_large_targets(reviewer)
        reviewer.screenshot(path=str(SCREENSHOTS / "content-review.png"), full_page=True)
        reviewer.get_by_role("button", name="Approve and publish").click()
        expect(reviewer.locator(".status .version")).to_have_text("2")
        expect(reviewer.locator("dd[data-field=answer]")).to_contain_text(NEW_WORDING)

        # No restart: the running action servers pick the new version up by themselves.
        assert eventually(lambda: NEW_WORDING in answer_of(chat)[0])
        assert answer_of(chat)[1]["entry_versions"][ENTRY] == 2
        with widget(browser, stack) as patient:
            open_chat(patient)
            ask(patient, QUESTION)
            expect(answer(patient, "tai_chi")).to_contain_text(NEW_WORDING)

        reviewer.get_by_label("Why go back to version 1").fill("Checking the wording again.")
        reviewer.get_by_role("button", name="Roll back to version 1").click()
        expect(reviewer.locator(".status .version")).to_have_text("3")
        expect(reviewer.locator("tr[data-version='3']")).to_contain_text("rolled back to version 1")
        reviewer.screenshot(path=str(SCREENSHOTS / "content-history.png"), full_page=True)

    assert eventually(lambda: OLD_WORDING in answer_of(chat)[0])
    assert answer_of(chat)[1]["entry_versions"][ENTRY] == 3
