"""Rendering for Telegram, Messenger and SMS keeps every reply whole, safe and within limits."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.channels.numbered import chosen_payload
from bot.channels.render import (
    MESSENGER,
    TELEGRAM,
    Limits,
    Outgoing,
    render_reply,
    render_text,
    shorten,
    sms,
    split_blocks,
)
from bot.compose import SOURCES_SHOWN, Reply, reply_blocks
from bot.guide import Guide
from bot.knowledge.schema import SUBTYPES, KnowledgeSet
from bot.safety.lexicon import Urgency

CHANNELS = {"telegram": TELEGRAM, "messenger": MESSENGER, "sms": sms(1600), "short sms": sms(320)}
PART_MARKER = re.compile(r"^\(\d+/\d+\) ")


def rendered(reply: Reply, limits: Limits) -> list[Outgoing]:
    return render_reply(reply.payload, [b.as_dict() for b in reply.buttons], limits)


def words(texts: list[str]) -> list[str]:
    return " ".join(PART_MARKER.sub("", t) for t in texts).split()


def replies(guide: Guide) -> st.SearchStrategy[Reply]:
    topics = sorted(guide.knowledge.topics)
    answers = st.builds(
        guide.answer, st.sampled_from(topics), st.just(""), st.sampled_from((None, *SUBTYPES))
    )
    safety = st.sampled_from(
        [guide.composer.red_flag(u, ["mda-quest-warning", "mayo-polymyositis"]) for u in Urgency]
        + [guide.composer.crisis(), guide.composer.clarify_warning_sign()]
    )
    others = st.sampled_from(
        [
            guide.composer.welcome(),
            guide.composer.out_of_scope(),
            guide.composer.fallback(topics[:3]),
            guide.composer.second_fallback(),
            guide.composer.ask_human(False, "Monday to Friday", "Monday at 9:00"),
            guide.composer.handoff_started("Vera"),
            guide.composer.volunteer_reply("Vera", "Hello! " * 300),
            guide.composer.handoff_ended("Vera"),
            guide.composer.confirm_delete(),
        ]
    )
    return st.one_of(answers, safety, others)


@settings(max_examples=250, deadline=None)
@given(data=st.data(), channel=st.sampled_from(sorted(CHANNELS)))
def test_every_reply_fits_and_loses_nothing(
    data: st.DataObject, channel: str, guide: Guide, knowledge: KnowledgeSet
) -> None:
    limits = CHANNELS[channel]
    reply = data.draw(replies(guide))
    parts = rendered(reply, limits)
    texts = [p.text for p in parts]

    assert all(0 < len(t) <= limits.max_chars for t in texts)
    expected = reply_blocks(reply.payload, compact=limits.compact_disclaimers)
    shown = words(texts)
    # Every word of the reply, in order, and nothing else but the numbered options.
    assert shown[: len(" ".join(expected).split())] == " ".join(expected).split()
    whole = " ".join(PART_MARKER.sub("", t) for t in texts)
    for disclaimer in knowledge.disclaimers.values():
        wording = disclaimer.compact if limits.compact_disclaimers else disclaimer.text
        has_it = " ".join(wording.split()) in " ".join(whole.split())
        assert has_it == (reply.payload["type"] != "crisis")
    sources = reply.payload["sources"]
    for source in sources[:SOURCES_SHOWN]:
        assert source["short"] in whole
        if source["url"]:
            assert source["url"] in whole
    if len(sources) > SOURCES_SHOWN:
        assert f"and {len(sources) - SOURCES_SHOWN} more" in whole
        assert reply.buttons[0].title == "Tell me more"
    if len(texts) > 1 and limits.number_parts:
        assert [PART_MARKER.match(t) is not None for t in texts] == [True] * len(texts)
        assert texts[0].startswith(f"(1/{len(texts)}) ")


@pytest.mark.parametrize("channel", sorted(CHANNELS))
@pytest.mark.parametrize("urgency", list(Urgency))
def test_warning_sign_advice_comes_first_and_whole(
    channel: str, urgency: Urgency, guide: Guide
) -> None:
    reply = guide.composer.red_flag(urgency, ["mda-quest-warning", "mayo-polymyositis"])
    first = PART_MARKER.sub("", rendered(reply, CHANNELS[channel])[0].text)
    assert first.startswith(reply.payload["body"][0])


@pytest.mark.parametrize("limits", [TELEGRAM, MESSENGER], ids=["telegram", "messenger"])
def test_buttons_respect_platform_limits(limits: Limits, guide: Guide) -> None:
    for topic in guide.knowledge.topics:
        reply = guide.answer(topic)
        parts = rendered(reply, limits)
        assert all(not p.buttons for p in parts[:-1]), "buttons go under the last message"
        buttons = parts[-1].buttons
        assert len(buttons) == min(len(reply.buttons), limits.max_buttons)
        for shown, original in zip(buttons, reply.buttons, strict=False):
            assert len(shown.title) <= limits.max_title
            assert len(shown.payload.encode()) <= limits.max_payload_bytes
            assert shown.payload in (original.payload, original.title)


def test_messenger_quick_replies_are_capped_at_thirteen() -> None:
    buttons = [
        {"title": f"Option number {i} with a long label", "payload": f"/x{i}"} for i in range(20)
    ]
    parts = render_text("Pick one.", buttons, MESSENGER)
    assert len(parts[-1].buttons) == 13
    assert all(len(b.title) <= 20 for b in parts[-1].buttons)
    assert parts[-1].buttons[0].title == "Option number 0…"


def test_a_payload_too_long_for_telegram_sends_the_label() -> None:
    long_payload = '/ask_exercise_type{"exercise_type": "' + "x" * 80 + '"}'
    parts = render_text("Pick.", [{"title": "Swimming", "payload": long_payload}], TELEGRAM)
    assert parts[-1].buttons[0].payload == "Swimming"


def test_sms_numbers_every_option_and_the_number_maps_back(guide: Guide) -> None:
    reply = guide.answer("exercise_safety")
    options = [b.as_dict() for b in reply.buttons]
    parts = rendered(reply, sms(1600))
    assert all(not p.buttons for p in parts)
    last = parts[-1].text
    listed = re.findall(r"^(\d+)\. (.+)$", last, flags=re.MULTILINE)
    assert [(int(n), t) for n, t in listed] == [
        (i, b.title) for i, b in enumerate(reply.buttons, start=1)
    ]
    for number, button in enumerate(reply.buttons, start=1):
        assert chosen_payload(str(number), options) == button.payload
        assert chosen_payload(f" {number}. ", options) == button.payload
    assert chosen_payload(str(len(options) + 1), options) is None
    assert chosen_payload("0", options) is None
    assert chosen_payload("1 please", options) is None


def test_long_paragraphs_split_between_sentences() -> None:
    sentences = [f"Sentence number {i} says something useful about exercise." for i in range(30)]
    parts = split_blocks([" ".join(sentences)], 160)
    assert len(parts) > 1
    assert all(len(p) <= 160 for p in parts)
    assert all(p.endswith(".") for p in parts)
    assert " ".join(parts) == " ".join(sentences)


def test_a_sentence_longer_than_a_message_splits_between_words() -> None:
    parts = split_blocks(["word " * 100], 50)
    assert all(len(p) <= 50 for p in parts)
    assert " ".join(parts).split() == ["word"] * 100


def test_a_paragraph_that_must_stay_whole_but_cannot_is_an_error() -> None:
    with pytest.raises(ValueError, match="must fit"):
        split_blocks(["x" * 200, "rest"], 100, keep_whole=1)


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Short", 20, "Short"),
        ("Which professional should I see?", 20, "Which professional…"),
        ("Supercalifragilisticexpialidocious", 10, "Supercali…"),
    ],
)
def test_shorten(text: str, limit: int, expected: str) -> None:
    assert shorten(text, limit) == expected
    assert len(shorten(text, limit)) <= limit
