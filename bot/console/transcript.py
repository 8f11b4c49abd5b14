"""A conversation turn by turn, as a volunteer reviews it: what was understood and answered."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Connection

from bot.compose import ReplyType
from bot.web.history import StoredEvent, read_events

SAFETY_TYPES = frozenset({"red_flag", "crisis", "clarify"})


@dataclass(frozen=True)
class Turn:
    """One message: the user's, the assistant's, a volunteer's, or a handoff marker."""

    speaker: str  # user | assistant | volunteer | handoff
    at: float
    text: str
    intent: str | None = None
    confidence: float | None = None
    channel: str | None = None
    reply_type: str | None = None
    topic: str | None = None
    # The topic's title as the patient saw it (volunteers read titles, not ids).
    topic_title: str | None = None
    entries: tuple[str, ...] = ()
    # The published version of each entry the answer used, so a volunteer can tell which wording
    # the person saw after the content changed (answers from before versions carry none).
    entry_versions: tuple[tuple[str, int], ...] = ()
    sources: tuple[str, ...] = ()
    urgency: str | None = None
    stage: int | None = None
    feedback: str | None = None
    feedback_entries: tuple[str, ...] = ()
    volunteer: str | None = None

    @property
    def safety_flag(self) -> str | None:
        """The safety reply this turn is (red_flag, crisis, clarify), if it is one."""
        return self.reply_type if self.reply_type in SAFETY_TYPES else None

    def as_dict(self) -> dict[str, Any]:
        """The turn as JSON for the console API."""
        return {
            "speaker": self.speaker,
            "at": self.at,
            "text": self.text,
            "intent": self.intent,
            "confidence": self.confidence,
            "channel": self.channel,
            "reply_type": self.reply_type,
            "topic": self.topic,
            "entries": list(self.entries),
            "entry_versions": dict(self.entry_versions),
            "sources": list(self.sources),
            "urgency": self.urgency,
            "stage": self.stage,
            "safety_flag": self.safety_flag,
            "feedback": self.feedback,
            "feedback_entries": list(self.feedback_entries),
            "volunteer": self.volunteer,
        }


def _user_turn(event: StoredEvent) -> Turn:
    intent = event.intent
    rating = event.entity_values("rating") if intent.get("name") == "feedback" else []
    return Turn(
        "user",
        event.timestamp,
        str(event.data.get("text") or ""),
        intent=intent.get("name"),
        confidence=intent.get("confidence"),
        channel=event.data.get("input_channel"),
        feedback=rating[0] if rating else None,
        feedback_entries=tuple(event.entity_values("entries")) if rating else (),
    )


def _versions(stored: Any, entries: Iterable[str]) -> tuple[tuple[str, int], ...]:
    """Each entry with the version the payload recorded for it, in the answer's order."""
    if not isinstance(stored, dict):
        return ()
    found = ((e, stored.get(e)) for e in entries)
    return tuple((e, v) for e, v in found if isinstance(v, int) and not isinstance(v, bool))


def _assistant_turn(event: StoredEvent) -> Turn:
    custom = event.custom
    stage = custom.get("stage")
    return Turn(
        "assistant",
        event.timestamp,
        str(event.data.get("text") or ""),
        reply_type=custom.get("type"),
        topic=custom.get("topic"),
        topic_title=custom.get("title"),
        entries=tuple(custom.get("entries") or ()),
        entry_versions=_versions(custom.get("entry_versions"), custom.get("entries") or ()),
        sources=tuple(s.get("short", s.get("id", "")) for s in custom.get("sources") or ()),
        urgency=custom.get("urgency"),
        stage=int(stage) if stage is not None else None,
    )


@dataclass
class _Builder:
    turns: list[Turn] = field(default_factory=list)
    volunteer: str | None = None

    def add(self, event: StoredEvent) -> None:
        if event.type_name == "user":
            self.turns.append(_user_turn(event))
            return
        custom = event.custom
        kind = custom.get("type")
        if kind == ReplyType.HANDOFF.value:
            joined = custom.get("volunteer")
            text = f"{joined} took over" if joined else "Handed back to the assistant"
            self.volunteer = joined or self.volunteer
            self.turns.append(Turn("handoff", event.timestamp, text, volunteer=self.volunteer))
            self.volunteer = joined
        elif kind == ReplyType.VOLUNTEER.value:
            body = custom.get("body") or ["", ""]
            self.turns.append(
                Turn("volunteer", event.timestamp, str(body[-1]), volunteer=custom.get("volunteer"))
            )
        else:
            self.turns.append(_assistant_turn(event))


def turns_of(events: Iterable[StoredEvent]) -> list[Turn]:
    """Turn a conversation's user and bot events into the turns a volunteer reads."""
    builder = _Builder()
    for event in events:
        if event.type_name in ("user", "bot"):
            builder.add(event)
    return builder.turns


def transcript(conn: Connection, sender_id: str) -> list[Turn]:
    """Every turn of one conversation, across its sessions, oldest first."""
    return turns_of(read_events(conn, [sender_id], types=("user", "bot")))
