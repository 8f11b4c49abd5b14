"""The harness reads a reply as the user gets it: the REST channel's messages, one by one."""

from __future__ import annotations

from typing import Any

from bot.compose import Reply as Composed
from bot.evaluation.end_to_end import Reply
from bot.evaluation.real_figures import right
from bot.evaluation.real_set import Expected
from bot.guide import Guide
from bot.safety.lexicon import Urgency


def over_rest(*replies: Composed) -> list[dict[str, Any]]:
    """The messages the REST channel returns: each reply's text, then its payload."""
    messages: list[dict[str, Any]] = []
    for reply in replies:
        messages += [
            {"recipient_id": "me", "text": reply.text},
            {"recipient_id": "me", "custom": reply.payload},
        ]
    return messages


def test_the_welcome_is_not_the_reply_to_the_first_question(guide: Guide) -> None:
    composer = guide.composer
    entries = guide.knowledge.entries_of("hydrotherapy")[:1]
    reply = Reply.read(over_rest(composer.welcome(), composer.answer("hydrotherapy", entries)))
    assert (reply.kind, reply.topics, reply.types) == (
        "answer",
        ("hydrotherapy",),
        ("welcome", "answer"),
    )
    assert right(Expected("answer", topics=("hydrotherapy", "aerobic_exercise")), reply)
    assert not right(Expected("answer", topics=("aerobic_exercise",)), reply)


def test_a_welcome_alone_is_the_reply(guide: Guide) -> None:
    assert Reply.read(over_rest(guide.composer.welcome())).kind == "welcome"


def test_a_safety_reply_wins_over_what_comes_with_it(guide: Guide) -> None:
    composer = guide.composer
    entries = guide.knowledge.entries_of("pilates")[:1]
    reply = Reply.read(
        over_rest(composer.answer("pilates", entries), composer.red_flag(Urgency.SAME_DAY))
    )
    assert (reply.kind, reply.urgency) == ("red_flag", "same_day")
    assert right(Expected("red_flag", urgencies=("same_day", "emergency")), reply)
    assert not right(Expected("red_flag", urgencies=("emergency",)), reply)
    crisis = Reply.read(over_rest(composer.red_flag(Urgency.REVIEW), composer.crisis()))
    assert crisis.kind == "crisis"


def test_a_reply_without_a_payload_is_counted(guide: Guide) -> None:
    reply = Reply.read([{"recipient_id": "me", "text": "I'm a computer program."}])
    assert (reply.kind, reply.types) == ("none", ())
    assert not right(Expected("answer", topics=("pilates",)), reply)


def test_a_defensible_cautious_reply_counts_as_right(guide: Guide) -> None:
    reply = Reply.read(over_rest(guide.composer.clarify_warning_sign()))
    assert right(Expected("answer", topics=("flares_and_steroids",), also=("clarify",)), reply)
    assert not right(Expected("answer", topics=("flares_and_steroids",)), reply)
