"""Every published version is kept, and any entry can be rolled back to an earlier one."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.engine import Engine

from bot.knowledge.editorial import service
from tests.knowledge.editorial.conftest import ENTRY, NEW_ANSWER, People, submitted


def test_a_rollback_publishes_the_old_wording_as_a_new_version(
    engine: Engine, people: People
) -> None:
    original = service.current_entry(engine, ENTRY)
    assert original is not None
    draft = submitted(engine, people.editor, {"answer": NEW_ANSWER})
    service.approve(engine, draft.id, people.reviewer, dt.date(2027, 6, 1), "plainer")
    before = service.published_version(engine)

    version = service.rollback(engine, ENTRY, 1, people.reviewer, "the charity asked")

    assert version.version == 3
    assert version.reason == "rolled back to version 1: the charity asked"
    live = service.current_entry(engine, ENTRY)
    assert live is not None
    assert live["answer"] == original["answer"]
    assert live["version"] == 3
    assert [v.version for v in service.versions(engine, ENTRY)] == [3, 2, 1]
    assert service.versions(engine, ENTRY)[1].content["answer"] == NEW_ANSWER
    assert service.published_version(engine) == before + 1


def test_rolling_back_to_the_live_or_a_missing_version_is_refused(
    engine: Engine, people: People
) -> None:
    with pytest.raises(service.EditorialError, match="live one already"):
        service.rollback(engine, ENTRY, 1, people.reviewer, "")
    with pytest.raises(service.EditorialError, match="no version 7"):
        service.rollback(engine, ENTRY, 7, people.reviewer, "")
