"""The draft workflow: write, submit, send back, approve; every step a compare-and-set.

Each step changes the draft only from the status (and lock version) it was read in, so when two
people act on one draft at once exactly one succeeds and the other gets `Conflict`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection, Engine, RowMapping

from bot.console.accounts import get_account
from bot.knowledge import tables as kb
from bot.knowledge.editorial import publishing, tables
from bot.knowledge.editorial.model import (
    Conflict,
    Draft,
    DraftInvalid,
    DraftStatus,
    EditorialError,
    NotAllowed,
    Problem,
    Version,
)
from bot.knowledge.editorial.validation import check_fields, entry_id_for, normalise
from bot.knowledge.schema import Entry

EDITABLE = (DraftStatus.DRAFT, DraftStatus.SENT_BACK)


def _draft(row: RowMapping) -> Draft:
    return Draft(
        id=row["id"],
        entry_id=row["entry_id"],
        is_new=row["is_new"],
        topic=row["topic"],
        fields=row["fields"],
        base_version=row["base_version"],
        author_id=row["author_id"],
        status=DraftStatus(row["status"]),
        comment=row["comment"],
        reviewer_id=row["reviewer_id"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        lock_version=row["lock_version"],
    )


def read_draft(conn: Connection, draft_id: int) -> Draft | None:
    """Return one draft, or None if there is no such draft."""
    row = conn.execute(select(tables.drafts).where(tables.drafts.c.id == draft_id)).mappings()
    found = row.first()
    return _draft(found) if found is not None else None


def list_drafts(conn: Connection, status: DraftStatus | None, author_id: int | None) -> list[Draft]:
    """Return drafts, newest change first, optionally of one status or author."""
    query = select(tables.drafts).order_by(tables.drafts.c.updated_at.desc())
    if status is not None:
        query = query.where(tables.drafts.c.status == status.value)
    if author_id is not None:
        query = query.where(tables.drafts.c.author_id == author_id)
    return [_draft(row) for row in conn.execute(query).mappings()]


def _valid_entry(conn: Connection, entry_id: str, topic: str, fields: Mapping[str, Any]) -> Entry:
    result, entry = check_fields(conn, entry_id, topic, fields)
    if entry is None:
        raise DraftInvalid(result.problems)
    return entry


def start(
    engine: Engine, author_id: int, entry_id: str | None, topic: str, fields: Mapping[str, Any]
) -> Draft:
    """Start a draft of an entry (``entry_id`` None: a new entry, given an id from its answer)."""
    with engine.begin() as conn:
        entry_id = entry_id_for(conn, entry_id, topic, fields)
        current = conn.execute(
            select(kb.entries.c.version).where(kb.entries.c.id == entry_id)
        ).scalar()
        _valid_entry(conn, entry_id, topic, fields)
        now = time.time()
        values = {
            "entry_id": entry_id,
            "is_new": current is None,
            "topic": topic,
            "fields": normalise(fields),
            "base_version": current,
            "author_id": author_id,
            "status": DraftStatus.DRAFT.value,
            "comment": "",
            "reviewer_id": None,
            "created_at": now,
            "updated_at": now,
            "lock_version": 1,
        }
        draft_id = conn.execute(insert(tables.drafts).values(**values)).inserted_primary_key[0]
        return _get(conn, int(draft_id))


def _change(
    conn: Connection, draft: Draft, expected: tuple[DraftStatus, ...], **values: Any
) -> Draft:
    """Apply ``values`` if the draft is still as read; else raise Conflict."""
    now = time.time()
    result = conn.execute(
        update(tables.drafts)
        .where(
            tables.drafts.c.id == draft.id,
            tables.drafts.c.lock_version == draft.lock_version,
            tables.drafts.c.status.in_([s.value for s in expected]),
        )
        .values(updated_at=now, lock_version=draft.lock_version + 1, **values)
    )
    if result.rowcount != 1:
        raise Conflict("someone else changed this draft first: reload it to see what they did")
    if "status" in values:
        values["status"] = DraftStatus(values["status"])
    return replace(draft, updated_at=now, lock_version=draft.lock_version + 1, **values)


def _get(conn: Connection, draft_id: int) -> Draft:
    draft = read_draft(conn, draft_id)
    if draft is None:
        raise EditorialError(f"there is no draft {draft_id}")
    return draft


def _own(draft: Draft, author_id: int) -> None:
    if draft.author_id != author_id:
        raise NotAllowed("only the author may change or submit a draft")
    if draft.status not in EDITABLE:
        raise Conflict(f"the draft is {draft.status.value.replace('_', ' ')}, not open for edits")


def save(
    engine: Engine, draft_id: int, author_id: int, fields: Mapping[str, Any], lock_version: int
) -> Draft:
    """Save the author's new wording, refused if the form was stale or the draft moved on."""
    with engine.begin() as conn:
        draft = _get(conn, draft_id)
        _own(draft, author_id)
        if draft.lock_version != lock_version:
            raise Conflict("the draft was saved elsewhere since this form was opened: reload it")
        _valid_entry(conn, draft.entry_id, draft.topic, fields)
        return _change(conn, draft, EDITABLE, fields=normalise(fields))


def submit(engine: Engine, draft_id: int, author_id: int) -> Draft:
    """Send the draft to the review queue (checked again: the sources may have changed)."""
    with engine.begin() as conn:
        draft = _get(conn, draft_id)
        _own(draft, author_id)
        _valid_entry(conn, draft.entry_id, draft.topic, draft.fields)
        return _change(conn, draft, EDITABLE, status=DraftStatus.SUBMITTED.value)


def _reviewable(draft: Draft, reviewer_id: int) -> None:
    if draft.author_id == reviewer_id:
        raise NotAllowed("a draft must be reviewed by someone other than its author")
    if draft.status is not DraftStatus.SUBMITTED:
        raise Conflict(f"the draft is {draft.status.value.replace('_', ' ')}: already decided")


def send_back(engine: Engine, draft_id: int, reviewer_id: int, comment: str) -> Draft:
    """Return the draft to its author with the reviewer's comment (required)."""
    if not comment.strip():
        raise DraftInvalid((Problem("comment", "say what should change"),))
    with engine.begin() as conn:
        draft = _get(conn, draft_id)
        _reviewable(draft, reviewer_id)
        return _change(
            conn,
            draft,
            (DraftStatus.SUBMITTED,),
            status=DraftStatus.SENT_BACK.value,
            comment=comment.strip(),
            reviewer_id=reviewer_id,
        )


def approve(
    engine: Engine, draft_id: int, reviewer_id: int, next_review: date, reason: str
) -> Version:
    """Publish the draft: the reviewer's sign-off, with the date it is due for review again."""
    with engine.connect() as conn:
        draft = _get(conn, draft_id)
    _reviewable(draft, reviewer_id)
    with engine.begin() as conn:
        # The compare-and-set comes first: SQLite then takes its write lock before any read.
        _change(
            conn,
            draft,
            (DraftStatus.SUBMITTED,),
            status=DraftStatus.PUBLISHED.value,
            reviewer_id=reviewer_id,
        )
        entry = _valid_entry(conn, draft.entry_id, draft.topic, draft.fields)
        reviewer = get_account(conn, reviewer_id)
        signed = replace(
            entry,
            reviewed=date.today(),
            reviewed_by=(reviewer.display_name or reviewer.email) if reviewer else None,
            next_review=next_review,
        )
        return publishing.publish(
            conn,
            signed,
            draft.base_version,
            author_id=draft.author_id,
            reviewer_id=reviewer_id,
            reason=reason.strip() or "approved",
        )
