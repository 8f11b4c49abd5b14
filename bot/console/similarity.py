"""Groups questions that say the same thing, by the overlap of their spaCy lemmas.

Lemmas (and the vocabulary's canonical entities, so "swimming" meets "hydrotherapy") come from
the project's analyser; two questions are alike when the Jaccard index of their sets reaches a
threshold. Clustering is greedy: each question joins the first group whose first question is
alike, most frequent questions first, so groups are stable and explainable.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.nlp.analyzer import Analyzer

DEFAULT_THRESHOLD = 0.5


@dataclass
class Cluster:
    """Questions alike enough to answer once: the most asked first."""

    lemmas: frozenset[str]
    questions: Counter[str] = field(default_factory=Counter)

    @property
    def size(self) -> int:
        """How many times a question of this group was asked."""
        return sum(self.questions.values())

    @property
    def example(self) -> str:
        """The question asked most often in the group."""
        return self.questions.most_common(1)[0][0]


def lemma_set(analyzer: Analyzer, text: str) -> frozenset[str]:
    """The lemmas and canonical entities of ``text`` (adjacent pairs left out)."""
    return frozenset(t for t in analyzer.analyse(text).terms if "=" in t or "_" not in t)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Shared terms over all terms; two empty sets are not alike."""
    union = a | b
    return len(a & b) / len(union) if union else 0.0


def cluster(
    analyzer: Analyzer, texts: Iterable[str], threshold: float = DEFAULT_THRESHOLD
) -> list[Cluster]:
    """Group ``texts`` by similarity, the biggest group first."""
    counts = Counter(" ".join(t.split()) for t in texts if t.strip())
    groups: list[Cluster] = []
    for text, count in counts.most_common():
        lemmas = lemma_set(analyzer, text)
        home = next(
            (g for g in groups if text in g.questions or jaccard(g.lemmas, lemmas) >= threshold),
            None,
        )
        if home is None:
            home = Cluster(lemmas)
            groups.append(home)
        home.questions[text] += count
    return sorted(groups, key=lambda g: -g.size)
