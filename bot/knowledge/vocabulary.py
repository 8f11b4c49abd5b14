"""The vocabulary: entity values, the words people use for them, and the topics they point to."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.knowledge.schema import KnowledgeError, Problem

ENTITY_LABELS = ("exercise_type", "professional", "myositis_type", "body_part", "concern")


@dataclass(frozen=True)
class Term:
    """One canonical entity value and the phrases that mean it."""

    label: str
    value: str
    phrases: tuple[str, ...]
    topic: str | None

    def is_case_sensitive(self, phrase: str) -> bool:
        """Short capital abbreviations (PM, DM, PT) match only as written, so "3pm" is not PM."""
        return phrase.isupper() and len(phrase) <= 4


@dataclass(frozen=True)
class Vocabulary:
    """Every term, by entity label and canonical value."""

    terms: Mapping[str, Mapping[str, Term]]

    def __iter__(self) -> Iterator[Term]:
        for by_value in self.terms.values():
            yield from by_value.values()

    def topic_for(self, label: str, value: str | None) -> str | None:
        """Return the topic a canonical value points to, if any."""
        term = self.terms.get(label, {}).get(value or "")
        return term.topic if term else None

    def value_for_topic(self, label: str, topic: str) -> str | None:
        """Return the canonical value of ``label`` whose topic is ``topic``."""
        return next((t.value for t in self.terms.get(label, {}).values() if t.topic == topic), None)

    def synonyms(self) -> dict[str, dict[str, str]]:
        """Map each label's lower-cased phrases to their canonical values."""
        return {
            label: {p.lower(): t.value for t in by_value.values() for p in t.phrases}
            for label, by_value in self.terms.items()
        }


def read_vocabulary(path: Path) -> Vocabulary:
    """Read and check ``vocabulary.yml``.

    Raises:
        KnowledgeError: when a label, value or phrase list is malformed, or a phrase is ambiguous.
    """
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    problems: list[Problem] = []
    terms: dict[str, dict[str, Term]] = {}
    owner: dict[str, str] = {}
    for label in ENTITY_LABELS:
        values = raw.get(label)
        if not isinstance(values, dict) or not values:
            problems.append(Problem(path.name, label, None, "missing or empty entity label"))
            continue
        terms[label] = {}
        for value, spec in values.items():
            phrases = spec.get("phrases") if isinstance(spec, dict) else None
            if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
                problems.append(Problem(path.name, f"{label}.{value}", "phrases", "must be a list"))
                continue
            for phrase in phrases:
                key = f"{label}:{phrase.lower()}"
                if key in owner and owner[key] != value:
                    problems.append(
                        Problem(
                            path.name,
                            f"{label}.{value}",
                            "phrases",
                            f"'{phrase}' also means '{owner[key]}'",
                        )
                    )
                owner[key] = value
            terms[label][value] = Term(label, value, tuple(phrases), spec.get("topic"))
    if problems:
        raise KnowledgeError(problems)
    return Vocabulary(terms)
