"""A published change reaches the running action server's answers without a restart."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswer
from actions.runtime import get_guide, use_guide
from bot.console.accounts import Role, add_account
from bot.console.migrate import migrate
from bot.db import engine_for
from bot.guide import Guide
from bot.knowledge import repository
from bot.knowledge.editorial import service
from bot.knowledge.schema import KnowledgeSet
from bot.nlp.analyzer import Analyzer
from bot.settings import Settings, sqlite_url
from tests.actions.conftest import TrackerFactory
from tests.knowledge.editorial.conftest import ENTRY, NEW_ANSWER, PASSWORD, submitted


def _publish_new_answer(settings: Settings) -> None:
    engine = engine_for(settings.database_url)
    migrate(engine)
    with engine.begin() as conn:
        editor = add_account(conn, "edith@example.org", PASSWORD, Role.ADMIN).id
        reviewer = add_account(conn, "rita@example.org", PASSWORD, Role.ADMIN).id
    draft = submitted(engine, editor, {"answer": NEW_ANSWER})
    service.approve(engine, draft.id, reviewer, dt.date(2027, 6, 1), "plainer")


async def _ask_about_tai_chi(make_tracker: TrackerFactory) -> dict[str, Any]:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("ask_exercise_type", "is tai chi ok?", {"exercise_type": "tai_chi"})
    await ActionAnswer().run(dispatcher, tracker, {})
    (message,) = dispatcher.messages
    payload: dict[str, Any] = message["custom"]
    assert ENTRY in payload["entries"]
    return payload


def _served(
    tmp_path: Path, settings: Settings, knowledge: KnowledgeSet, analyzer: Analyzer, every: float
) -> Settings:
    """Load a database and serve the guide built from it, checking it every ``every`` seconds."""
    served = replace(
        settings, database_url=sqlite_url(tmp_path / "live.db"), kb_reload_seconds=every
    )
    repository.load(engine_for(served.database_url), knowledge)
    use_guide(Guide.from_settings(served, analyzer), served)
    return served


async def test_a_published_change_is_answered_without_a_restart(
    tmp_path: Path,
    settings: Settings,
    knowledge: KnowledgeSet,
    analyzer: Analyzer,
    make_tracker: TrackerFactory,
) -> None:
    served = _served(tmp_path, settings, knowledge, analyzer, every=0)
    before = await _ask_about_tai_chi(make_tracker)
    assert NEW_ANSWER not in before["body"]
    assert (before["entry_versions"][ENTRY], before["kb_version"]) == (1, 1)

    _publish_new_answer(served)
    after = await _ask_about_tai_chi(make_tracker)

    assert NEW_ANSWER in after["body"]
    assert (after["entry_versions"][ENTRY], after["kb_version"]) == (2, 2)
    assert (await get_guide()).index.analyzer is analyzer, "spaCy is reused, not reloaded"


async def test_the_database_is_asked_at_most_every_kb_reload_seconds(
    tmp_path: Path,
    settings: Settings,
    knowledge: KnowledgeSet,
    analyzer: Analyzer,
    make_tracker: TrackerFactory,
) -> None:
    served = _served(tmp_path, settings, knowledge, analyzer, every=3600)
    _publish_new_answer(served)

    payload = await _ask_about_tai_chi(make_tracker)

    assert NEW_ANSWER not in payload["body"]
    assert payload["kb_version"] == 1


async def test_answers_go_on_when_the_database_does_not_answer(
    tmp_path: Path,
    settings: Settings,
    knowledge: KnowledgeSet,
    analyzer: Analyzer,
    make_tracker: TrackerFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _served(tmp_path, settings, knowledge, analyzer, every=0)
    (tmp_path / "live.db").unlink()  # the next check finds no knowledge tables at all

    payload = await _ask_about_tai_chi(make_tracker)

    assert payload["type"] == "answer"
    assert payload["kb_version"] == 1
    assert "knowledge reload skipped" in caplog.text
