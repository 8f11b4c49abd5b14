"""The due-for-review list: past or near the review date, or voted down by the people asking."""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

from sqlalchemy.engine import Engine

from bot.knowledge import repository
from bot.knowledge.editorial import service
from bot.web.history import events
from tests.knowledge.editorial.conftest import ENTRY, NEW_ANSWER, People, submitted

# The files' entries were all reviewed on 2026-12-01 (+365 days: due 2027-12-01).
REVIEWED = dt.date(2026, 12, 1)


def _vote(engine: Engine, sender: str, rating: str, entry_id: str) -> None:
    """An answer from ``entry_id`` and the user's thumbs up or down, as Rasa stores them."""
    now = time.time()
    answered: dict[str, Any] = {
        "event": "bot",
        "text": "...",
        "timestamp": now,
        "data": {"custom": {"type": "answer", "topic": "tai_chi", "entries": [entry_id]}},
    }
    voted: dict[str, Any] = {
        "event": "user",
        "text": "/feedback",
        "timestamp": now + 1,
        "parse_data": {
            "intent": {"name": "feedback", "confidence": 1.0},
            "entities": [
                {"entity": "rating", "value": rating},
                {"entity": "entries", "value": entry_id},
            ],
        },
    }
    events.metadata.create_all(engine, tables=[events])
    with engine.begin() as conn:
        for data in (answered, voted):
            conn.execute(
                events.insert().values(
                    sender_id=sender,
                    type_name=data["event"],
                    timestamp=data["timestamp"],
                    data=json.dumps(data),
                )
            )


def test_entries_are_due_by_their_review_date(engine: Engine, people: People) -> None:
    count = len(repository.read(engine).entries)
    assert service.due_for_review(engine, REVIEWED + dt.timedelta(days=300)) == []

    near = service.due_for_review(engine, REVIEWED + dt.timedelta(days=340))
    assert len(near) == count
    assert {i.reason for i in near} == {"due within 30 days"}
    assert {i.next_review for i in near} == {REVIEWED + dt.timedelta(days=365)}

    late = service.due_for_review(engine, REVIEWED + dt.timedelta(days=400))
    assert {i.reason for i in late} == {"overdue"}


def test_an_approved_entry_is_due_on_the_date_the_reviewer_set(
    engine: Engine, people: People
) -> None:
    draft = submitted(engine, people.editor, {"answer": NEW_ANSWER})
    service.approve(engine, draft.id, people.reviewer, dt.date(2027, 2, 1), "plainer")

    due = service.due_for_review(engine, dt.date(2027, 1, 15))

    assert [(i.entry_id, i.title, i.next_review) for i in due] == [
        (ENTRY, "Tai chi", dt.date(2027, 2, 1))
    ]


def test_an_entry_voted_down_is_due(engine: Engine, people: People) -> None:
    for n, rating in enumerate(["down", "down", "down", "up", "up"]):
        _vote(engine, f"web:voter-{n}", rating, ENTRY)
    _vote(engine, "web:one-voter", "down", "tai-chi-getting-started")

    due = service.due_for_review(engine, REVIEWED + dt.timedelta(days=30))

    assert [(i.entry_id, i.reason) for i in due] == [(ENTRY, "thumbs-down 60% of 5 votes")]
