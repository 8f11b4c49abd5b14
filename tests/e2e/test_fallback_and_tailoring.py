"""Over the REST channel: the two-stage fallback, and tailoring an answer with a button."""

from __future__ import annotations

from typing import Any

import pytest

from bot.knowledge.schema import KnowledgeSet
from tests.e2e.conftest import Chat

pytestmark = pytest.mark.e2e


def last_payload(messages: list[dict[str, Any]]) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The last structured payload, and the buttons of the text message sent just before it."""
    index = max(i for i, m in enumerate(messages) if "custom" in m)
    buttons: list[dict[str, str]] = messages[index - 1].get("buttons", [])
    payload: dict[str, Any] = messages[index]["custom"]
    return payload, buttons


def test_two_misses_lead_to_a_volunteer(chat: Chat, sender: str) -> None:
    first, buttons = last_payload(chat(sender, "blorp snazzle wibble"))
    assert (first["type"], first["stage"]) == ("fallback", 1)
    assert buttons[-1] == {"title": "Something else", "payload": "/nlu_fallback"}
    assert len(buttons) == 3

    second, buttons = last_payload(chat(sender, buttons[-1]["payload"]))
    assert (second["type"], second["stage"]) == ("fallback", 2)
    assert buttons[0] == {"title": "Pass my question to a volunteer", "payload": "/ask_human"}
    assert second["disclaimers"] == ["consult_doctor", "pregnancy"]


def test_a_tailoring_button_keeps_the_topic(
    chat: Chat, sender: str, knowledge: KnowledgeSet
) -> None:
    answer, buttons = last_payload(chat(sender, "is it safe to exercise with myositis?"))
    assert answer["topic"] == "exercise_safety"
    ibm = next(b for b in buttons if b["title"] == "For IBM")
    tailored, _ = last_payload(chat(sender, ibm["payload"]))
    assert tailored["topic"] == "exercise_safety"
    entry = next(e for e in knowledge.entries if e.id == tailored["entries"][0])
    assert entry.subtypes == ("IBM",)


def test_pregnancy_takes_any_exercise_question(chat: Chat, sender: str) -> None:
    answer, _ = last_payload(chat(sender, "I'm 20 weeks pregnant, can I still do pilates?"))
    assert answer["topic"] == "pregnancy"
