"""The editorial service: the only module the console calls for content governance.

Every function blocks on the database; the console calls them through ``asyncio.to_thread``.
Roles are the console's business: the service enforces only that an author edits their own
draft and that nobody approves their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.knowledge import repository
from bot.knowledge import tables as kb
from bot.knowledge.editorial import drafts as workflow
from bot.knowledge.editorial import history, publishing
from bot.knowledge.editorial.content import entry_content, entry_from_content
from bot.knowledge.editorial.due import due_items, next_review
from bot.knowledge.editorial.model import (
    EDITABLE_FIELDS,
    Check,
    Conflict,
    Draft,
    DraftInvalid,
    DraftStatus,
    DueItem,
    EditorialError,
    NotAllowed,
    Problem,
    Version,
)
from bot.knowledge.editorial.state import published_version
from bot.knowledge.editorial.validation import check_fields, entry_id_for
from bot.knowledge.schema import Entry
from bot.settings import load_settings

__all__ = [
    "EDITABLE_FIELDS",
    "Check",
    "Conflict",
    "Draft",
    "DraftInvalid",
    "DraftStatus",
    "DueItem",
    "EditorialError",
    "NotAllowed",
    "Problem",
    "Version",
    "approve",
    "check",
    "current_entry",
    "drafts",
    "due_for_review",
    "get_draft",
    "published_version",
    "review_dates",
    "rollback",
    "save_draft",
    "send_back",
    "start_draft",
    "submit",
    "versions",
]

start_draft = workflow.start
save_draft = workflow.save
submit = workflow.submit
send_back = workflow.send_back
approve = workflow.approve


def check(engine: Engine, entry_id: str | None, topic: str, fields: Mapping[str, Any]) -> Check:
    """Check a draft as the editor types (``entry_id`` None: a new entry)."""
    with engine.connect() as conn:
        return check_fields(conn, entry_id_for(conn, entry_id, topic, fields), topic, fields)[0]


def get_draft(engine: Engine, draft_id: int) -> Draft | None:
    """Return one draft, or None."""
    with engine.connect() as conn:
        return workflow.read_draft(conn, draft_id)


def drafts(
    engine: Engine, status: DraftStatus | None = None, author_id: int | None = None
) -> list[Draft]:
    """Return drafts, most recently changed first (the review queue: status SUBMITTED)."""
    with engine.connect() as conn:
        return workflow.list_drafts(conn, status, author_id)


def versions(engine: Engine, entry_id: str) -> list[Version]:
    """Return every published version of an entry, newest first."""
    with engine.connect() as conn:
        return history.versions_of(conn, entry_id)


def current_entry(engine: Engine, entry_id: str) -> Mapping[str, Any] | None:
    """Return the live wording of an entry with its ``version``, or None if there is none."""
    with engine.connect() as conn:
        row = conn.execute(select(kb.entries).where(kb.entries.c.id == entry_id)).first()
    if row is None:
        return None
    entry = repository.entry_from_row(row)
    return {
        **entry_content(entry),
        "version": entry.version,
        "review_due": review_dates([entry])[entry.id].isoformat(),
    }


def review_dates(entries: Iterable[Entry]) -> dict[str, date]:
    """When each entry is next due for review, set at approval or by REVIEW_INTERVAL_DAYS.

    One rule for every page: an entry loaded from the files with no date set is due a review
    interval after it was last reviewed, as the due-for-review list counts it.
    """
    interval = load_settings().review_interval_days
    return {e.id: next_review(e.reviewed, e.next_review, interval) for e in entries}


def rollback(engine: Engine, entry_id: str, to_version: int, user_id: int, reason: str) -> Version:
    """Publish the wording of an earlier version again, as a new version.

    Raises:
        EditorialError: there is no such version, or it is the live one already.
        Conflict: someone published the entry at the same moment.
    """
    with engine.begin() as conn:
        old = next(
            (v for v in history.versions_of(conn, entry_id) if v.version == to_version), None
        )
        if old is None:
            raise EditorialError(f"entry '{entry_id}' has no version {to_version}")
        current = conn.execute(
            select(kb.entries.c.version).where(kb.entries.c.id == entry_id)
        ).scalar()
        if current == to_version:
            raise EditorialError(f"version {to_version} is the live one already")
        return publishing.publish(
            conn,
            entry_from_content(old.content, to_version, 0),
            current,
            author_id=user_id,
            reviewer_id=user_id,
            reason=f"rolled back to version {to_version}: {reason.strip()}".rstrip(": "),
        )


def due_for_review(engine: Engine, today: date, within_days: int = 30) -> list[DueItem]:
    """Return entries past or near their review date, or with a high thumbs-down share."""
    settings = load_settings()
    with engine.connect() as conn:
        knowledge = repository.read(engine)
        return due_items(
            conn,
            knowledge,
            today,
            within_days,
            interval_days=settings.review_interval_days,
            feedback_days=settings.console_queue_days,
        )
