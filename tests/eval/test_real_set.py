"""The real-language set is well-formed, split cleanly, and kept apart from the training data."""

from __future__ import annotations

import difflib
import re

import pytest
from rasa.shared.nlu.training_data.loading import load_data

from bot.compose import ReplyType
from bot.evaluation.real_set import (
    HALVES,
    KINDS,
    URGENCIES,
    Conversation,
    Expected,
    Item,
    half_of,
    load_conversations,
    load_items,
)
from bot.knowledge.schema import KnowledgeSet
from bot.settings import PROJECT_ROOT

# Two texts this alike are the same message reworded a little: training on one would leak the other.
NEAR_RATIO = 0.9


def fold(text: str) -> str:
    """Compare texts as a person reads them: case and spacing do not matter."""
    return re.sub(r"\s+", " ", text.casefold()).strip()


@pytest.fixture(scope="module")
def items() -> dict[str, list[Item]]:
    return {half: load_items(half) for half in HALVES}


@pytest.fixture(scope="module")
def conversations() -> dict[str, list[Conversation]]:
    return {half: load_conversations(half) for half in HALVES}


def every_label(
    items: dict[str, list[Item]], conversations: dict[str, list[Conversation]]
) -> list[tuple[str, Expected]]:
    return [(i.id, i.expected) for half in HALVES for i in items[half]] + [
        (f"{c.id}/{n}", t.expected)
        for half in HALVES
        for c in conversations[half]
        for n, t in enumerate(c.turns, 1)
    ]


def test_the_set_is_big_enough(
    items: dict[str, list[Item]], conversations: dict[str, list[Conversation]]
) -> None:
    assert sum(len(items[h]) for h in HALVES) >= 220
    assert sum(len(conversations[h]) for h in HALVES) >= 30
    for half in HALVES:
        assert {i.expected.kind for i in items[half]} == set(KINDS), half
        for conversation in conversations[half]:
            assert 2 <= len(conversation.turns) <= 6, conversation.id
            assert not conversation.turns[0].context, conversation.id
    assert any(t.context for h in HALVES for c in conversations[h] for t in c.turns)


def test_every_label_is_valid(
    items: dict[str, list[Item]],
    conversations: dict[str, list[Conversation]],
    knowledge: KnowledgeSet,
) -> None:
    reply_types = {t.value for t in ReplyType}
    for where, expected in every_label(items, conversations):
        assert expected.kind in KINDS, where
        assert set(expected.also) <= reply_types, where
        assert expected.kind not in expected.also, where
        if expected.kind == "answer":
            assert expected.topics, where
            assert set(expected.topics) <= set(knowledge.topics), where
        else:
            assert not expected.topics, where
        if expected.kind == "red_flag":
            assert expected.urgencies, where
            assert set(expected.urgencies) <= set(URGENCIES), where
        else:
            assert not expected.urgencies, where
        assert (expected.language is not None) == (expected.kind == "fallback"), where


def test_every_item_names_its_source(
    items: dict[str, list[Item]], conversations: dict[str, list[Conversation]]
) -> None:
    sources = [i.source for h in HALVES for i in items[h]]
    sources += [c.source for h in HALVES for c in conversations[h]]
    for source in sources:
        assert re.fullmatch(r"https?://[^\s/]+\.[^\s/]+/\S*", source), source


def test_the_halves_are_split_by_id_and_do_not_overlap(
    items: dict[str, list[Item]], conversations: dict[str, list[Conversation]]
) -> None:
    ids = [i.id for h in HALVES for i in items[h]] + [
        c.id for h in HALVES for c in conversations[h]
    ]
    assert len(ids) == len(set(ids))
    for half in HALVES:
        assert all(half_of(i.id) == half for i in items[half])
        assert all(half_of(c.id) == half for c in conversations[half])
    texts = {
        half: {fold(i.text) for i in items[half]}
        | {fold(t.text) for c in conversations[half] for t in c.turns}
        for half in HALVES
    }
    assert not texts["dev"] & texts["test"]


def test_the_split_is_stable() -> None:
    # The half comes from the id's SHA-256, so it never depends on the order or the other items.
    assert [half_of(f"rl-{n:03d}") for n in (1, 2, 3, 4)] == ["test", "dev", "dev", "test"]


def training_texts() -> list[str]:
    return [
        fold(m.get("text"))
        for path in sorted((PROJECT_ROOT / "data" / "nlu").glob("*.yml"))
        for m in load_data(str(path)).intent_examples
    ]


def near(text: str, others: list[str]) -> str | None:
    """Return a text of ``others`` equal or nearly equal to ``text``, if any."""
    matcher = difflib.SequenceMatcher(b=text, autojunk=False)
    for other in others:
        matcher.set_seq1(other)
        if (
            matcher.real_quick_ratio() >= NEAR_RATIO
            and matcher.quick_ratio() >= NEAR_RATIO
            and matcher.ratio() >= NEAR_RATIO
        ):
            return other
    return None


def test_no_evaluation_message_is_in_the_training_data(
    items: dict[str, list[Item]], conversations: dict[str, list[Conversation]]
) -> None:
    training = training_texts()
    assert len(training) > 1000
    evaluation = {fold(i.text) for h in HALVES for i in items[h]}
    evaluation |= {fold(t.text) for h in HALVES for c in conversations[h] for t in c.turns}
    leaked = {text: twin for text in evaluation if (twin := near(text, training))}
    assert not leaked, leaked


def test_near_copies_are_caught() -> None:
    assert near(fold("Can I do  Pilates with IBM?"), ["can i do pilates with ibm"])
    assert near(fold("can i do pilates with my IBM"), ["can i do pilates with ibm?"])
    assert near(fold("can i do tai chi with ibm?"), ["can i do pilates with ibm?"]) is None
