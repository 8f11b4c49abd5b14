"""How good is retrieval over every knowledge entry as evidence of a question's topic?

Run on the development half of the real-language set (never the test half), after `make train`:
``python -m tools.retrieval_evidence``. Each question is parsed by the trained model in process
and answered by the action as in a fresh conversation; its question sentence is then ranked
against every entry (`KnowledgeIndex.topic_support`). It prints how often retrieval's best topic
is acceptable where the routing is wrong and the other way round, and the questions where the
classifier's rival reading won (`Router.weighed`). Retrieval alone is much weaker than the
routing; as a judge between the classifier's two close readings, it helps a little.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker

from actions.answer import ActionAnswer
from actions.tracker_view import latest_turn
from bot.evaluation.held_out import parse_all
from bot.evaluation.real_set import load_items
from bot.guide import Guide
from bot.knowledge.files import read_knowledge
from bot.routing import TOPIC_INTENTS
from bot.settings import PROJECT_ROOT, load_settings

MODEL = PROJECT_ROOT / "models" / "myositis.tar.gz"


@dataclass(frozen=True)
class Measured:
    """One question: the topics it may get, what the routing and retrieval gave it."""

    id: str
    acceptable: tuple[str, ...]
    routed: str | None
    retrieved: str | None
    # The intent's own topic when the classifier's rival reading overturned it.
    overturned: str | None


def fresh_tracker(parse: dict[str, Any]) -> Tracker:
    """A tracker whose only message is ``parse``, as the first message of a conversation."""
    return Tracker(
        "retrieval-evidence",
        {"myositis_type": None, "last_topic": None, "safety_flag": None},
        parse,
        [{"event": "session_started"}, {"event": "user", "text": parse["text"]}],
        False,
        None,
        {},
        "action_listen",
    )


def measure(guide: Guide) -> list[Measured]:
    """Route and retrieve every development question that expects an answer."""
    items = [i for i in load_items("dev") if i.expected.kind == "answer"]
    measured = []
    for item, parse in zip(items, parse_all(MODEL, [i.text for i in items]), strict=True):
        tracker = fresh_tracker(parse)
        turn = latest_turn(tracker)
        reply, _ = ActionAnswer().respond(guide, turn, tracker)
        support = guide.index.topic_support(turn.question)
        best = max(support, key=lambda t: support[t])
        own = TOPIC_INTENTS.get(turn.intent)
        weighed = guide.router.weighed(
            own, turn.intent, turn.readings, turn.question, guide.index.topic_support
        )
        routed = reply.payload.get("topic")
        measured.append(
            Measured(
                item.id,
                item.expected.topics,
                routed,
                best if support[best] > 0 else None,
                own if weighed != own and routed == weighed else None,
            )
        )
    return measured


def report(measured: list[Measured]) -> list[str]:
    """The figures as lines."""
    placed = [m for m in measured if m.routed is not None]
    routed = sum(m.routed in m.acceptable for m in placed)
    retrieved = sum(m.retrieved in m.acceptable for m in placed)
    better = sum(m.retrieved in m.acceptable and m.routed not in m.acceptable for m in placed)
    worse = sum(m.retrieved not in m.acceptable and m.routed in m.acceptable for m in placed)
    lines = [
        f"development questions answered on some topic: {len(placed)} of {len(measured)}",
        f"  routing on an acceptable topic:               {routed}",
        f"  retrieval's best topic acceptable:            {retrieved}",
        f"  retrieval right where the routing is wrong:   {better}",
        f"  retrieval wrong where the routing is right:   {worse}",
        "the classifier's rival reading won (intent's topic -> answered):",
    ]
    for m in measured:
        if m.overturned is not None:
            before = "right" if m.overturned in m.acceptable else "wrong"
            after = "right" if m.routed in m.acceptable else "wrong"
            lines.append(f"  {m.id}: {m.overturned} ({before}) -> {m.routed} ({after})")
    return lines


def main() -> None:
    """Print the figures for the development half."""
    settings = load_settings()
    guide = Guide.from_knowledge(read_knowledge(settings.knowledge_dir), settings)
    print("\n".join(report(measure(guide))))


if __name__ == "__main__":
    main()
