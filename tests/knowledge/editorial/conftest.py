"""A loaded knowledge base with console accounts: an editor and two reviewers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from bot.console.accounts import Role, add_account
from bot.console.migrate import migrate
from bot.knowledge import repository
from bot.knowledge.editorial import service
from bot.knowledge.schema import KnowledgeSet

PASSWORD = "correct horse battery"
ENTRY = "tai-chi-overview"
TOPIC = "tai_chi"
# Plain, short, and true to the entry's sources: a rewording an editor might propose.
NEW_ANSWER = (
    "Tai chi is slow, gentle movement. No study in our sources tested it in myositis. "
    "If you try it, start slowly and rest when you need to."
)


@dataclass(frozen=True)
class People:
    """The console accounts of the editorial tests."""

    editor: int
    reviewer: int
    second_reviewer: int


@pytest.fixture
def people(engine: Engine, knowledge: KnowledgeSet) -> People:
    """Load the knowledge base into ``engine`` (SQLite, then PostgreSQL) and add the accounts."""
    migrate(engine)
    repository.load(engine, knowledge)
    with engine.begin() as conn:
        ids = [
            add_account(conn, f"{name}@example.org", PASSWORD, Role.ADMIN, name.title()).id
            for name in ("edith", "rita", "rob")
        ]
    return People(*ids)


def current_fields(engine: Engine, entry_id: str = ENTRY) -> dict[str, Any]:
    """The editable fields of an entry as published now."""
    current = service.current_entry(engine, entry_id)
    assert current is not None
    return {name: current[name] for name in service.EDITABLE_FIELDS}


def submitted(
    engine: Engine, author: int, changes: Mapping[str, Any], entry_id: str = ENTRY
) -> service.Draft:
    """A draft of ``entry_id`` with ``changes``, submitted for review."""
    fields = {**current_fields(engine, entry_id), **changes}
    draft = service.start_draft(engine, author, entry_id, TOPIC, fields)
    return service.submit(engine, draft.id, author)
