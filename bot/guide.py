"""The domain service the actions call: find the best entries for a question, compose the reply."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.compose import STARTER_TOPICS, Composer, Reply
from bot.db import engine_for
from bot.follow_up import points_back
from bot.knowledge import repository
from bot.knowledge.index import KnowledgeIndex, Query
from bot.knowledge.schema import SUBTYPES, Entry, KnowledgeSet
from bot.knowledge.uncovered import UncoveredSubjects, read_uncovered
from bot.knowledge.vocabulary import read_vocabulary
from bot.nlp.analyzer import Analyzer
from bot.routing import COARSE_TOPICS, TOPIC_INTENTS, Question, Router
from bot.settings import Settings
from bot.volunteer_hours import VolunteerHours

# A further entry joins the best one only when it scores at least this share of the best score.
SECOND_ENTRY_SHARE = 0.5


def composer_for(knowledge: KnowledgeSet, settings: Settings) -> Composer:
    """The composer of ``knowledge`` with this deployment's contacts (no index, so no spaCy)."""
    router = Router(
        read_vocabulary(settings.knowledge_dir / "vocabulary.yml"),
        {t.id: t.claims for t in knowledge.topics.values()},
        {
            t: frozenset(s for e in knowledge.entries_of(t) for s in e.subtypes)
            for t in knowledge.topics
        },
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
    uncovered: UncoveredSubjects
    max_entries: int = 2

    @classmethod
    def from_settings(cls, settings: Settings, analyzer: Analyzer | None = None) -> Guide:
        """Build the guide from the database named in ``settings`` (blocking: run in a thread).

        ``analyzer`` is the spaCy pipeline of a guide built before, so a rebuild after a publish
        takes a second rather than reloading the model.
        """
        knowledge = repository.read(engine_for(settings.database_url))
        if not knowledge.entries:
            raise RuntimeError(
                f"the knowledge base at {settings.database_url} is empty: "
                "run 'python -m bot kb load'"
            )
        return cls.from_knowledge(knowledge, settings, analyzer)

    @classmethod
    def from_knowledge(
        cls, knowledge: KnowledgeSet, settings: Settings, analyzer: Analyzer | None = None
    ) -> Guide:
        """Build the guide from knowledge already in memory (loading spaCy unless given)."""
        composer = composer_for(knowledge, settings)
        analyzer = analyzer or Analyzer.from_path(settings.spacy_pipeline)
        index = KnowledgeIndex(knowledge, analyzer)
        hours = VolunteerHours.parse(settings.volunteer_hours, settings.volunteer_timezone)
        uncovered = UncoveredSubjects(
            read_uncovered(settings.knowledge_dir / "uncovered.yml"), analyzer.nlp
        )
        return cls(
            knowledge,
            index,
            composer.router,
            composer,
            hours,
            uncovered,
            settings.max_entries_per_answer,
        )

    def select(self, query: Query) -> list[Entry]:
        """Return the entries that best answer ``query``: the best one, and close runners-up."""
        ranked = self.index.search(query, limit=self.max_entries)
        if not ranked:
            return []
        best = ranked[0].score
        return [ranked[0].entry] + [
            r.entry for r in ranked[1:] if best > 0 and r.score >= SECOND_ENTRY_SHARE * best
        ]

    def resolve(self, topic: str, text: str, subtype: str | None) -> tuple[str, list[Entry]]:
        """Return the topic that answers and its entries, so that every question gets an answer.

        A topic may have nothing written for the user's subtype (strength training has no entry
        for JDM). Then the subtype's own topic answers if it has a fitting entry (a child's
        strength training is covered under JDM); failing that, the topic's entries for other
        groups answer, which is what someone asking about that topic by name wants (the IBM
        topic for a person with PM).
        """
        entries = self.select(Query(text, topic, subtype))
        if entries:
            return topic, entries
        own = self.router.vocabulary.topic_for("myositis_type", subtype)
        if own and own != topic:
            entries = self.select(Query(text, own, subtype))
            if entries:
                return own, entries
        return topic, self.select(Query(text, topic, None, detect_subtype=False))

    def answer(
        self, topic: str, text: str = "", subtype: str | None = None, also: Sequence[str] = ()
    ) -> Reply:
        """Compose the answer to ``text`` about ``topic`` for someone with ``subtype``.

        With the subtype unknown, subtypes that have entries of their own here are offered as
        buttons to tailor the answer. ``also`` holds the topics of the message's other questions,
        offered as buttons. The reply's payload names the topic that answered.
        """
        topic, entries = self.resolve(topic, text, subtype)
        tailor: list[str] = []
        if subtype is None:
            in_topic = self.knowledge.entries_of(topic)
            specific = [s for s in SUBTYPES if any(s in e.subtypes for e in in_topic)]
            # A topic about one subtype only (IBM, JDM, IMNM) has nothing to tailor.
            if len(specific) > 1 or any(e.is_general for e in in_topic):
                tailor = specific
        return self.composer.answer(topic, entries, tailor, subtype, also)

    def question_topic(self, question: Question, likely_intents: Collection[str]) -> str | None:
        """The topic of one question of a message that asks several, if it shows one.

        The question's own deciding word first (see `Router.deciding_topic`). Failing that, the
        topic of the knowledge entry that best matches its words, but only when the classifier
        also gave that topic's intent a fair chance: both must agree, so that a stray word does
        not add a button. A broad question that points back ("Can I swim? Is it ok for DM?")
        asks about the question before it, so it is no question apart.
        """
        named = self.router.deciding_topic(question)
        if named:
            return named
        likely = {TOPIC_INTENTS[i] for i in likely_intents if i in TOPIC_INTENTS}
        ranked = self.index.search(Query(question.text), limit=1)
        if not ranked or ranked[0].score <= 0 or ranked[0].entry.topic not in likely:
            return None
        topic = ranked[0].entry.topic
        return None if topic in COARSE_TOPICS and points_back(question.text) else topic

    def not_covered(self, question: str, message: str) -> Reply | None:
        """The "our sources don't cover this" reply if ``question`` asks about such a subject.

        Checked before any topic answers, so that a question the sources leave out gets an honest
        referral and a volunteer, not the nearest topic's general answer. ``message`` is the
        whole text, for subjects that a story sentence can set ("I have lung disease. Can I
        hike?").
        """
        subject = self.uncovered.find(question, message)
        return None if subject is None else self.composer.not_covered(subject)

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
