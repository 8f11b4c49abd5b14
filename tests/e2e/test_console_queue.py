"""The console's queue, transcript and report, built from conversations with the real assistant.

Here (not under tests/console/) so it shares the session's one running stack.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import pytest

from bot.channels.conversations import conversation_id
from bot.console.queue import Reason, build_queue, queue_window_start
from bot.console.report import build_report
from bot.console.transcript import transcript
from bot.db import engine_for
from bot.knowledge.schema import KnowledgeSet
from bot.nlp.analyzer import Analyzer
from bot.serve import Stack
from tests.e2e.conftest import Chat

pytestmark = pytest.mark.e2e


def _payloads(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m["custom"] for m in messages if "custom" in m]


@pytest.fixture(scope="module")
def conversations(chat: Chat) -> dict[str, str]:
    """One conversation per reason (and one that needs nobody), keyed by what it shows."""
    run = uuid.uuid4().hex[:8]
    senders = {
        name: f"console-{name}-{run}"
        for name in ("warning", "fallback", "person", "thumbs", "medical", "fine")
    }
    chat(senders["warning"], "I get chest pain when I exercise")
    # "xqzv blorp" is classified as affirm (0.31, above the 0.3 fallback threshold), so the
    # double fallback uses words the assistant really does not understand.
    for _ in range(2):
        chat(senders["fallback"], "blorp snazzle wibble")
    chat(senders["person"], "can I talk to a human")
    answer = _payloads(chat(senders["thumbs"], "is hydrotherapy good for me?"))[-1]
    assert answer["type"] == "answer"
    feedback = {"rating": "down", "entries": answer["entries"]}
    chat(senders["thumbs"], "/feedback" + json.dumps(feedback))
    chat(senders["medical"], "what dose of prednisone should I take")
    chat(senders["fine"], "is tai chi ok for me?")
    shown = {name: conversation_id("rest", sender) for name, sender in senders.items()}
    shown["thumbs_entries"] = ",".join(answer["entries"])
    return shown


def test_each_conversation_is_queued_with_its_reason(
    stack: Stack, conversations: dict[str, str], knowledge: KnowledgeSet
) -> None:
    with engine_for(stack.settings.database_url).connect() as conn:
        window = queue_window_start(stack.settings, time.time())
        queue = [c for c in build_queue(conn, window) if c.sender_id in conversations.values()]
    by_sender = {c.sender_id: c for c in queue}
    expected = {
        "warning": [Reason.WARNING_SIGN],
        "fallback": [Reason.FELL_BACK_TWICE],
        "person": [Reason.ASKED_FOR_PERSON],
        "thumbs": [Reason.THUMBS_DOWN],
        "medical": [Reason.OUT_OF_SCOPE],
    }
    for name, reasons in expected.items():
        assert by_sender[conversations[name]].reasons == reasons, name
    assert conversations["fine"] not in by_sender
    warning = by_sender[conversations["warning"]]
    assert warning.urgency == "emergency"
    assert queue[0] is warning  # warning signs come first
    thumbs = by_sender[conversations["thumbs"]]
    assert thumbs.flags[0].detail == conversations["thumbs_entries"].replace(",", ", ")
    assert thumbs.topics == (knowledge.topics["hydrotherapy"].title,), "titles, not ids"
    assert {c.channel for c in queue} == {"rest"}
    assert all(c.status.value == "open" for c in queue)


def test_transcripts_show_what_was_understood(stack: Stack, conversations: dict[str, str]) -> None:
    with engine_for(stack.settings.database_url).connect() as conn:
        warning = transcript(conn, conversations["warning"])
        thumbs = transcript(conn, conversations["thumbs"])
    said = next(t for t in warning if t.speaker == "user")
    assert (said.intent, said.channel) == ("report_warning_sign", "rest")
    assert said.confidence is not None
    flagged = next(t for t in warning if t.safety_flag)
    assert (flagged.safety_flag, flagged.urgency) == ("red_flag", "emergency")
    assert flagged.sources
    answer = next(t for t in thumbs if t.reply_type == "answer")
    assert answer.topic == "hydrotherapy"
    assert answer.entries
    assert answer.sources
    vote = next(t for t in thumbs if t.feedback)
    assert (vote.feedback, list(vote.feedback_entries)) == ("down", list(answer.entries))


def test_report_counts_the_conversations(
    stack: Stack, conversations: dict[str, str], analyzer: Analyzer, knowledge: KnowledgeSet
) -> None:
    title = knowledge.topics["hydrotherapy"].title
    with engine_for(stack.settings.database_url).connect() as conn:
        report = build_report(conn, analyzer, since=time.time() - 86400)
    assert report.warning_signs >= 1
    assert report.fallbacks >= 2
    assert 0 < report.fallback_rate < 1
    assert any(topic == title for topic, _ in report.top_topics), "titles, not ids"
    entry = conversations["thumbs_entries"].split(",")[0]
    assert report.feedback_by_entry[entry].down >= 1
    assert report.feedback_by_topic[title].down >= 1
    assert report.entry_topics[entry] == title
    unanswered = {q for group in report.unanswered for q in group.questions}
    assert "blorp snazzle wibble" in unanswered
