"""The chat widget in a real browser: Playwright driving Debian's chromium (never downloaded)."""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, Playwright, expect, sync_playwright
from sqlalchemy import create_engine, text

from bot.channels.conversations import widget_conversation
from bot.serve import Stack
from bot.settings import PROJECT_ROOT
from tests.conftest import skip_or_fail
from tests.e2e.platform_requests import stored_payloads

pytestmark = pytest.mark.e2e
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = PROJECT_ROOT / "artifacts" / "screenshots"
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
WAIT_MS = 60_000
# The first reply after start-up waits for the action server to build its index.
expect.set_options(timeout=WAIT_MS)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Module scope: sync Playwright keeps an event loop running in this thread while it is open,
# which later tests that call asyncio.run must not inherit.
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    if not Path(CHROMIUM).exists():
        skip_or_fail(f"no chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@pytest.fixture
def page(browser: Browser, stack: Stack) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(WAIT_MS)
    opened = context.new_page()
    opened.goto(f"http://{stack.host}:{stack.ports.web}/")
    yield opened
    context.close()


# Both disclaimers, as either wording (full or compact) says them.
SEE_YOUR_DOCTOR = re.compile("see your doctor", re.IGNORECASE)


def open_chat(page: Page) -> None:
    page.get_by_role("button", name="Ask about exercise").click()
    expect(page.locator("article[data-type=welcome]")).to_be_visible()


def ask(page: Page, question: str) -> None:
    page.get_by_role("textbox", name="Type your question").fill(question)
    page.keyboard.press("Enter")


def answer(page: Page, topic: str) -> Any:
    bubble = page.locator(f"article[data-type=answer][data-topic={topic}]").last
    expect(bubble).to_be_visible()
    return bubble


def test_typed_conversation_shows_sources_and_disclaimers(page: Page) -> None:
    open_chat(page)
    welcome = page.locator("article[data-type=welcome]")
    expect(welcome).to_contain_text("talk to your doctor")
    expect(welcome).to_contain_text("pregnant")
    ask(page, "can I do strength training with weights?")
    bubble = answer(page, "strength_training")
    # In full in the welcome, then both in their short wording.
    expect(bubble.locator(".mw-disclaimers")).to_contain_text(SEE_YOUR_DOCTOR)
    expect(bubble.locator(".mw-disclaimers")).to_contain_text("experienced with pregnant women")
    bubble.locator(".mw-sources summary").click()
    link = bubble.locator(".mw-sources a").first
    expect(link).to_be_visible()
    assert (link.get_attribute("href") or "").startswith("http")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "widget-1280.png"))


def test_a_conversation_by_buttons_only(page: Page) -> None:
    open_chat(page)
    page.locator("article[data-type=welcome]").get_by_role(
        "button", name="Is exercise safe?"
    ).click()
    first = answer(page, "exercise_safety")
    first.get_by_role("button", name="How do I get started?").click()
    answer(page, "getting_started")


def test_buttons_are_large_enough_to_tap(page: Page) -> None:
    open_chat(page)
    ask(page, "what kinds of exercise are there?")
    bubble = answer(page, "exercise_types")
    for control in [
        *bubble.locator("button").all(),
        page.locator(".mw-send"),
        page.locator(".mw-tool").first,
    ]:
        box = control.bounding_box()
        assert box is not None
        assert box["width"] >= 44, box
        assert box["height"] >= 44, box


def test_feedback_is_recorded_with_entry_ids(page: Page, stack: Stack) -> None:
    open_chat(page)
    ask(page, "is hydrotherapy good for me?")
    bubble = answer(page, "hydrotherapy")
    thumb = bubble.get_by_role("button", name="This helped")
    thumb.click()
    expect(thumb).to_have_attribute("aria-pressed", "true")
    session = widget_conversation(page.evaluate("sessionStorage.getItem('mw-session-id')"))
    engine = create_engine(stack.settings.database_url, future=True)
    query = text("SELECT data FROM events WHERE sender_id = :s AND intent_name = 'feedback'")
    rows: list[Any] = []
    for _ in range(100):  # the message is recorded once Rasa has processed it
        with engine.connect() as conn:
            rows = conn.execute(query, {"s": session}).all()
        if rows:
            break
        page.wait_for_timeout(200)
    # Rasa turns each element of the "entries" list into an entity of its own.
    entities = json.loads(rows[-1][0])["parse_data"]["entities"]
    assert [e["value"] for e in entities if e["entity"] == "rating"] == ["up"]
    recorded = [e["value"] for e in entities if e["entity"] == "entries"]
    assert recorded
    assert recorded == json.loads(bubble.get_attribute("data-entries") or "[]")


def test_reload_restores_the_conversation(page: Page) -> None:
    open_chat(page)
    ask(page, "is tai chi ok for me?")
    answer(page, "tai_chi")
    page.reload()
    expect(page.locator(".mw-panel")).to_be_hidden()  # it waits to be opened: a shared screen
    page.get_by_role("button", name="Ask about exercise").click()
    answer(page, "tai_chi")
    expect(page.locator(".mw-user").first).to_contain_text("is tai chi ok for me?")


def test_server_restart_and_a_message_sent_while_down(page: Page, stack: Stack) -> None:
    open_chat(page)
    ask(page, "can I do strength training?")
    answer(page, "strength_training")
    stack.stop_server("rasa")
    try:
        expect(page.locator(".mw-status")).to_contain_text("Reconnecting")
        ask(page, "what about stretching?")
        expect(page.locator(".mw-user").last).to_contain_text("what about stretching?")
    finally:
        stack.start_server("rasa")
    answer(page, "stretching")
    expect(page.locator(".mw-status")).to_be_hidden()
    answer(page, "strength_training")


def test_warning_sign_is_distinct_and_the_number_is_tappable(page: Page) -> None:
    open_chat(page)
    ask(page, "my pee is dark brown like cola after exercise")
    urgent = page.locator("article.mw-urgent[data-type=red_flag]")
    expect(urgent).to_be_visible()
    expect(urgent).to_contain_text("IMPORTANT", ignore_case=True)
    expect(urgent.locator("a.mw-call")).to_have_attribute("href", "tel:000")


def test_keyboard_alone(page: Page) -> None:
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("article[data-type=welcome]")).to_be_visible()
    page.keyboard.type("is exercise safe?")
    page.keyboard.press("Enter")
    answer(page, "exercise_safety")
    for _ in range(80):
        page.keyboard.press("Tab")
        label = page.evaluate("document.activeElement && document.activeElement.textContent")
        if label == "How do I get started?":
            break
    else:
        pytest.fail("the quick reply is not reachable with Tab")
    page.keyboard.press("Enter")
    answer(page, "getting_started")
    page.keyboard.press("Escape")
    expect(page.get_by_role("button", name="Ask about exercise")).to_be_focused()


def test_no_serious_accessibility_violations(browser: Browser, stack: Stack) -> None:
    # axe-core is injected inline, which the demo page's policy rightly refuses.
    context = browser.new_context(bypass_csp=True)
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    page.goto(f"http://{stack.host}:{stack.ports.web}/")
    open_chat(page)
    ask(page, "my son has JDM, can he play sport?")
    expect(page.locator("article[data-type=answer]").last).to_be_visible()
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("axe.run(document.querySelector('.mw-root'))")
    context.close()
    serious = [
        (v["id"], v["impact"], len(v["nodes"]))
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, serious


def test_small_screens(browser: Browser, stack: Stack) -> None:
    for width, height, name in ((375, 812, "widget-375.png"), (320, 640, "widget-320.png")):
        context = browser.new_context(viewport={"width": width, "height": height})
        context.set_default_timeout(WAIT_MS)
        small = context.new_page()
        small.goto(f"http://{stack.host}:{stack.ports.web}/")
        open_chat(small)
        ask(small, "who can help me exercise?")
        answer(small, "which_professional")
        assert small.evaluate("document.documentElement.scrollWidth") <= width
        small.screenshot(path=str(SCREENSHOTS / name))
        context.close()


def test_works_on_a_page_with_a_strict_content_security_policy(
    browser: Browser, stack: Stack
) -> None:
    context = browser.new_context()
    context.set_default_timeout(WAIT_MS)
    strict = context.new_page()
    refused: list[str] = []
    strict.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
    )
    response = strict.goto(f"http://{stack.host}:{stack.ports.web}/")
    assert response is not None
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "unsafe-inline" not in policy
    open_chat(strict)
    ask(strict, "is tai chi good for me?")
    answer(strict, "tai_chi")
    context.close()
    assert not refused, refused


def test_one_welcome_per_session_in_the_widget_and_the_store(page: Page, stack: Stack) -> None:
    open_chat(page)
    ask(page, "is tai chi ok for me?")
    answer(page, "tai_chi")
    ask(page, "what about swimming?")
    answer(page, "hydrotherapy")
    expect(page.locator("article[data-type=welcome]")).to_have_count(1)
    session = widget_conversation(page.evaluate("sessionStorage.getItem('mw-session-id')"))
    assert session is not None
    assert [p["type"] for p in stored_payloads(stack, session)].count("welcome") == 1
    page.reload()
    page.get_by_role("button", name="Ask about exercise").click()
    answer(page, "hydrotherapy")
    expect(page.locator("article[data-type=welcome]")).to_have_count(1)


def on_screen(part: Locator) -> bool:
    """Whether all of ``part`` shows in the chat log's visible area (not under the input bar)."""
    return bool(
        part.evaluate(
            """e => {
                const log = e.closest('.mw-log').getBoundingClientRect();
                const r = e.getBoundingClientRect();
                return r.height > 0 && r.top >= log.top && r.bottom <= log.bottom;
            }"""
        )
    )


def shoot_answer_on_phone(phone: Page, bubble: Locator, path: Path) -> None:
    """Screenshot a whole answer on a phone: its text, "Sources (N)" and "Tell me more".

    The picture is docs/widget-375.png (copy it from artifacts/screenshots/ after a wording
    change). A 375 x 812 screen shows about two-thirds of an answer, so for the picture the screen
    grows in height, never in width, until the answer fits down to "Tell me more"; then it is
    put back.
    """
    size = phone.viewport_size
    assert size is not None
    summary = bubble.locator(".mw-sources summary")
    more = bubble.get_by_role("button", name="Tell me more")
    overflow = more.evaluate(
        """m => m.getBoundingClientRect().bottom
            - m.closest('article').getBoundingClientRect().top
            - m.closest('.mw-log').clientHeight"""
    )
    grown = size["height"] + max(0, math.ceil(overflow)) + 32
    phone.set_viewport_size({"width": size["width"], "height": grown})
    bubble.evaluate("b => b.scrollIntoView({block: 'start'})")
    expect(summary).to_have_text(re.compile(r"Sources \(\d+\)"))
    parts = [bubble.locator("p").first, summary, more]
    assert [on_screen(part) for part in parts] == [True, True, True]
    path.parent.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(path))
    phone.set_viewport_size(size)


def test_sources_expand_and_tell_me_more_on_a_phone(browser: Browser, stack: Stack) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 812})
    context.set_default_timeout(WAIT_MS)
    phone = context.new_page()
    phone.goto(f"http://{stack.host}:{stack.ports.web}/")
    open_chat(phone)
    ask(phone, "is walking or cycling good for me?")
    bubble = answer(phone, "aerobic_exercise")
    shoot_answer_on_phone(phone, bubble, SCREENSHOTS / "answer-375.png")
    sources = bubble.locator(".mw-sources")
    summary = sources.locator("summary")
    expect(summary).to_have_text(re.compile(r"Sources \(\d+\)"))
    total = int(re.findall(r"\d+", summary.inner_text())[0])
    summary.click()
    expect(sources.locator("li:visible")).to_have_count(min(total, 3))
    if total > 3:
        sources.get_by_role("button", name=re.compile("More sources")).click()
        expect(sources.locator("li:visible")).to_have_count(total)
    # The welcome showed the disclaimers in full; this answer keeps both, in short.
    expect(bubble.locator(".mw-disclaimers")).to_contain_text(SEE_YOUR_DOCTOR)
    expect(bubble.locator(".mw-disclaimers")).to_contain_text("experienced with pregnant women")
    bubble.get_by_role("button", name="Tell me more").click()
    more = phone.locator("article[data-type=more]")
    expect(more).to_be_visible()
    expect(more.locator(".mw-disclaimers")).to_contain_text(SEE_YOUR_DOCTOR)
    expect(more.locator(".mw-sources summary")).to_have_text(f"Sources ({total})")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()


def test_a_warning_sign_reply_sets_the_disclaimers_apart(page: Page) -> None:
    open_chat(page)
    ask(page, "my pee is dark brown like cola after exercise")
    urgent = page.locator("article.mw-urgent[data-type=red_flag]")
    expect(urgent.locator("hr.mw-divider")).to_be_visible()
    advice = urgent.locator("p").nth(1).bounding_box()
    divider = urgent.locator("hr.mw-divider").bounding_box()
    notice = urgent.locator(".mw-disclaimers").bounding_box()
    assert advice is not None
    assert divider is not None
    assert notice is not None
    assert advice["y"] < divider["y"] < notice["y"]
