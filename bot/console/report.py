"""The common questions report: what people ask, what the assistant could not answer.

Everything is counted from Rasa's events, so the report needs no bookkeeping of its own.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy.engine import Connection

from bot.console.similarity import Cluster, cluster
from bot.console.transcript import Turn, turns_of
from bot.nlp.analyzer import Analyzer
from bot.web.history import StoredEvent, read_events


@dataclass
class Votes:
    """Thumbs up and down given to answers."""

    up: int = 0
    down: int = 0

    @property
    def share_up(self) -> float:
        """The share of votes that were thumbs-up."""
        total = self.up + self.down
        return self.up / total if total else 0.0


@dataclass
class Report:
    """The figures of the report for one period."""

    topics_by_week: dict[str, Counter[str]] = field(default_factory=dict)
    replies: int = 0
    fallbacks: int = 0
    warning_signs: int = 0
    crises: int = 0
    feedback_by_topic: dict[str, Votes] = field(default_factory=lambda: defaultdict(Votes))
    feedback_by_entry: dict[str, Votes] = field(default_factory=lambda: defaultdict(Votes))
    # The title of the topic each entry was answered under, to show beside the entry.
    entry_topics: dict[str, str] = field(default_factory=dict)
    unanswered: list[Cluster] = field(default_factory=list)

    @property
    def fallback_rate(self) -> float:
        """The share of the user's messages the assistant did not understand."""
        return self.fallbacks / self.replies if self.replies else 0.0

    @property
    def top_topics(self) -> list[tuple[str, int]]:
        """Topics answered over the whole period, most asked first."""
        total: Counter[str] = Counter()
        for counts in self.topics_by_week.values():
            total.update(counts)
        return total.most_common()


def week_of(timestamp: float) -> str:
    """The ISO week a moment falls in, as "2025-W07"."""
    year, week, _ = datetime.fromtimestamp(timestamp, timezone.utc).isocalendar()
    return f"{year}-W{week:02d}"


def _count(report: Report, turns: Sequence[Turn], unanswered: list[str]) -> None:
    """Count one conversation's turns; topics are counted by their titles, as patients saw them."""
    entry_topics = report.entry_topics
    question: Turn | None = None
    for turn in turns:
        if turn.speaker == "user":
            if turn.feedback in ("up", "down"):
                for entry in turn.feedback_entries:
                    topic = entry_topics.get(entry, "unknown")
                    for votes in (report.feedback_by_topic[topic], report.feedback_by_entry[entry]):
                        votes.up += turn.feedback == "up"
                        votes.down += turn.feedback == "down"
            else:
                question = turn
            continue
        if turn.speaker != "assistant" or turn.reply_type in (None, "welcome"):
            continue
        if question is not None:
            report.replies += 1
            if turn.reply_type == "fallback":
                report.fallbacks += 1
                if not question.text.startswith("/"):
                    unanswered.append(question.text)
            question = None
        if turn.reply_type == "answer" and turn.topic:
            title = turn.topic_title or turn.topic
            report.topics_by_week.setdefault(week_of(turn.at), Counter())[title] += 1
            entry_topics.update(dict.fromkeys(turn.entries, title))
        report.warning_signs += turn.reply_type == "red_flag"
        report.crises += turn.reply_type == "crisis"


def tally(events: Iterable[StoredEvent], since: float | None = None) -> tuple[Report, list[str]]:
    """Count the report's figures and return them with the questions left unanswered."""
    by_sender: dict[str, list[StoredEvent]] = defaultdict(list)
    for event in events:
        by_sender[event.sender_id].append(event)
    report = Report()
    unanswered: list[str] = []
    for conversation in by_sender.values():
        turns = [t for t in turns_of(conversation) if since is None or t.at >= since]
        _count(report, turns, unanswered)
    report.topics_by_week = dict(sorted(report.topics_by_week.items()))
    return report, unanswered


def report_from_events(
    events: Iterable[StoredEvent], analyzer: Analyzer, since: float | None = None
) -> Report:
    """Build the report from events, counting conversations active since ``since``."""
    report, unanswered = tally(events, since)
    report.unanswered = cluster(analyzer, unanswered)
    return report


def build_report(conn: Connection, analyzer: Analyzer, since: float) -> Report:
    """The report over the conversations active since ``since`` (read from the database only)."""
    events = read_events(conn, types=("user", "bot"), active_since=since)
    return report_from_events(events, analyzer, since)


def feedback_by_entry(conn: Connection, since: float) -> dict[str, Votes]:
    """The thumbs up and down each entry got since ``since`` (the report's count, no clusters)."""
    events = read_events(conn, types=("user", "bot"), active_since=since)
    return dict(tally(events, since)[0].feedback_by_entry)
