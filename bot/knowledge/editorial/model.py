"""What the editorial service hands the console: drafts, versions, checks and its errors."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

# What an editor may change; id, topic and review dates are set by the workflow.
EDITABLE_FIELDS = ("answer", "detail", "sources", "evidence", "subtypes", "keywords")


class DraftStatus(str, Enum):
    """Where a draft is in the workflow: written, awaiting review, sent back or published."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    SENT_BACK = "sent_back"
    PUBLISHED = "published"


@dataclass(frozen=True)
class Problem:
    """One validation failure, named by the form field that must change."""

    field: str
    message: str


@dataclass(frozen=True)
class Check:
    """What the editor sees live while typing: the problems and the reading figures."""

    problems: tuple[Problem, ...]
    answer_grade: float | None
    detail_grade: float | None
    answer_words: int
    longest_sentence_words: int

    @property
    def ok(self) -> bool:
        """Whether the draft may be saved and submitted."""
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        """Return the check as JSON for the console's live view."""
        return {
            "ok": self.ok,
            "problems": [{"field": p.field, "message": p.message} for p in self.problems],
            "answer_grade": self.answer_grade,
            "detail_grade": self.detail_grade,
            "answer_words": self.answer_words,
            "longest_sentence_words": self.longest_sentence_words,
        }


@dataclass(frozen=True)
class Draft:
    """A proposed change to one entry (or a new entry), with where it is in the workflow."""

    id: int
    entry_id: str
    is_new: bool
    topic: str
    fields: Mapping[str, Any]
    base_version: int | None
    author_id: int
    status: DraftStatus
    comment: str
    reviewer_id: int | None
    created_at: float
    updated_at: float
    lock_version: int


@dataclass(frozen=True)
class Version:
    """One published version of an entry: who wrote and checked it, when and why."""

    entry_id: str
    version: int
    content: Mapping[str, Any]
    author_id: int | None
    reviewer_id: int | None
    published_at: float
    reason: str
    next_review: date | None


@dataclass(frozen=True)
class DueItem:
    """An entry a reviewer should look at again, and why."""

    entry_id: str
    title: str
    next_review: date | None
    reason: str


class EditorialError(Exception):
    """A workflow step that cannot happen; the message is written for the console user."""


class DraftInvalid(EditorialError):
    """The draft breaks the knowledge base's rules; each problem names its field."""

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))


class NotAllowed(EditorialError):
    """The user may not take this step (a reviewer approving their own draft, say)."""


class Conflict(EditorialError):
    """Someone else decided first, or the entry changed since the draft was started."""
