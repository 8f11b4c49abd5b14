"""How hard patient-facing text is to read, and the limits the knowledge base keeps to.

People often read the answers on a phone, at a stressful moment, so every limit here is checked by
the tests and shown by ``python -m bot kb stats``. The grade is Flesch-Kincaid as computed by
textstat 0.7.3 (no downloaded data), so the figures are the same on every machine.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import textstat

# The limits, in one place so the tests, the stats command and any editor show the same ones.
ANSWER_MAX_GRADE = 10.0
ANSWER_MEDIAN_MAX_GRADE = 8.0
ANSWER_MAX_WORDS = 75
DETAIL_MAX_GRADE = 10.0
MESSAGE_MAX_GRADE = 8.0
SENTENCE_MAX_WORDS = 24

# Medical words an answer may use only when it explains them in the same answer: the word, then a
# phrase of the plain explanation that must appear with it.
EXPLAINED_TERMS: Mapping[str, str] = {
    "CK": "blood test",
    "disease activity": "how active",
    "aerobic": "breath",
    "randomised": "by chance",
    "blood flow restriction": "cuff",
    "blood-flow restriction": "cuff",
    "speech pathologist": "swallow",
}
# Words too technical for an answer at all: say what they mean instead.
BANNED_TERMS = (
    "IMACS",
    "VO2",
    "mmHg",
    "isometric",
    "glucocorticoid",
    "mitochondrial",
    "lactate",
    "aldolase",
    "SF-36",
    "repetition maximum",
)

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’%-]*")


@dataclass(frozen=True)
class Readability:
    """The reading figures of one text."""

    grade: float
    words: int
    longest_sentence: int


def sentences(text: str) -> list[str]:
    """Split text into sentences at closing punctuation followed by a new sentence."""
    return [s for s in _SENTENCE.split(" ".join(text.split())) if s]


def word_count(text: str) -> int:
    """Count words the way a reader sees them (numbers count, punctuation does not)."""
    return len(_WORD.findall(text))


def measure(text: str) -> Readability:
    """Return the Flesch-Kincaid grade, word count and longest sentence of ``text``."""
    return Readability(
        grade=float(textstat.flesch_kincaid_grade(text)),
        words=word_count(text),
        longest_sentence=max((word_count(s) for s in sentences(text)), default=0),
    )


def median_grade(figures: Iterable[Readability]) -> float:
    """Return the median grade of several texts."""
    return float(statistics.median(f.grade for f in figures))


def unexplained_terms(text: str) -> list[str]:
    """Return the medical words ``text`` uses without their plain explanation."""
    missing = [
        term
        for term, explanation in EXPLAINED_TERMS.items()
        if _has(text, term) and explanation.lower() not in text.lower()
    ]
    return missing + [term for term in BANNED_TERMS if _has(text, term)]


def answer_problems(text: str) -> list[str]:
    """Return why an answer is too hard to read, or nothing when it keeps every limit."""
    problems = _limit_problems(text, ANSWER_MAX_GRADE, ANSWER_MAX_WORDS)
    problems.extend(f"'{term}' is not explained" for term in unexplained_terms(text))
    return problems


def detail_problems(text: str) -> list[str]:
    """Return why a detail (the "Tell me more" text) is too hard to read, or nothing."""
    return _limit_problems(text, DETAIL_MAX_GRADE, max_words=None)


def _limit_problems(text: str, max_grade: float, max_words: int | None) -> list[str]:
    """Return the limits ``text`` breaks: grade, length (when limited) and sentence length."""
    figures = measure(text)
    problems = []
    if figures.grade > max_grade:
        problems.append(f"grade {figures.grade} is above {max_grade}")
    if max_words is not None and figures.words > max_words:
        problems.append(f"{figures.words} words, more than {max_words}")
    if figures.longest_sentence > SENTENCE_MAX_WORDS:
        problems.append(
            f"a sentence of {figures.longest_sentence} words, more than {SENTENCE_MAX_WORDS}"
        )
    return problems


def _has(text: str, term: str) -> bool:
    return re.search(rf"(?<![A-Za-z]){re.escape(term)}(?![A-Za-z])", text) is not None
