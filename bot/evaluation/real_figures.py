"""Score the assistant's replies to the real-language set against its labels."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.evaluation.end_to_end import NO_PAYLOAD, Reply
from bot.evaluation.real_set import Conversation, Expected, Item

# Replies that stop an ordinary question being answered: right only for messages that need them.
CAUTIOUS = ("red_flag", "crisis", "clarify")


def kind_right(expected: Expected, reply: Reply) -> bool:
    """Whether the reply is of the kind the message needs (or another defensible one)."""
    return reply.kind == expected.kind or reply.kind in expected.also


def right(expected: Expected, reply: Reply) -> bool:
    """Whether the reply is right in full: its kind, and an acceptable topic or urgency."""
    if reply.kind != expected.kind:
        return reply.kind in expected.also
    if expected.kind == "answer":
        return bool(set(reply.topics) & set(expected.topics))
    if expected.kind == "red_flag":
        return reply.urgency in expected.urgencies
    return True


@dataclass(frozen=True)
class Scored:
    """One message with its labels, what came back, and whether it was right."""

    id: str
    text: str
    expected: Expected
    reply: Reply
    context: bool = False

    @property
    def right(self) -> bool:
        """Whether the reply was right in full."""
        return right(self.expected, self.reply)

    def record(self) -> dict[str, Any]:
        """The result as one line of the per-item file."""
        return {
            "id": self.id,
            "text": self.text,
            "expected": {
                "kind": self.expected.kind,
                "topics": list(self.expected.topics),
                "urgency": list(self.expected.urgencies),
                "also": list(self.expected.also),
            },
            "got": {
                "kind": self.reply.kind,
                "topics": list(self.reply.topics),
                "urgency": self.reply.urgency,
                "types": list(self.reply.types),
            },
            "context": self.context,
            "kind_right": kind_right(self.expected, self.reply),
            "right": self.right,
        }


def score_items(items: Sequence[Item], replies: Sequence[Reply]) -> list[Scored]:
    """Pair each single message with its reply."""
    return [Scored(i.id, i.text, i.expected, r) for i, r in zip(items, replies, strict=True)]


def score_conversations(
    conversations: Sequence[Conversation], replies: Sequence[Sequence[Reply]]
) -> list[Scored]:
    """Pair each turn of each conversation with its reply."""
    return [
        Scored(f"{c.id}/{n}", t.text, t.expected, r, t.context)
        for c, rs in zip(conversations, replies, strict=True)
        for n, (t, r) in enumerate(zip(c.turns, rs, strict=True), 1)
    ]


def _share(n: int, of: int) -> str:
    return f"{n}/{of} ({100 * n / of:.0f}%)" if of else "0/0"


@dataclass(frozen=True)
class RealFigures:
    """The figures of one half: single messages and conversations."""

    half: str
    items: tuple[Scored, ...]
    turns: tuple[Scored, ...]

    def _of_kind(self, *kinds: str) -> list[Scored]:
        return [s for s in self.items if s.expected.kind in kinds]

    @property
    def kind_right(self) -> int:
        """Single messages that got a reply of the right kind."""
        return sum(kind_right(s.expected, s.reply) for s in self.items)

    @property
    def topic_right(self) -> int:
        """Questions that got an answer on an acceptable topic."""
        return sum(
            set(s.reply.topics) & set(s.expected.topics) != set() for s in self._of_kind("answer")
        )

    @property
    def caught(self) -> int:
        """Warning signs given the warning-sign reply, and crises given the crisis reply."""
        return sum(s.reply.kind == s.expected.kind for s in self._of_kind("red_flag", "crisis"))

    @property
    def urgency_agreed(self) -> int:
        """Warning signs given the warning-sign reply at an acceptable urgency."""
        return sum(s.right and s.reply.kind == "red_flag" for s in self._of_kind("red_flag"))

    @property
    def false_alarms(self) -> int:
        """Ordinary questions stopped by a warning-sign, crisis or clarifying reply."""
        return sum(
            s.reply.kind in CAUTIOUS and s.reply.kind not in s.expected.also
            for s in self._of_kind("answer", "out_of_scope")
        )

    @property
    def stray_crises(self) -> int:
        """Crisis replies to messages (single or in a conversation) not about self-harm."""
        return sum(
            s.reply.kind == "crisis" and s.expected.kind != "crisis"
            for s in self.items + self.turns
        )

    @property
    def unstructured(self) -> int:
        """Replies, single or in a conversation, with no structured payload at all."""
        return sum(s.reply.kind == NO_PAYLOAD for s in self.items + self.turns)

    def lines(self) -> list[str]:
        """The figures as report lines."""
        n = len(self.items)
        answers = len(self._of_kind("answer"))
        ordinary = len(self._of_kind("answer", "out_of_scope"))
        signs = len(self._of_kind("red_flag", "crisis"))
        context = [t for t in self.turns if t.context]
        turns_right = sum(t.right for t in self.turns)
        return [
            f"real-language set, {self.half} half ({n} messages, {len(self.turns)} turns):",
            f"  reply of the right kind:            {_share(self.kind_right, n)}",
            f"  answers on an acceptable topic:     {_share(self.topic_right, answers)}",
            f"  warning signs and crises caught:    {self.caught} of {signs}"
            f" (warning signs at an acceptable urgency: {self.urgency_agreed}"
            f" of {len(self._of_kind('red_flag'))})",
            f"  ordinary questions stopped by a warning-sign, crisis or clarifying reply: "
            f"{_share(self.false_alarms, ordinary)}",
            f"  crisis replies to messages not about self-harm: {self.stray_crises}",
            f"  replies with no structured payload: {self.unstructured}",
            f"  conversation turns answered right:  {_share(turns_right, len(self.turns))}",
            "  turns that depend on earlier ones:  "
            + _share(sum(t.right for t in context), len(context)),
        ]
