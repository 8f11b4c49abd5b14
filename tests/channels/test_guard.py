"""The input guard every channel shares, and the safe replies for failed actions."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.channels.failsafe import safe_replies
from bot.channels.guard import InputGuard, Refusal, clean_text, valid_sender
from bot.channels.limits import MemoryRateLimiter
from bot.compose import Composer, Reply
from bot.guide import composer_for
from bot.knowledge.schema import KnowledgeSet
from bot.settings import Settings


@pytest.fixture
def composer(knowledge: KnowledgeSet, settings: Settings) -> Composer:
    return composer_for(knowledge, settings)


@pytest.fixture
def guard(settings: Settings, composer: Composer) -> InputGuard:
    limits = replace(
        settings, max_message_chars=40, rate_limit_per_minute=2, rate_limit_per_address_per_minute=3
    )
    return InputGuard(limits, MemoryRateLimiter(), composer)


def with_disclaimers(reply: Reply, knowledge: KnowledgeSet) -> bool:
    return all(d.text in reply.text for d in knowledge.disclaimers.values())


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("  is pilates ok?\n", "is pilates ok?"),
        ("chest\x00 pain\x1b[31m", "chest pain[31m"),
        ("bad \ud800 half", "bad \ufffd half"),
        ("💪🏽 can I lift?", "💪🏽 can I lift?"),
        ("هل يمكنني ممارسة الرياضة؟", "هل يمكنني ممارسة الرياضة؟"),
        ("line one\nline\ttwo", "line one\nline\ttwo"),
        ("\x07\x08 \x7f\x85", ""),
    ],
)
def test_clean_text_keeps_what_people_write(raw: str, cleaned: str) -> None:
    assert clean_text(raw) == cleaned


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("a1b2c3d4", True),
        ("whatsapp:+61400000000", True),
        ("x" * 128, True),
        ("x" * 129, False),
        ("", False),
        (" padded", False),
        ("nul\x00", False),
        ("\ud800", False),
        (5, False),
        (None, False),
        (["a"], False),
    ],
)
def test_valid_sender(value: Any, ok: bool) -> None:
    assert valid_sender(value) == (value if ok else None)


async def test_admit_cleans_and_enforces_the_limits(
    guard: InputGuard, knowledge: KnowledgeSet
) -> None:
    assert await guard.admit("ann", "  hello\x00 ") == "hello"
    too_long = await guard.admit("ann", "a" * 41)
    assert isinstance(too_long, Refusal)
    assert (too_long.status, too_long.error) == (413, "message too long: at most 40 characters")
    assert too_long.reply is not None
    assert too_long.reply.payload["type"] == "limit"
    assert with_disclaimers(too_long.reply, knowledge)
    empty = await guard.admit("ann", " \x00 ")
    assert isinstance(empty, Refusal)
    assert (empty.status, empty.reply) == (400, None)
    assert await guard.admit("ann", "second") == "second"
    limited = await guard.admit("ann", "third")
    assert isinstance(limited, Refusal)
    assert limited.status == 429
    assert limited.retry_after is not None
    assert 1 <= limited.retry_after <= 60
    assert limited.as_json() == {"error": limited.error, "retry_after": limited.retry_after}
    assert limited.reply is not None
    assert "faster than I can answer" in limited.reply.text
    assert await guard.admit("bob", "hello") == "hello"  # the limit is per sender


async def test_one_address_cannot_dodge_the_limit_by_making_up_senders(guard: InputGuard) -> None:
    address = "198.51.100.7"
    made_up = [await guard.admit(f"rest:made-up-{n}", "hi", address=address) for n in range(4)]
    assert made_up[:3] == ["hi"] * 3
    refused = made_up[3]
    assert isinstance(refused, Refusal)
    assert refused.status == 429
    assert refused.retry_after is not None
    assert refused.reply is not None
    assert "faster than I can answer" in refused.reply.text
    assert await guard.admit("rest:made-up-9", "hi", address="203.0.113.5") == "hi"


async def test_one_connection_is_limited_whatever_sender_it_claims(guard: InputGuard) -> None:
    sent = [
        await guard.admit(f"web:session-{n}", "hi", address=f"10.0.0.{n}", connection="sid-1")
        for n in range(3)
    ]
    assert sent[:2] == ["hi", "hi"]
    assert isinstance(sent[2], Refusal)
    assert sent[2].status == 429
    assert await guard.admit("web:session-9", "hi", connection="sid-2") == "hi"


async def test_a_limit_of_zero_turns_that_limit_off(settings: Settings, composer: Composer) -> None:
    limits = replace(settings, rate_limit_per_minute=1, rate_limit_per_address_per_minute=0)
    limiter = MemoryRateLimiter()
    guard = InputGuard(limits, limiter, composer)
    for n in range(5):
        assert await guard.admit(f"rest:{n}", "hi", address="198.51.100.7") == "hi"
    assert limiter._counts.keys() == {f"sender:rest:{n}" for n in range(5)}


@pytest.mark.parametrize(
    ("forwarded_for", "proxies", "address"),
    [
        (None, 0, "192.0.2.1"),
        ("198.51.100.7", 0, "192.0.2.1"),  # no proxy trusted: the header is the client's own
        ("198.51.100.7", 1, "198.51.100.7"),
        ("6.6.6.6, 198.51.100.7", 1, "198.51.100.7"),  # the client wrote the left-most hop
        ("6.6.6.6, 198.51.100.7, 10.0.0.2", 2, "198.51.100.7"),
        ("198.51.100.7", 2, "192.0.2.1"),  # fewer hops than proxies: the peer
    ],
)
def test_the_client_address_is_the_right_most_trusted_hop(
    settings: Settings, composer: Composer, forwarded_for: str | None, proxies: int, address: str
) -> None:
    guard = InputGuard(
        replace(settings, trusted_proxy_count=proxies), MemoryRateLimiter(), composer
    )
    assert guard.client_address(forwarded_for, "192.0.2.1") == address


async def test_a_failure_inside_rasa_still_gets_a_reply(
    guard: InputGuard, knowledge: KnowledgeSet
) -> None:
    async def store_down(_message: UserMessage) -> None:
        raise ConnectionError("database unreachable")

    output = CollectingOutputChannel()
    await guard.hand_on(store_down, UserMessage("hi", output, "ann", input_channel="rest"))
    # Rasa sends the text paragraph by paragraph, then the payload.
    *paragraphs, custom = output.messages
    text = "\n\n".join(m["text"] for m in paragraphs)
    assert custom["custom"]["type"] == "unavailable"
    assert "send it again" in text
    assert all(d.text in text for d in knowledge.disclaimers.values())


def test_safe_replies_put_urgent_advice_first(composer: Composer, knowledge: KnowledgeSet) -> None:
    plain = safe_replies(composer, {"safety": {"urgency": None, "crisis": False}})
    assert [r.payload["type"] for r in plain] == ["unavailable"]
    assert "can't look that up right now" in plain[0].text
    warning = safe_replies(
        composer, {"safety": {"urgency": "emergency", "sources": ["mda-quest-warning"]}}
    )
    assert [r.payload["type"] for r in warning] == ["red_flag", "unavailable"]
    assert warning[0].payload["urgency"] == "emergency"
    crisis = safe_replies(composer, {"safety": {"crisis": True, "urgency": "emergency"}})
    assert [r.payload["type"] for r in crisis] == ["crisis", "unavailable"]
    assert all(with_disclaimers(r, knowledge) for r in [*plain, *warning, crisis[1]])
    assert not any(d.text in crisis[0].text for d in knowledge.disclaimers.values()), (
        "a crisis reply is about staying safe, not exercise"
    )
    assert [r.payload["type"] for r in safe_replies(composer, {})] == ["unavailable"]
