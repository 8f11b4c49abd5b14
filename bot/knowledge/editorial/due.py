"""Which entries a reviewer should look at again: by their review date, or by patients' votes."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy.engine import Connection

from bot.console.report import Votes, feedback_by_entry
from bot.knowledge.editorial.model import DueItem
from bot.knowledge.schema import KnowledgeSet

# An entry with at least this share of thumbs-down, over at least this many votes, is due: a
# handful of votes says little, but half of a dozen says the wording is not working.
DOWN_SHARE = 0.5
MIN_VOTES = 5


def next_review(reviewed: date, planned: date | None, interval_days: int) -> date:
    """The date an entry is due for review: the one set at approval, else a year-ish after."""
    return planned or reviewed + timedelta(days=interval_days)


def due_items(
    conn: Connection,
    knowledge: KnowledgeSet,
    today: date,
    within_days: int,
    *,
    interval_days: int,
    feedback_days: float,
) -> list[DueItem]:
    """Return the entries due for review, the most overdue first."""
    since = datetime.combine(today, time(), timezone.utc) - timedelta(days=feedback_days)
    votes = feedback_by_entry(conn, since.timestamp())
    items = []
    for entry in knowledge.entries:
        when = next_review(entry.reviewed, entry.next_review, interval_days)
        reasons = []
        if when < today:
            reasons.append("overdue")
        elif when <= today + timedelta(days=within_days):
            reasons.append(f"due within {within_days} days")
        disliked = _disliked(votes.get(entry.id))
        if disliked:
            reasons.append(disliked)
        if reasons:
            title = knowledge.topics[entry.topic].title
            items.append(DueItem(entry.id, title, when, "; ".join(reasons)))
    return sorted(items, key=lambda item: (item.next_review or today, item.entry_id))


def _disliked(votes: Votes | None) -> str | None:
    total = votes.up + votes.down if votes else 0
    if votes is None or total < MIN_VOTES or votes.down / total < DOWN_SHARE:
        return None
    return f"thumbs-down {round(100 * votes.down / total)}% of {total} votes"
