"""Loading is idempotent, applies updates and removals, and reads back what was loaded."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot.knowledge import repository
from bot.knowledge.schema import KnowledgeSet


def test_load_round_trips(engine: Engine, knowledge: KnowledgeSet) -> None:
    report = repository.load(engine, knowledge)
    total = (
        len(knowledge.entries)
        + len(knowledge.topics)
        + len(knowledge.sources)
        + 2
        + len(knowledge.messages)
    )
    assert report.added == total
    # The first load is the knowledge base's first published version.
    assert repository.read(engine) == replace(knowledge, version=1)


def test_second_load_changes_nothing(engine: Engine, knowledge: KnowledgeSet) -> None:
    repository.load(engine, knowledge)
    report = repository.load(engine, knowledge)
    assert (report.added, report.updated, report.removed) == (0, 0, 0)
    assert report.unchanged > len(knowledge.entries)


def test_changed_and_removed_entries_are_applied(engine: Engine, knowledge: KnowledgeSet) -> None:
    repository.load(engine, knowledge)
    first, second, *rest = knowledge.entries
    changed = replace(first, answer="A reworded answer. It has two sentences.")
    edited = replace(knowledge, entries=(changed, *rest))

    report = repository.load(engine, edited)

    assert (report.added, report.updated, report.removed) == (0, 1, 1)
    stored = repository.read(engine)
    # A change made in the files is a new version of the entry, like one made in the console.
    assert stored.entries == (replace(changed, version=2), *rest)
    assert second.id not in {e.id for e in stored.entries}
    assert stored.version == 2


def test_a_table_of_an_older_shape_is_rebuilt(engine: Engine, knowledge: KnowledgeSet) -> None:
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE kb_topics (id VARCHAR(64) PRIMARY KEY, title TEXT)"))
        conn.execute(text("INSERT INTO kb_topics VALUES ('old', 'Old topic')"))
    repository.load(engine, knowledge)
    assert repository.read(engine).topics == knowledge.topics
