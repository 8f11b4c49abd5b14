"""The domain service the actions call: find the best entries for a question, compose the reply."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.compose import STARTER_TOPICS, Composer, Reply
from bot.db import engine_for
from bot.knowledge import repository
from bot.knowledge.index import KnowledgeIndex, Query
from bot.knowledge.schema import SUBTYPES, Entry, KnowledgeSet
from bot.knowledge.vocabulary import read_vocabulary
from bot.nlp.analyzer import Analyzer
from bot.routing import Router
from bot.settings import Settings
from bot.volunteer_hours import VolunteerHours

# A further entry joins the best one only when it scores at least this share of the best score.
SECOND_ENTRY_SHARE = 0.5


def composer_for(knowledge: KnowledgeSet, settings: Settings) -> Composer:
    """The composer of ``knowledge`` with this deployment's contacts (no index, so no spaCy)."""
    router = Router(
        read_vocabulary(settings.knowledge_dir / "vocabulary.yml"),
        {t.id: t.claims for t in knowledge.topics.values()},
    )
    contacts = {
        "emergency_number": settings.emergency_number,
        "crisis_line": settings.crisis_line,
    }
    return Composer(knowledge, router, contacts)


@dataclass
class Guide:
    """Answers questions from the in-memory knowledge index."""

    knowledge: KnowledgeSet
    index: KnowledgeIndex
    router: Router
    composer: Composer
    hours: VolunteerHours
    max_entries: int = 2

    @classmethod
    def from_settings(cls, settings: Settings) -> Guide:
        """Build the guide from the database named in ``settings`` (a blocking, start-up step)."""
        knowledge = repository.read(engine_for(settings.database_url))
        if not knowledge.entries:
            raise RuntimeError(
                f"the knowledge base at {settings.database_url} is empty: "
                "run 'python -m bot kb load'"
            )
        return cls.from_knowledge(knowledge, settings)

    @classmethod
    def from_knowledge(cls, knowledge: KnowledgeSet, settings: Settings) -> Guide:
        """Build the guide from knowledge already in memory."""
        composer = composer_for(knowledge, settings)
        index = KnowledgeIndex(knowledge, Analyzer.from_path(settings.spacy_pipeline))
        hours = VolunteerHours.parse(settings.volunteer_hours, settings.volunteer_timezone)
        return cls(
            knowledge, index, composer.router, composer, hours, settings.max_entries_per_answer
        )

    def select(self, query: Query) -> list[Entry]:
        """Return the entries that best answer ``query``: the best one, and close runners-up.

        If nothing in the topic applies to the user's subtype, the general ranking is used, so a
        question is always answered rather than blocked.
        """
        ranked = self.index.search(query, limit=self.max_entries)
        if not ranked and query.subtype:
            ranked = self.index.search(Query(query.text, query.topic), limit=self.max_entries)
        if not ranked:
            return []
        best = ranked[0].score
        return [ranked[0].entry] + [
            r.entry for r in ranked[1:] if best > 0 and r.score >= SECOND_ENTRY_SHARE * best
        ]

    def answer(self, topic: str, text: str = "", subtype: str | None = None) -> Reply:
        """Compose the answer to ``text`` about ``topic`` for someone with ``subtype``.

        With the subtype unknown, subtypes that have entries of their own here are offered as
        buttons to tailor the answer.
        """
        entries = self.select(Query(text, topic, subtype))
        tailor: list[str] = []
        if subtype is None:
            in_topic = self.knowledge.entries_of(topic)
            specific = [s for s in SUBTYPES if any(s in e.subtypes for e in in_topic)]
            # A topic about one subtype only (IBM, JDM, IMNM) has nothing to tailor.
            if len(specific) > 1 or any(e.is_general for e in in_topic):
                tailor = specific
        return self.composer.answer(topic, entries, tailor)

    def fallback(
        self,
        ranked_intents: Sequence[str],
        entities: Mapping[str, str],
        last_topic: str | None,
        previous_stage: int | None,
    ) -> Reply:
        """The two-stage fallback: suggest the two likeliest topics, then offer a volunteer."""
        if previous_stage is not None:
            return self.composer.second_fallback()
        topics = [self.router.topic_for(i, entities, last_topic) for i in ranked_intents]
        # The two likeliest topics, topped up from the starter topics when the ranking has fewer.
        suggestions = list(dict.fromkeys(t for t in [*topics, *STARTER_TOPICS] if t))[:2]
        return self.composer.fallback(suggestions)

    def ask_human(self, now: datetime) -> Reply:
        """Answer a request for a person: when someone will reply, and where urgent help is."""
        return self.composer.ask_human(
            self.hours.is_open(now), self.hours.describe(), self.hours.describe_opening(now)
        )
