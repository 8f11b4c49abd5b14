"""Real HTTP requests to the REST channel of the running assistant, for every topic."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from benchmarks.scripts import QUESTIONS  # one patient's question per topic, shared
from bot.compose import SOURCES_SHOWN
from bot.knowledge.schema import KnowledgeSet
from bot.knowledge.vocabulary import Vocabulary
from bot.routing import Router
from tests.e2e.conftest import Chat

pytestmark = pytest.mark.e2e


def answers(messages: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """Pair each payload of type answer with the text sent just before it."""
    pairs = []
    for text_message, custom in itertools.pairwise(messages):
        payload = custom.get("custom")
        if payload and payload.get("type") == "answer":
            pairs.append((text_message.get("text", ""), payload))
    return pairs


def assert_guidance(text: str, payload: dict[str, Any], knowledge: KnowledgeSet) -> None:
    assert payload["disclaimers"] == ["consult_doctor", "pregnancy"]
    # After the welcome's full wording, an answer carries both disclaimers in short.
    assert payload["disclaimer_style"] == "compact"
    for disclaimer in knowledge.disclaimers.values():
        assert disclaimer.compact in text
    assert payload["sources"]
    for source in payload["sources"][:SOURCES_SHOWN]:
        assert knowledge.sources[source["id"]].short in text


def test_every_topic_question_is_answered(chat: Chat, sender: str, knowledge: KnowledgeSet) -> None:
    assert set(QUESTIONS) == set(knowledge.topics)
    wrong = {}
    for topic, question in QUESTIONS.items():
        replies = answers(chat(f"{sender}-{topic}", question))
        assert replies, f"no answer to {question!r}"
        text, payload = replies[-1]
        assert_guidance(text, payload, knowledge)
        if payload["topic"] != topic:
            wrong[question] = payload["topic"]
    assert not wrong, wrong


def test_every_topic_button_is_answered(
    chat: Chat, sender: str, knowledge: KnowledgeSet, vocabulary: Vocabulary
) -> None:
    router = Router(vocabulary)
    for topic in knowledge.topics:
        ((text, payload),) = answers(chat(f"{sender}-{topic}", router.button_payload(topic)))
        assert payload["topic"] == topic
        assert_guidance(text, payload, knowledge)


def test_session_opens_with_the_welcome(chat: Chat, sender: str, knowledge: KnowledgeSet) -> None:
    first = chat(sender, "hello")
    welcome = [m["custom"] for m in first if m.get("custom", {}).get("type") == "welcome"]
    assert welcome
    assert all(d.text in first[0]["text"] for d in knowledge.disclaimers.values())
    assert len(first[0]["buttons"]) >= 4


def test_what_about_swimming_follows_exercise_types(chat: Chat, sender: str) -> None:
    assert answers(chat(sender, "what types of exercise are good for myositis?"))[-1][1][
        "topic"
    ] == ("exercise_types")
    assert answers(chat(sender, "what about swimming?"))[-1][1]["topic"] == "hydrotherapy"


def test_and_for_ibm_tailors_the_safety_answer(
    chat: Chat, sender: str, knowledge: KnowledgeSet
) -> None:
    first = answers(chat(sender, "is exercise safe with myositis?"))[-1][1]
    assert first["topic"] == "exercise_safety"
    follow_up = answers(chat(sender, "and for IBM?"))[-1][1]
    assert follow_up["topic"] == "exercise_safety"
    by_id = {e.id: e for e in knowledge.entries}
    assert "IBM" in by_id[follow_up["entries"][0]].subtypes
    # The subtype is remembered: a later question is tailored without naming it again.
    later = answers(chat(sender, "what are the benefits of exercise?"))[-1][1]
    assert "IBM" in by_id[later["entries"][0]].subtypes


def test_who_can_help_after_swallowing(chat: Chat, sender: str) -> None:
    first = answers(chat(sender, "my throat muscles are weak, are there swallowing exercises?"))
    assert first[-1][1]["topic"] == "swallowing"
    assert (
        answers(chat(sender, "who can help me with that?"))[-1][1]["topic"] == "which_professional"
    )


def test_thanks_and_goodbye_at_any_point(chat: Chat, sender: str) -> None:
    chat(sender, "is pilates ok?")
    assert "welcome" in chat(sender, "thanks so much")[0]["text"]
    assert "Take care" in chat(sender, "bye")[0]["text"]


def test_tell_me_more_by_button_and_by_typing(chat: Chat, sender: str) -> None:
    messages = chat(sender, "is walking or cycling good for me?")
    ((_, answer),) = answers(messages)
    # REST sends the text with its buttons, then the payload.
    at = next(i for i, m in enumerate(messages) if m.get("custom", {}).get("type") == "answer")
    more_button = messages[at - 1]["buttons"][0]
    assert more_button["title"] == "Tell me more"
    typed = [m["custom"] for m in chat(sender, "tell me more") if m.get("custom")]
    assert [p["type"] for p in typed] == ["more"]
    assert typed[0]["more_of"] == answer["entries"]
    assert typed[0]["disclaimers"] == ["consult_doctor", "pregnancy"]
    pressed = [m["custom"] for m in chat(sender, more_button["payload"]) if m.get("custom")]
    assert [p["type"] for p in pressed] == ["more"]
    assert pressed[0]["sources"] == answer["sources"]


def test_two_questions_answer_one_and_offer_the_other(
    chat: Chat, sender: str, vocabulary: Vocabulary
) -> None:
    router = Router(vocabulary)
    messages = chat(sender, "Is swimming safe with DM? And who can help me plan it?")
    ((_, answer),) = answers(messages)
    at = next(i for i, m in enumerate(messages) if m.get("custom", {}).get("type") == "answer")
    also = [b for b in messages[at - 1]["buttons"] if b["title"].startswith("Also:")]
    (button,) = also
    # One question is answered, the other is one tap away; the tap answers it.
    asked = {"which_professional", "hydrotherapy"}
    other = (asked - {answer["topic"]}).pop()
    assert answer["topic"] in asked
    assert button["payload"] == router.button_payload(other)
    assert [p["topic"] for _, p in answers(chat(sender, button["payload"]))] == [other]


def test_a_warning_sign_with_a_second_question_gets_the_urgent_reply_only(
    chat: Chat, sender: str
) -> None:
    messages = chat(
        sender,
        "My arms are suddenly much weaker since yesterday. Can I still do yoga? And who can help?",
    )
    payloads = [m["custom"] for m in messages if m.get("custom")]
    assert [p["type"] for p in payloads] == ["red_flag"]
    assert not any(m.get("buttons") for m in messages)
