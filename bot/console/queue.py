"""The triage queue: conversations that need a person, each with the reasons why.

Reasons are derived from Rasa's events (never stored), so the queue always matches what was said;
only what volunteers did (status, claim) comes from the console's tables.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from enum import Enum
from typing import Any

from sqlalchemy.engine import Connection

from bot.console.cases import CaseState, Status, case_states
from bot.console.transcript import Turn, turns_of
from bot.settings import Settings
from bot.web.history import StoredEvent, read_events


class Reason(str, Enum):
    """Why a conversation needs a person."""

    CRISIS = "crisis"
    WARNING_SIGN = "warning_sign"
    ASKED_FOR_PERSON = "asked_for_person"
    FELL_BACK_TWICE = "fell_back_twice"
    UNANSWERED = "unanswered"
    OUT_OF_SCOPE = "out_of_scope"
    THUMBS_DOWN = "thumbs_down"


REASON_LABELS = {
    Reason.CRISIS: "Crisis",
    Reason.WARNING_SIGN: "Warning sign",
    Reason.ASKED_FOR_PERSON: "Asked for a person",
    Reason.FELL_BACK_TWICE: "Fell back twice",
    Reason.UNANSWERED: "Unanswered",
    Reason.OUT_OF_SCOPE: "Medical question",
    Reason.THUMBS_DOWN: "Thumbs-down",
}
# Most urgent first; "possible" is a warning sign the user was asked to confirm.
URGENCY_ORDER = ("crisis", "emergency", "same_day", "review", "possible")
# Statuses the "active" filter (the default) shows.
ACTIVE = frozenset({Status.OPEN, Status.CLAIMED})


@dataclass(frozen=True)
class Flag:
    """One reason, when it happened, and what it concerns (urgency, entries)."""

    reason: Reason
    at: float
    detail: str = ""


@dataclass(frozen=True)
class Case:
    """A conversation in the queue."""

    sender_id: str
    flags: tuple[Flag, ...]
    last_at: float
    channel: str | None
    state: CaseState
    # Titles of the topics the assistant answered, in the order first answered.
    topics: tuple[str, ...] = ()

    @property
    def urgency(self) -> str | None:
        """The most urgent safety level seen in the conversation, if any."""
        levels = [f.detail for f in self.flags if f.reason in (Reason.CRISIS, Reason.WARNING_SIGN)]
        return min(levels, key=URGENCY_ORDER.index) if levels else None

    @property
    def reasons(self) -> list[Reason]:
        """Each distinct reason once, in the order of `Reason`."""
        return [r for r in Reason if any(f.reason is r for f in self.flags)]

    @property
    def status(self) -> Status:
        """Handled conversations re-open when something new needs a person."""
        if self.state.status is Status.HANDLED and any(
            f.at > self.state.updated_at for f in self.flags
        ):
            return Status.OPEN
        return self.state.status

    def as_dict(self) -> dict[str, Any]:
        """The case as JSON for the console API."""
        return {
            "sender_id": self.sender_id,
            "reasons": [r.value for r in self.reasons],
            "urgency": self.urgency,
            "flags": [
                {"reason": f.reason.value, "at": f.at, "detail": f.detail} for f in self.flags
            ],
            "last_at": self.last_at,
            "channel": self.channel,
            "topics": list(self.topics),
            "status": self.status.value,
            "claimed_by": self.state.claimed_by_name,
            "handoff_active": self.state.handoff_active,
        }


@dataclass(frozen=True)
class QueueFilter:
    """What the volunteer narrowed the queue to; None means any."""

    reason: Reason | None = None
    since: date | None = None
    until: date | None = None
    channel: str | None = None
    status: Status | None = None  # None: open and claimed (not handled)

    def keeps(self, case: Case) -> bool:
        """Whether ``case`` passes every filter."""
        day = datetime.fromtimestamp(case.last_at, timezone.utc).date()
        return (
            (self.reason is None or self.reason in case.reasons)
            and (self.since is None or day >= self.since)
            and (self.until is None or day <= self.until)
            and (self.channel is None or case.channel == self.channel)
            and (case.status in ACTIVE if self.status is None else case.status is self.status)
        )


def flags_of(turns: Iterable[Turn]) -> list[Flag]:
    """Every reason one conversation needs a person, from its turns."""
    flags: list[Flag] = []
    last_reply: Turn | None = None
    for turn in turns:
        if turn.speaker == "user":
            if turn.intent == "ask_human":
                flags.append(Flag(Reason.ASKED_FOR_PERSON, turn.at))
            elif turn.feedback == "down":
                flags.append(Flag(Reason.THUMBS_DOWN, turn.at, ", ".join(turn.feedback_entries)))
        elif turn.speaker == "assistant" and turn.reply_type:
            last_reply = turn
            if turn.reply_type == "crisis":
                flags.append(Flag(Reason.CRISIS, turn.at, "crisis"))
            elif turn.reply_type == "red_flag":
                flags.append(Flag(Reason.WARNING_SIGN, turn.at, turn.urgency or "possible"))
            elif turn.reply_type == "clarify":
                flags.append(Flag(Reason.WARNING_SIGN, turn.at, "possible"))
            elif turn.reply_type == "out_of_scope":
                flags.append(Flag(Reason.OUT_OF_SCOPE, turn.at))
            elif turn.reply_type == "fallback" and turn.stage == 2:
                flags.append(Flag(Reason.FELL_BACK_TWICE, turn.at))
    # The assistant's last word was "did you mean...?" and the user never got an answer.
    if last_reply is not None and last_reply.reply_type == "fallback" and last_reply.stage == 1:
        flags.append(Flag(Reason.UNANSWERED, last_reply.at))
    return flags


def queue_window_start(settings: Settings, now: float) -> float:
    """When the console's window of active conversations starts: CONSOLE_QUEUE_DAYS before now."""
    return now - settings.console_queue_days * 86400


def _sort_key(case: Case) -> tuple[int, float]:
    urgency = case.urgency
    rank = URGENCY_ORDER.index(urgency) if urgency else len(URGENCY_ORDER)
    return rank, -case.last_at


def build_queue(
    conn: Connection, active_since: float, query: QueueFilter | None = None
) -> list[Case]:
    """The conversations needing a person: safety first (most urgent first), then newest first.

    Only conversations active since ``active_since`` (CONSOLE_QUEUE_DAYS ago, see
    `queue_window_start`) are read, so the work per page view is bounded by recent traffic, not
    by every conversation ever held; a filter's later start day narrows the read further.
    """
    if query is not None and query.since is not None:
        day_start = datetime.combine(query.since, time.min, timezone.utc).timestamp()
        active_since = max(active_since, day_start)
    by_sender: dict[str, list[StoredEvent]] = {}
    for event in read_events(conn, types=("user", "bot"), active_since=active_since):
        by_sender.setdefault(event.sender_id, []).append(event)
    flagged: dict[str, tuple[list[Turn], list[Flag]]] = {}
    for sender_id, events in by_sender.items():
        turns = turns_of(events)
        flags = flags_of(turns)
        if flags:
            flagged[sender_id] = (turns, flags)
    states = case_states(conn, list(flagged))
    cases = [
        Case(
            sender_id,
            tuple(flags),
            turns[-1].at,
            next((t.channel for t in reversed(turns) if t.channel), None),
            states.get(sender_id, CaseState()),
            tuple(dict.fromkeys(t.topic_title for t in turns if t.topic_title)),
        )
        for sender_id, (turns, flags) in flagged.items()
    ]
    query = query or QueueFilter()
    return sorted((c for c in cases if query.keeps(c)), key=_sort_key)
