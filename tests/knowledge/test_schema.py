"""A bad entry fails the load with a clear message and leaves the database as it was."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import create_engine, select

from bot.cli import main
from bot.knowledge import tables
from bot.knowledge.files import read_knowledge
from bot.knowledge.schema import KnowledgeError
from bot.settings import sqlite_url

Edit = Callable[[dict[str, Any]], None]


def _first_entry(doc: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = doc["entries"][0]
    return entry


def _edit_entries(folder: Path, name: str, edit: Edit) -> str:
    path = folder / "entries" / f"{name}.yml"
    doc = yaml.safe_load(path.read_text())
    edit(doc)
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
    return str(_first_entry(doc).get("id"))


BAD_ENTRIES: dict[str, tuple[str, Edit, str]] = {
    "missing answer": ("answer", lambda d: _first_entry(d).pop("answer"), "missing"),
    "missing sources": ("sources", lambda d: _first_entry(d).pop("sources"), "missing"),
    "missing evidence": ("evidence", lambda d: _first_entry(d).pop("evidence"), "missing"),
    "unknown study": (
        "sources",
        lambda d: _first_entry(d).update(sources=["smith-2099"]),
        "unknown study id 'smith-2099'",
    ),
    "unknown subtype": (
        "subtypes",
        lambda d: _first_entry(d).update(subtypes=["XYZ"]),
        "unknown subtype 'XYZ'",
    ),
    "bad date": ("reviewed", lambda d: _first_entry(d).update(reviewed="soon"), "must be a date"),
    "one sentence": (
        "answer",
        lambda d: _first_entry(d).update(answer="Exercise is good."),
        "must be 2-4 sentences",
    ),
    "unknown field": ("sorces", lambda d: _first_entry(d).update(sorces=["x"]), "unknown field"),
    "bad next review": (
        "next_review",
        lambda d: _first_entry(d).update(next_review="next year"),
        "must be a date",
    ),
    "version zero": (
        "version",
        lambda d: _first_entry(d).update(version=0),
        "must be a whole number of at least 1",
    ),
}


def test_an_exported_entry_keeps_its_version_reviewer_and_review_date(
    knowledge_copy: Path,
) -> None:
    exported = {"version": 3, "reviewed_by": "Rita Reviewer", "next_review": "2027-06-01"}
    eid = _edit_entries(knowledge_copy, "pilates", lambda d: _first_entry(d).update(exported))

    entry = next(e for e in read_knowledge(knowledge_copy).entries if e.id == eid)

    assert (entry.version, entry.reviewed_by) == (3, "Rita Reviewer")
    assert entry.next_review == date(2027, 6, 1)


@pytest.mark.parametrize("case", sorted(BAD_ENTRIES))
def test_bad_entry_is_named_by_file_entry_and_field(knowledge_copy: Path, case: str) -> None:
    field, edit, message = BAD_ENTRIES[case]
    entry_id = _edit_entries(knowledge_copy, "pilates", edit)
    with pytest.raises(KnowledgeError) as error:
        read_knowledge(knowledge_copy)
    problems = [str(p) for p in error.value.problems]
    assert len(problems) == 1, problems
    assert problems[0].startswith(
        f"knowledge/entries/pilates.yml: entry '{entry_id}': field '{field}'"
    )
    assert message in problems[0]


def test_unknown_topic_is_named(knowledge_copy: Path) -> None:
    (knowledge_copy / "entries" / "pilates.yml").rename(knowledge_copy / "entries" / "yoga.yml")
    doc = yaml.safe_load((knowledge_copy / "entries" / "yoga.yml").read_text())
    doc["topic"] = "yoga"
    (knowledge_copy / "entries" / "yoga.yml").write_text(yaml.safe_dump(doc))
    with pytest.raises(KnowledgeError) as error:
        read_knowledge(knowledge_copy)
    messages = [str(p) for p in error.value.problems]
    assert (
        "knowledge/entries/yoga.yml: field 'topic': unknown topic 'yoga' (not in topics.yml)"
        in messages
    )
    assert "entries/pilates.yml: topic has no entries" in messages


def test_duplicate_id_names_both_files(knowledge_copy: Path) -> None:
    taken = yaml.safe_load((knowledge_copy / "entries" / "tai_chi.yml").read_text())
    taken_id = _first_entry(taken)["id"]
    _edit_entries(knowledge_copy, "pilates", lambda d: _first_entry(d).update(id=taken_id))
    with pytest.raises(KnowledgeError) as error:
        read_knowledge(knowledge_copy)
    (problem,) = error.value.problems
    assert (problem.entry, problem.field) == (taken_id, "id")
    assert "duplicate id" in problem.message
    assert {problem.file, problem.message.rsplit(" ", 1)[-1]} == {
        "knowledge/entries/pilates.yml",
        "knowledge/entries/tai_chi.yml",
    }


def test_invalid_yaml_is_reported(knowledge_copy: Path) -> None:
    (knowledge_copy / "entries" / "pilates.yml").write_text("topic: pilates\nentries: [\n")
    with pytest.raises(KnowledgeError, match=r"knowledge/entries/pilates.yml: not valid YAML"):
        read_knowledge(knowledge_copy)


def test_failed_load_leaves_database_unchanged(
    knowledge_copy: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = sqlite_url(tmp_path / "kb.db")
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("KNOWLEDGE_DIR", str(knowledge_copy))
    assert main(["kb", "load"]) == 0
    engine = create_engine(url, future=True)
    with engine.connect() as conn:
        before = conn.execute(select(tables.entries).order_by(tables.entries.c.id)).all()

    # One good change and one bad entry: neither may reach the database.
    _edit_entries(knowledge_copy, "tai_chi", lambda d: _first_entry(d).update(evidence="Changed."))
    _edit_entries(knowledge_copy, "pilates", lambda d: _first_entry(d).update(sources=["nope"]))
    capsys.readouterr()
    assert main(["kb", "load"]) == 1
    assert "unknown study id 'nope'" in capsys.readouterr().err

    with engine.connect() as conn:
        after = conn.execute(select(tables.entries).order_by(tables.entries.c.id)).all()
    assert after == before


def test_knowledge_readme_lists_every_topic(knowledge_copy: Path) -> None:
    readme = (knowledge_copy / "README.md").read_text()
    topics = yaml.safe_load((knowledge_copy / "topics.yml").read_text())["topics"]
    missing = [t["id"] for t in topics if f"`{t['id']}`" not in readme]
    assert not missing, f"add these topics to knowledge/README.md: {missing}"
