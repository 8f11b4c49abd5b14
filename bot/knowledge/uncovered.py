"""Subjects our sources do not cover, and how a question is matched to one (uncovered.yml).

The content review lists questions the knowledge base should decline, refer or pass to a volunteer
rather than answer with the nearest topic. They are data, so a reviewer adds a subject with its
words, and no code changes.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from bot.knowledge.schema import FieldReader, KnowledgeError, Pattern, Phrase, Problem, Subject

if TYPE_CHECKING:  # spaCy is imported by whoever builds the pipeline, not by the file reader
    from spacy.language import Language

FIELDS = frozenset({"id", "name", "ask", "when", "unless", "whole_message", "reviewed"})
# Words that deny what follows them closely: "no rash at all" names no rash.
NEGATIONS = frozenset({"no", "not", "without", "never"})
NEGATION_REACH = 2


class UncoveredSubjects:
    """Finds the uncovered subject a question asks about, by spelling or lemma of its words."""

    def __init__(self, subjects: Sequence[Subject], nlp: Language) -> None:
        self.subjects = tuple(subjects)
        self.nlp = nlp

    def find(self, question: str, message: str) -> Subject | None:
        """Return the first subject whose words the question uses, or None.

        The question sentence is read, not the story before it, except for a subject marked
        ``whole_message``, which the story can set.
        """
        if not message.strip():
            return None
        in_question = self._words(question)
        # The whole message is read only if a subject needs it, and then once.
        in_message = functools.cache(
            lambda: self._words(message) if message != question else in_question
        )
        for subject in self.subjects:
            words = in_message() if subject.whole_message else in_question
            if any(_has(words, p) for p in subject.unless):
                continue
            if any(all(any(_says(words, p) for p in group) for group in w) for w in subject.when):
                return subject
        return None

    def _words(self, text: str) -> list[frozenset[str]]:
        """Each token's spelling and lemma, lower-cased."""
        return [frozenset({t.lower_, t.lemma_.lower()}) for t in self.nlp(text)]


def _starts(words: Sequence[frozenset[str]], phrase: Phrase) -> list[int]:
    """Where ``phrase`` occurs in ``words``, each of its words matching one token's forms."""
    n = len(phrase)
    return [
        i for i in range(len(words) - n + 1) if all(phrase[j] in words[i + j] for j in range(n))
    ]


def _has(words: Sequence[frozenset[str]], phrase: Phrase) -> bool:
    """Whether ``phrase`` occurs in ``words``."""
    return bool(_starts(words, phrase))


def _says(words: Sequence[frozenset[str]], phrase: Phrase) -> bool:
    """Whether ``phrase`` occurs in ``words`` and no negation just before denies it.

    "our daughter has juvenile polymyositis, no rash at all" says nothing of a rash.
    """
    return any(
        not any(NEGATIONS & words[k] for k in range(max(0, i - NEGATION_REACH), i))
        for i in _starts(words, phrase)
    )


def read_uncovered(path: Path) -> tuple[Subject, ...]:
    """Read and check the uncovered subjects.

    Raises:
        KnowledgeError: naming the subject and field of every problem found.
    """
    file = path.name
    problems: list[Problem] = []
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw_subjects = document.get("subjects") if isinstance(document, dict) else None
    if not isinstance(raw_subjects, list) or not raw_subjects:
        raise KnowledgeError([Problem(file, None, "subjects", "must be a non-empty list")])
    subjects: dict[str, Subject] = {}
    for raw in raw_subjects:
        raw_id = raw.get("id") if isinstance(raw, dict) else None
        fields = FieldReader(raw, file, raw_id if isinstance(raw_id, str) else None, problems)
        for unknown in sorted(set(fields.raw) - FIELDS):
            fields.fail(unknown, "unknown field")
        sid, name, ask = fields.ident(), fields.text("name"), fields.text("ask")
        reviewed = fields.date("reviewed")
        when = _patterns(fields)
        unless = fields.strings("unless", required=False)
        whole_message = fields.raw.get("whole_message", False)
        if not isinstance(whole_message, bool):
            fields.fail("whole_message", "must be true or false")
        if sid in subjects:
            fields.fail("id", "duplicate subject id")
        elif sid and name and ask and reviewed and when and unless is not None:
            unless_phrases = tuple(_phrase(u) for u in unless)
            subjects[sid] = Subject(
                sid, name, ask, when, unless_phrases, whole_message is True, reviewed
            )
    if problems:
        raise KnowledgeError(problems)
    return tuple(subjects.values())


def _patterns(fields: FieldReader) -> tuple[Pattern, ...] | None:
    """The ``when`` field: a non-empty list of patterns, each a list of groups of phrases."""
    raw: Any = fields.raw.get("when")
    if not isinstance(raw, list) or not raw:
        fields.fail("when", "must be a non-empty list of patterns")
        return None
    patterns: list[Pattern] = []
    for pattern in raw:
        if (
            not isinstance(pattern, list)
            or not pattern
            or not all(
                isinstance(g, list) and g and all(isinstance(p, str) and p.strip() for p in g)
                for g in pattern
            )
        ):
            fields.fail("when", f"pattern {pattern!r} must be a list of lists of phrases")
            return None
        patterns.append(tuple(tuple(_phrase(p) for p in group) for group in pattern))
    return tuple(patterns)


def _phrase(text: str) -> Phrase:
    return tuple(text.lower().split())
