"""In-memory search over the knowledge base.

The content is small and read-only, so it is indexed once at start-up and every lookup is a few
dictionary reads (microseconds), never a database round trip. Ranking is BM25 over the lemmas of
each entry, its keywords and its topic's title; the topic narrows the candidates, the subtype
orders them, and ties break on the curated order, so the same question always gets the same
answer.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.knowledge.schema import Entry, KnowledgeSet
from bot.nlp.analyzer import Analyzer

K1 = 1.5
B = 0.75
# Field weights: a topic's title and an entry's keywords say what it is about more surely than
# words in passing.
TITLE_WEIGHT = 3
KEYWORD_WEIGHT = 2
SPECIFIC_WITHOUT_SUBTYPE_PENALTY = 1.0


def weighted(terms: Sequence[str], weight: int) -> Counter[str]:
    """Count ``terms`` as if each appeared ``weight`` times."""
    return Counter({term: count * weight for term, count in Counter(terms).items()})


@dataclass(frozen=True)
class Query:
    """What the user asked: a topic if the classifier found one, entities, and their words."""

    text: str = ""
    topic: str | None = None
    subtype: str | None = None
    # False: rank every entry of the topic, even when the text names a subtype (a last resort
    # when nothing in the topic is written for that subtype).
    detect_subtype: bool = True


@dataclass(frozen=True)
class Ranked:
    """An entry and its score for one query."""

    entry: Entry
    score: float


class KnowledgeIndex:
    """BM25 index over entry text, keywords and topic titles."""

    def __init__(self, knowledge: KnowledgeSet, analyzer: Analyzer) -> None:
        self.knowledge = knowledge
        self.analyzer = analyzer
        self._tf: dict[str, Counter[str]] = {}
        self._length: dict[str, int] = {}
        document_frequency: Counter[str] = Counter()
        titles = {
            topic.id: weighted(analyzer.analyse(topic.title).terms, TITLE_WEIGHT)
            for topic in knowledge.topics.values()
        }
        for entry in knowledge.entries:
            terms = Counter(analyzer.analyse(f"{entry.answer} {entry.detail or ''}").terms)
            terms.update(
                weighted(analyzer.analyse(" ; ".join(entry.keywords)).terms, KEYWORD_WEIGHT)
            )
            terms.update(titles[entry.topic])
            self._tf[entry.id] = terms
            self._length[entry.id] = sum(terms.values())
            document_frequency.update(terms.keys())
        count = max(1, len(knowledge.entries))
        self._average_length = sum(self._length.values()) / count
        self._idf = {
            term: math.log(1 + (count - df + 0.5) / (df + 0.5))
            for term, df in document_frequency.items()
        }

    def _bm25(self, entry: Entry, terms: Sequence[str]) -> float:
        tf = self._tf[entry.id]
        norm = K1 * (1 - B + B * self._length[entry.id] / self._average_length)
        return sum(
            self._idf.get(term, 0.0) * tf[term] * (K1 + 1) / (tf[term] + norm)
            for term in terms
            if term in tf
        )

    def search(self, query: Query, limit: int = 3) -> list[Ranked]:
        """Return the best entries for ``query``, best first.

        Entries that do not apply to the query's subtype are never returned. With a subtype,
        entries written for it always come first; without one, general entries are preferred.
        """
        analysis = self.analyzer.analyse(query.text) if query.text else None
        terms = analysis.terms if analysis else ()
        if query.subtype is None and query.detect_subtype and analysis is not None:
            named = [value for label, value in analysis.entities if label == "myositis_type"]
            query = Query(query.text, query.topic, named[0] if named else None)
        candidates = (
            self.knowledge.entries_of(query.topic) if query.topic else self.knowledge.entries
        )
        candidates = tuple(e for e in candidates if e.applies_to(query.subtype))
        # A word every candidate shares (the topic's own name, say) cannot tell them apart; left
        # in, it would rank them by length. Without it, ties fall back to the curated order.
        if len(candidates) > 1:
            terms = tuple(t for t in terms if not all(t in self._tf[e.id] for e in candidates))
        ranked = []
        for entry in candidates:
            score = self._bm25(entry, terms)
            if query.subtype is None and not entry.is_general:
                score -= SPECIFIC_WITHOUT_SUBTYPE_PENALTY
            ranked.append(Ranked(entry, score))
        ranked.sort(
            key=lambda r: (query.subtype not in r.entry.subtypes, -r.score, r.entry.position)
        )
        return ranked[:limit]
