"""The shapes of knowledge content, checked field by field so that a bad entry is named exactly."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

SUBTYPES = ("PM", "DM", "IBM", "JDM", "IMNM")
ALL_SUBTYPES = "all"
REQUIRED_DISCLAIMERS = ("consult_doctor", "pregnancy")
REQUIRED_MESSAGES = (
    "welcome",
    "fallback",
    "fallback_second",
    "something_else",
    "pass_to_volunteer",
    "tailor_PM",
    "tailor_DM",
    "tailor_IBM",
    "tailor_JDM",
    "tailor_IMNM",
    "medical",
    "red_flag_emergency",
    "red_flag_same_day",
    "red_flag_review",
    "crisis",
    "clarify_warning_sign",
    "clarify_emergency",
    "clarify_same_day",
    "clarify_review",
    "clarify_no",
    "ask_human_open",
    "ask_human_closed",
    "handoff_started",
    "volunteer_says",
    "handoff_ended",
    "delete_confirm",
    "delete_yes",
    "delete_no",
    "delete_done",
    "unavailable",
    "not_saved",
    "too_long",
    "slow_down",
    "small_talk_goodbye",
    "small_talk_thanks",
    "small_talk_bot_challenge",
    "small_talk_chitchat",
    "small_talk_affirm",
    "small_talk_deny",
    "small_talk_feedback",
    "off_topic",
    "other_language",
    "other_language_es",
    "other_language_fr",
    "other_language_de",
    "other_language_pt",
    "other_language_it",
    "greet_again",
    "tell_me_more",
    "also",
    "nothing_more",
    "all_sources",
    "not_studied_in_imnm",
    "not_covered",
)
# Messages written in another language (``other_language_es``...): an English reading formula
# says nothing about them, so they are kept short instead of graded.
TRANSLATED_MESSAGES = frozenset(
    k for k in REQUIRED_MESSAGES if re.fullmatch(r"other_language_[a-z]{2}", k)
)
_ID = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content, located as precisely as the content allows."""

    file: str
    entry: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.entry:
            where.append(f"entry '{self.entry}'")
        if self.field:
            where.append(f"field '{self.field}'")
        return f"{': '.join(where)}: {self.message}"


class KnowledgeError(Exception):
    """Raised when knowledge content is invalid; carries every problem found, not just the first."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Source:
    """A study, review or guidance page that answers cite."""

    id: str
    kind: str
    short: str
    citation: str
    url: str | None


@dataclass(frozen=True)
class Disclaimer:
    """A disclaimer the composer attaches to guidance, in full and compact wording."""

    id: str
    text: str
    compact: str
    reviewed: dt.date


@dataclass(frozen=True)
class Topic:
    """A knowledge topic: what a patient asks about, with the buttons that lead on from it."""

    id: str
    title: str
    button: str
    next: tuple[str, ...]
    claims: tuple[str, ...] = ()


@dataclass(frozen=True)
class Entry:
    """One curated answer."""

    id: str
    topic: str
    subtypes: tuple[str, ...]
    answer: str
    detail: str | None
    sources: tuple[str, ...]
    evidence: str
    reviewed: dt.date
    keywords: tuple[str, ...]
    position: int
    # Bumped by every publish in the console; 1 is what the YAML held before any edit there.
    version: int = 1
    # When a reviewer should look at it again (None: `reviewed` + REVIEW_INTERVAL_DAYS).
    next_review: dt.date | None = None
    reviewed_by: str | None = None

    def applies_to(self, subtype: str | None) -> bool:
        """Whether the entry holds for people with ``subtype`` (``None``: subtype unknown)."""
        return subtype is None or ALL_SUBTYPES in self.subtypes or subtype in self.subtypes

    @property
    def is_general(self) -> bool:
        """Whether the entry holds for every subtype."""
        return ALL_SUBTYPES in self.subtypes


Phrase = tuple[str, ...]
# A pattern matches when each of its groups has one of its phrases in the question.
Pattern = tuple[tuple[Phrase, ...], ...]


@dataclass(frozen=True)
class Subject:
    """A subject our sources leave out (knowledge/uncovered.yml): name, who to ask, its words."""

    id: str
    name: str
    ask: str
    when: tuple[Pattern, ...]
    unless: tuple[Phrase, ...]
    # Matched on the whole message, not only its question sentence: the story can set it.
    whole_message: bool
    reviewed: dt.date


@dataclass(frozen=True)
class KnowledgeSet:
    """Everything the knowledge base holds, validated and cross-checked."""

    topics: Mapping[str, Topic]
    entries: tuple[Entry, ...]
    sources: Mapping[str, Source]
    disclaimers: Mapping[str, Disclaimer]
    messages: Mapping[str, str]
    # The published version of the whole knowledge base (kb_state; 0: read from the files).
    version: int = 0

    def entries_of(self, topic: str) -> tuple[Entry, ...]:
        """Return the entries of one topic, in their curated order."""
        return tuple(e for e in self.entries if e.topic == topic)


class FieldReader:
    """Reads typed fields from one YAML mapping and records a Problem for each bad one."""

    def __init__(self, raw: Any, file: str, entry: str | None, problems: list[Problem]) -> None:
        self.file = file
        self.entry = entry
        self.problems = problems
        if not isinstance(raw, Mapping):
            self.fail(None, f"expected a mapping, got {type(raw).__name__}")
            raw = {}
        self.raw: Mapping[str, Any] = raw

    def fail(self, field: str | None, message: str) -> None:
        """Record a problem with ``field``."""
        self.problems.append(Problem(self.file, self.entry, field, message))

    def text(self, field: str, *, required: bool = True) -> str | None:
        """Return a non-empty string field."""
        value = self.raw.get(field)
        if value is None:
            if required:
                self.fail(field, "missing")
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(field, "must be non-empty text")
            return None
        return " ".join(value.split())

    def ident(self, field: str = "id") -> str | None:
        """Return an id field: lower-case words joined by '-' or '_'."""
        value = self.text(field)
        if value is not None and not _ID.match(value):
            self.fail(field, f"'{value}' is not an id (lower-case words joined by '-' or '_')")
            return None
        return value

    def strings(self, field: str, *, required: bool = True) -> tuple[str, ...] | None:
        """Return a list-of-strings field."""
        value = self.raw.get(field)
        if value is None:
            if required:
                self.fail(field, "missing")
                return None
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.fail(field, "must be a list of non-empty strings")
            return None
        return tuple(value)

    def date(self, field: str, *, required: bool = True) -> dt.date | None:
        """Return a date field written as YYYY-MM-DD."""
        value = self.raw.get(field)
        if value is None and not required:
            return None
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.fail(field, "missing" if value is None else "must be a date (YYYY-MM-DD)")
        return None

    def positive(self, field: str, default: int) -> int | None:
        """Return an optional whole-number field of at least 1."""
        value = self.raw.get(field, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.fail(field, "must be a whole number of at least 1")
            return None
        return value


def count_sentences(text: str) -> int:
    """Count sentences the way a reader would: by their closing punctuation."""
    return max(1, len(_SENTENCE_END.findall(text)))
