"""The files stay the source of truth: `kb export` writes what was published; `kb load` guards."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from sqlalchemy.engine import Engine

from bot.cli import main
from bot.console.accounts import Role, add_account
from bot.console.migrate import migrate
from bot.db import engine_for
from bot.knowledge import repository
from bot.knowledge.editorial import service
from bot.knowledge.files import read_knowledge
from bot.settings import sqlite_url
from tests.knowledge.editorial.conftest import (
    ENTRY,
    NEW_ANSWER,
    PASSWORD,
    TOPIC,
    current_fields,
    submitted,
)


@pytest.fixture
def loaded(knowledge_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """A database loaded by `kb load` from a copy of the knowledge folder."""
    url = sqlite_url(tmp_path / "files.db")
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("KNOWLEDGE_DIR", str(knowledge_copy))
    assert main(["kb", "load"]) == 0
    engine = engine_for(url)
    migrate(engine)
    return engine


def _publish(engine: Engine) -> None:
    with engine.begin() as conn:
        editor = add_account(conn, "edith@example.org", PASSWORD, Role.ADMIN, "Edith").id
        reviewer = add_account(conn, "rita@example.org", PASSWORD, Role.ADMIN, "Rita").id
    draft = submitted(engine, editor, {"answer": NEW_ANSWER})
    service.approve(engine, draft.id, reviewer, dt.date(2027, 6, 1), "plainer")


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.yml"))}


def test_load_then_export_leaves_the_files_as_they_were(
    loaded: Engine, knowledge_copy: Path
) -> None:
    before = _files(knowledge_copy)
    assert main(["kb", "export"]) == 0
    assert _files(knowledge_copy) == before


def test_export_writes_what_was_published(loaded: Engine, knowledge_copy: Path) -> None:
    before = _files(knowledge_copy)
    _publish(loaded)

    assert main(["kb", "export"]) == 0

    after = _files(knowledge_copy)
    changed = {name for name in after if after[name] != before[name]}
    assert changed == {f"entries/{TOPIC}.yml"}
    document = yaml.safe_load(after[f"entries/{TOPIC}.yml"])
    written = next(e for e in document["entries"] if e["id"] == ENTRY)
    assert written["answer"] == NEW_ANSWER
    assert (written["version"], written["reviewed_by"]) == (2, "Rita")
    assert written["next_review"] == dt.date(2027, 6, 1)
    entries = {e.id: e for e in read_knowledge(knowledge_copy).entries}
    assert entries[ENTRY].answer == NEW_ANSWER
    # Loading the exported files brings nothing new: the database already holds them.
    version = service.published_version(loaded)
    report = repository.load(loaded, read_knowledge(knowledge_copy))
    assert (report.added, report.updated, report.removed) == (0, 0, 0)
    assert service.published_version(loaded) == version


def test_load_refuses_to_overwrite_newer_published_content(
    loaded: Engine, knowledge_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    original = service.current_entry(loaded, ENTRY)
    assert original is not None
    _publish(loaded)
    capsys.readouterr()

    assert main(["kb", "load"]) == 1

    said = capsys.readouterr().err
    assert "kb export" in said
    assert "--force" in said
    live = service.current_entry(loaded, ENTRY)
    assert live is not None
    assert live["answer"] == NEW_ANSWER

    assert main(["kb", "load", "--force"]) == 0
    live = service.current_entry(loaded, ENTRY)
    assert live is not None
    assert live["answer"] == original["answer"]
    # The discarded wording stays in the history; the files' wording is the newest version.
    assert [v.version for v in service.versions(loaded, ENTRY)] == [3, 2, 1]
    assert main(["kb", "load"]) == 0


def test_a_new_entry_is_exported_at_the_end_of_its_topic(
    loaded: Engine, knowledge_copy: Path
) -> None:
    with loaded.begin() as conn:
        editor = add_account(conn, "edith@example.org", PASSWORD, Role.ADMIN, "Edith").id
        reviewer = add_account(conn, "rita@example.org", PASSWORD, Role.ADMIN, "Rita").id
    fields = {**current_fields(loaded), "answer": NEW_ANSWER, "keywords": ["qigong: slow moves"]}
    draft = service.start_draft(loaded, editor, None, TOPIC, fields)
    service.submit(loaded, draft.id, editor)
    service.approve(loaded, draft.id, reviewer, dt.date(2027, 6, 1), "a new entry")

    assert main(["kb", "export"]) == 0

    exported = read_knowledge(knowledge_copy)
    assert [e.id for e in exported.entries_of(TOPIC)][-1] == draft.entry_id
    added = exported.entries_of(TOPIC)[-1]
    assert (added.answer, added.keywords) == (NEW_ANSWER, ("qigong: slow moves",))
    report = repository.load(loaded, exported)
    assert (report.added, report.updated, report.removed) == (0, 0, 0)
