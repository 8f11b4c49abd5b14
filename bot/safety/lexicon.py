"""Reads knowledge/safety.yml: the warning signs, their urgency and the words people use."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import yaml

from bot.knowledge.schema import KnowledgeError, Problem

REGEX_PREFIX = "re:"


class Urgency(str, Enum):
    """How soon a warning sign needs medical contact (the triage levels of red-flags.yml)."""

    EMERGENCY = "emergency"
    SAME_DAY = "same_day"
    REVIEW = "review"

    @property
    def rank(self) -> int:
        """Higher is more urgent."""
        return {"emergency": 3, "same_day": 2, "review": 1}[self.value]


# A phrase is a sequence of lower-case lemmas; an element starting with "re:" is a regular
# expression matched against one token ("re:^1[6-9][0-9]/" for a high systolic reading).
Phrase = tuple[str, ...]


@dataclass(frozen=True)
class Expectation:
    """Patterns of a sign that describe something expected, not the sign, in some messages.

    They are set aside when the message has all the concepts of one of ``when`` and none of
    ``unless`` ("my legs ache a couple of days after, is that normal?" asks the pain topic's
    question; weakness or cramp there is still the sign).
    """

    patterns: tuple[tuple[str, ...], ...]
    when: tuple[tuple[str, ...], ...]
    unless: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sign:
    """One warning sign: its urgency, sources, and the concept combinations that reveal it."""

    id: str
    urgency: Urgency
    sources: tuple[str, ...]
    patterns: tuple[tuple[str, ...], ...]
    expected: tuple[Expectation, ...] = ()


@dataclass(frozen=True)
class Lexicon:
    """Everything the detector needs, as lemma phrases."""

    window: int
    concepts: Mapping[str, tuple[Phrase, ...]]
    # Concepts that join a pattern from anywhere in its sentence, not only within ``window``:
    # a time frame said once covers the whole sentence ("in the last two weeks I can't ...").
    sentence_wide: frozenset[str]
    # Concepts that say when a sign happened ("now", "since"), not what it is: a sign is in the
    # past when the clauses of its other parts are.
    time_markers: frozenset[str]
    signs: tuple[Sign, ...]
    crisis_patterns: tuple[tuple[str, ...], ...]
    crisis_sense: str
    medical_patterns: tuple[tuple[str, ...], ...]
    medical_unless: str
    # Medical questions that words about exercise do not turn into exercise questions (doses).
    medical_always: tuple[tuple[str, ...], ...]
    negation: tuple[Phrase, ...]
    history: tuple[Phrase, ...]
    # A past time that sets a whole sentence in the past when its sign is told in the past tense
    # and its clause says nothing of now.
    past_frame: tuple[Phrase, ...]
    past_told: tuple[Phrase, ...]
    present: tuple[Phrase, ...]
    resolution: tuple[Phrase, ...]
    hypothetical: tuple[Phrase, ...]
    # Dread is hypothetical only with a word for the future between it and the sign.
    dread: tuple[Phrase, ...]
    future: tuple[Phrase, ...]
    general: tuple[Phrase, ...]
    personal: tuple[Phrase, ...]
    idioms: tuple[Phrase, ...]
    # Times long ago that run up to now ("since my diagnosis", "for years"): a limitation they
    # date is the disease's course, so their "since" or "for" is no change; ignored like idioms.
    long_standing: tuple[Phrase, ...]
    # A sentence that opens with one of ``back_reference`` and says its subject is past or gone
    # ("that was months ago", "that's all gone now") settles the sentence before it, unless it
    # has one of ``recurrence`` ("... and it's back", "... but it started again") or, for a past
    # time, sets a ``good_state`` against now ("it was fine a few months ago").
    back_reference: tuple[Phrase, ...]
    recurrence: tuple[Phrase, ...]
    good_state: tuple[Phrase, ...]


def _phrases(name: str, words: list[object], problems: list[Problem]) -> tuple[Phrase, ...]:
    """Lower-cased word sequences; a non-string (YAML reads a bare `no` as False) is an error."""
    phrases: list[Phrase] = []
    for word in words:
        if not isinstance(word, str):
            problems.append(Problem("safety.yml", name, None, f"quote the entry {word!r}"))
        else:
            # Any word of a phrase may be a regular expression ("since re:^(monday|...)$").
            phrases.append(
                tuple(w if w.startswith(REGEX_PREFIX) else w.lower() for w in word.split())
            )
    return tuple(phrases)


def read_lexicon(path: Path, source_ids: set[str] | None = None) -> Lexicon:
    """Read and cross-check the safety lexicon.

    Raises:
        KnowledgeError: an entry is not text, or a sign uses an unknown concept, urgency or source.
    """
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    problems: list[Problem] = []
    concepts = {name: _phrases(name, words, problems) for name, words in raw["concepts"].items()}
    signs = []
    for spec in raw["signs"]:
        patterns = tuple(tuple(p) for p in spec["patterns"])
        expected = tuple(
            Expectation(
                tuple(tuple(p) for p in block["patterns"]),
                tuple(tuple(p) for p in block["when"]),
                tuple(block.get("unless", ())),
            )
            for block in spec.get("expected") or ()
        )
        if not {p for e in expected for p in e.patterns} <= set(patterns):
            problems.append(
                Problem(path.name, spec["id"], "expected", "names a pattern the sign does not have")
            )
        named = {c for p in patterns for c in p} | {
            c for e in expected for p in (*e.when, e.unless) for c in p
        }
        for concept in sorted(named - set(concepts)):
            problems.append(
                Problem(path.name, spec["id"], "patterns", f"unknown concept '{concept}'")
            )
        if spec["urgency"] not in {u.value for u in Urgency}:
            problems.append(Problem(path.name, spec["id"], "urgency", "unknown urgency"))
            continue
        for source in spec["sources"]:
            if source_ids is not None and source not in source_ids:
                problems.append(
                    Problem(path.name, spec["id"], "sources", f"unknown source '{source}'")
                )
        signs.append(
            Sign(
                spec["id"],
                Urgency(spec["urgency"]),
                tuple(spec["sources"]),
                patterns,
                expected,
            )
        )
    sentence_wide = frozenset(raw.get("sentence_wide") or ())
    time_markers = frozenset(raw.get("time_markers") or ())
    for key, names in (("sentence_wide", sentence_wide), ("time_markers", time_markers)):
        for concept in sorted(names - set(concepts)):
            problems.append(Problem(path.name, key, None, f"unknown concept '{concept}'"))
    cues = {
        key: _phrases(key, raw[key], problems)
        for key in (
            "negation",
            "history",
            "past_frame",
            "past_told",
            "present",
            "resolution",
            "hypothetical",
            "dread",
            "future",
            "general",
            "personal",
            "idioms",
            "long_standing",
            "back_reference",
            "recurrence",
            "good_state",
        )
    }
    if problems:
        raise KnowledgeError(problems)
    return Lexicon(
        window=int(raw["window"]),
        concepts=concepts,
        sentence_wide=sentence_wide,
        time_markers=time_markers,
        signs=tuple(signs),
        crisis_patterns=tuple(tuple(p) for p in raw["crisis"]["patterns"]),
        crisis_sense=str(raw["crisis"]["sense"]),
        medical_patterns=tuple(tuple(p) for p in raw["medical"]["patterns"]),
        medical_unless=str(raw["medical"]["unless"]),
        medical_always=tuple(tuple(p) for p in raw["medical"].get("always", ())),
        **cues,
    )
