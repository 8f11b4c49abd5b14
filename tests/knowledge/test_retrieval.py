"""Free-text retrieval finds the right topic, and subtypes select the entries that apply."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.guide import Guide
from bot.knowledge.index import Query
from bot.knowledge.schema import KnowledgeSet

RAW: dict[str, list[str]] = yaml.safe_load(
    (Path(__file__).parent / "retrieval_cases.yml").read_text(encoding="utf-8")
)
CASES = {topic: [case.split(" -> ") for case in cases] for topic, cases in RAW.items()}


def test_every_topic_has_three_phrasings(knowledge: KnowledgeSet) -> None:
    assert set(CASES) == set(knowledge.topics)
    assert all(len(phrasings) >= 3 for phrasings in CASES.values())


@pytest.mark.parametrize(
    ("topic", "text", "expected"),
    [(topic, text, expected) for topic, cases in CASES.items() for text, expected in cases],
)
def test_finds_the_right_entry(guide: Guide, topic: str, text: str, expected: str) -> None:
    ranked = guide.index.search(Query(text=text, topic=topic), limit=3)
    assert next(r.entry.id for r in ranked) == expected, [
        (r.entry.id, round(r.score, 2)) for r in ranked
    ]


def test_search_is_deterministic(guide: Guide) -> None:
    query = Query(text="is exercise safe", topic="exercise_safety")
    first = [r.entry.id for r in guide.index.search(query, limit=5)]
    assert all([r.entry.id for r in guide.index.search(query, limit=5)] == first for _ in range(5))


@pytest.mark.parametrize("subtype", ["PM", "DM", "IBM", "JDM", "IMNM"])
def test_subtype_only_gets_entries_that_apply(
    guide: Guide, knowledge: KnowledgeSet, subtype: str
) -> None:
    for topic in knowledge.topics:
        for ranked in guide.index.search(Query(topic=topic, subtype=subtype), limit=10):
            assert ranked.entry.applies_to(subtype)


def test_subtype_specific_entries_come_first(guide: Guide) -> None:
    best = guide.index.search(Query(topic="exercise_safety", subtype="IBM"), limit=1)[0]
    assert best.entry.subtypes == ("IBM",)
    assert "mixed" in best.entry.answer or "smaller" in best.entry.answer


def test_general_entries_lead_without_a_subtype(guide: Guide, knowledge: KnowledgeSet) -> None:
    for topic in knowledge.topics:
        has_general = any(e.is_general for e in knowledge.entries_of(topic))
        best = guide.index.search(Query(topic=topic), limit=1)[0]
        assert best.entry.is_general or not has_general, topic


def test_lookup_runs_on_the_in_memory_index(guide: Guide) -> None:
    # The index holds its own term statistics: no database is consulted at query time.
    assert (
        guide.index.search(Query(text="hydrotherapy pool"), limit=1)[0].entry.topic
        == "hydrotherapy"
    )
