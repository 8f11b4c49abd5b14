"""Drafts are checked like the files, reviewed by someone else, and published as a new version."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy.engine import Engine

from bot.knowledge import repository
from bot.knowledge.editorial import service
from tests.knowledge.editorial.conftest import (
    ENTRY,
    NEW_ANSWER,
    TOPIC,
    People,
    current_fields,
    submitted,
)

NEXT_REVIEW = dt.date(2027, 6, 1)


def test_an_invalid_draft_is_refused_with_its_fields_named(engine: Engine, people: People) -> None:
    fields = {**current_fields(engine), "answer": "One sentence only.", "sources": ["nope"]}

    with pytest.raises(service.DraftInvalid) as refused:
        service.start_draft(engine, people.editor, ENTRY, TOPIC, fields)

    named = {p.field: p.message for p in refused.value.problems}
    assert named["answer"] == "must be 2-4 sentences, has 1"
    assert named["sources"] == "unknown study id 'nope' (not in sources.yml)"
    assert service.drafts(engine) == []


def test_a_draft_for_nobody_names_the_subtypes_field(engine: Engine, people: People) -> None:
    fields = {**current_fields(engine), "subtypes": []}

    check = service.check(engine, ENTRY, TOPIC, fields)

    assert [p.field for p in check.problems] == ["subtypes"]
    with pytest.raises(service.DraftInvalid) as refused:
        service.start_draft(engine, people.editor, ENTRY, TOPIC, fields)
    assert [p.field for p in refused.value.problems] == ["subtypes"]


def test_the_live_check_shows_the_reading_limits(engine: Engine, people: People) -> None:
    hard = (
        "Investigations demonstrated statistically significant improvements in mitochondrial "
        "enzyme activity. Participants tolerated the intervention."
    )
    result = service.check(engine, ENTRY, TOPIC, {**current_fields(engine), "answer": hard})

    assert not result.ok
    answer = [p.message for p in result.problems if p.field == "answer"]
    assert any(m.startswith("grade") for m in answer)
    assert "'mitochondrial' is not explained" in answer
    shown = result.as_dict()
    assert shown["ok"] is False
    assert shown["answer_grade"] > 10
    assert shown["answer_words"] == 13
    assert {"field": "answer", "message": "'mitochondrial' is not explained"} in shown["problems"]
    plain = service.check(engine, ENTRY, TOPIC, {**current_fields(engine), "answer": NEW_ANSWER})
    assert plain.ok, plain.problems


def test_a_form_sends_lists_as_text(engine: Engine, people: People) -> None:
    fields = {**current_fields(engine), "sources": "use-it-or-lose-it\n", "keywords": "a, b"}
    draft = service.start_draft(engine, people.editor, ENTRY, TOPIC, fields)
    assert draft.fields["sources"] == ["use-it-or-lose-it"]
    assert draft.fields["keywords"] == ["a", "b"]


def test_a_reviewed_draft_is_published(engine: Engine, people: People) -> None:
    before = service.published_version(engine)
    draft = submitted(engine, people.editor, {"answer": NEW_ANSWER})
    assert service.drafts(engine, service.DraftStatus.SUBMITTED) == [draft]

    version = service.approve(engine, draft.id, people.reviewer, NEXT_REVIEW, "plainer wording")

    assert (version.entry_id, version.version) == (ENTRY, 2)
    assert (version.author_id, version.reviewer_id) == (people.editor, people.reviewer)
    assert version.reason == "plainer wording"
    assert version.next_review == NEXT_REVIEW
    live = service.current_entry(engine, ENTRY)
    assert live is not None
    assert (live["answer"], live["version"], live["reviewed_by"]) == (NEW_ANSWER, 2, "Rita")
    assert live["next_review"] == NEXT_REVIEW.isoformat()
    assert live["reviewed"] == dt.date.today().isoformat()
    assert [v.version for v in service.versions(engine, ENTRY)] == [2, 1]
    assert service.published_version(engine) == before + 1
    stored = repository.read(engine)
    assert stored.version == before + 1
    assert next(e for e in stored.entries if e.id == ENTRY).answer == NEW_ANSWER
    published = service.get_draft(engine, draft.id)
    assert published is not None
    assert published.status is service.DraftStatus.PUBLISHED


def test_nobody_approves_their_own_draft(engine: Engine, people: People) -> None:
    draft = submitted(engine, people.editor, {"answer": NEW_ANSWER})
    with pytest.raises(service.NotAllowed):
        service.approve(engine, draft.id, people.editor, NEXT_REVIEW, "mine")
    with pytest.raises(service.NotAllowed):
        service.send_back(engine, draft.id, people.editor, "mine")
    assert service.versions(engine, ENTRY)[0].version == 1


def test_only_the_author_edits_and_submits(engine: Engine, people: People) -> None:
    fields = {**current_fields(engine), "answer": NEW_ANSWER}
    draft = service.start_draft(engine, people.editor, ENTRY, TOPIC, fields)
    with pytest.raises(service.NotAllowed):
        service.save_draft(engine, draft.id, people.reviewer, fields, draft.lock_version)
    with pytest.raises(service.NotAllowed):
        service.submit(engine, draft.id, people.reviewer)


def test_a_save_from_a_stale_form_is_refused(engine: Engine, people: People) -> None:
    fields = {**current_fields(engine), "answer": NEW_ANSWER}
    draft = service.start_draft(engine, people.editor, ENTRY, TOPIC, fields)
    saved = service.save_draft(engine, draft.id, people.editor, fields, draft.lock_version)
    assert saved.lock_version == draft.lock_version + 1

    with pytest.raises(service.Conflict):
        service.save_draft(engine, draft.id, people.editor, fields, draft.lock_version)


def test_a_sent_back_draft_returns_to_its_author(engine: Engine, people: People) -> None:
    draft = submitted(engine, people.editor, {"answer": NEW_ANSWER})
    with pytest.raises(service.DraftInvalid) as refused:
        service.send_back(engine, draft.id, people.reviewer, "  ")
    assert refused.value.problems[0].field == "comment"

    back = service.send_back(engine, draft.id, people.reviewer, "Say what tai chi is first.")

    assert back.status is service.DraftStatus.SENT_BACK
    assert (back.comment, back.reviewer_id) == ("Say what tai chi is first.", people.reviewer)
    with pytest.raises(service.Conflict):
        service.approve(engine, draft.id, people.reviewer, NEXT_REVIEW, "too late")
    fields = {**current_fields(engine), "answer": NEW_ANSWER}
    service.save_draft(engine, draft.id, people.editor, fields, back.lock_version)
    again = service.submit(engine, draft.id, people.editor)
    assert again.status is service.DraftStatus.SUBMITTED
    assert service.drafts(engine, author_id=people.editor) == [again]


def test_a_draft_of_an_entry_changed_since_is_a_conflict(engine: Engine, people: People) -> None:
    first = submitted(engine, people.editor, {"answer": NEW_ANSWER})
    stale = submitted(engine, people.editor, {"keywords": ["tai chi", "qigong"]})
    service.approve(engine, first.id, people.reviewer, NEXT_REVIEW, "plainer")

    with pytest.raises(service.Conflict, match="changed since"):
        service.approve(engine, stale.id, people.reviewer, NEXT_REVIEW, "keywords")

    live = service.current_entry(engine, ENTRY)
    assert live is not None
    assert (live["answer"], live["version"]) == (NEW_ANSWER, 2)
    left = service.get_draft(engine, stale.id)
    assert left is not None
    assert left.status is service.DraftStatus.SUBMITTED


def test_two_reviewers_racing_one_wins(engine: Engine, people: People) -> None:
    draft = submitted(engine, people.editor, {"answer": NEW_ANSWER})
    start = threading.Barrier(2)

    def decide(reviewer: int) -> service.Version | service.Conflict:
        start.wait()
        try:
            return service.approve(engine, draft.id, reviewer, NEXT_REVIEW, f"by {reviewer}")
        except service.Conflict as lost:
            return lost

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(decide, (people.reviewer, people.second_reviewer)))

    won = [r for r in results if isinstance(r, service.Version)]
    lost = [r for r in results if isinstance(r, service.Conflict)]
    assert (len(won), len(lost)) == (1, 1)
    assert [v.version for v in service.versions(engine, ENTRY)] == [2, 1]
    published = service.get_draft(engine, draft.id)
    assert published is not None
    assert published.reviewer_id == won[0].reviewer_id


def test_a_new_entry_joins_its_topic(engine: Engine, people: People) -> None:
    fields = {**current_fields(engine), "keywords": ["qigong"]}
    draft = service.start_draft(engine, people.editor, None, TOPIC, fields)
    assert draft.is_new
    assert draft.base_version is None
    assert draft.entry_id.startswith("tai-chi-a-tai-chi")
    service.submit(engine, draft.id, people.editor)

    version = service.approve(engine, draft.id, people.reviewer, NEXT_REVIEW, "new entry")

    assert version.version == 1
    stored = repository.read(engine)
    topic = [e.id for e in stored.entries_of(TOPIC)]
    assert topic[-1] == draft.entry_id
    after = stored.entries[stored.entries.index(stored.entries_of(TOPIC)[-1]) + 1]
    assert after.topic != TOPIC, "the new entry comes last in its topic, before the next topic"
