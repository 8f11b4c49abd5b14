"""`make eval`: every figure, on the project's own held-out sets and on the real-language set."""

from __future__ import annotations

import json
from pathlib import Path

from bot.evaluation.end_to_end import converse, running_assistant
from bot.evaluation.held_out import MODEL, OUT, evaluate
from bot.evaluation.real_figures import RealFigures, score_conversations, score_items
from bot.evaluation.real_set import HALVES, load_conversations, load_items
from bot.settings import PROJECT_ROOT, load_settings


def real_language(model: Path = MODEL, out: Path = OUT) -> list[RealFigures]:
    """Send both halves to the running assistant; write each half's per-message results.

    Every single message opens its own conversation; each conversation keeps one sender id.
    """
    sets = [(half, load_items(half), load_conversations(half)) for half in HALVES]
    scripts = [[i.text] for _, items, _ in sets for i in items]
    scripts += [[t.text for t in c.turns] for _, _, conversations in sets for c in conversations]
    with running_assistant(load_settings(), model, out / "logs") as channel:
        replies = iter(converse(channel, scripts))
    # In the order sent: every half's single messages, then every half's conversations.
    singles = {half: [next(replies)[0] for _ in items] for half, items, _ in sets}
    turns = {half: [next(replies) for _ in conversations] for half, _, conversations in sets}
    figures = [
        RealFigures(
            half,
            tuple(score_items(items, singles[half])),
            tuple(score_conversations(conversations, turns[half])),
        )
        for half, items, conversations in sets
    ]
    out.mkdir(parents=True, exist_ok=True)
    for half_figures in figures:
        with (out / f"real_{half_figures.half}.jsonl").open("w") as results:
            for scored in half_figures.items + half_figures.turns:
                results.write(json.dumps(scored.record()) + "\n")
    return figures


def main() -> int:
    """Print every figure; the confusion matrix and per-message results go to artifacts/eval/."""
    report = evaluate()
    print("\n".join(report.lines()))
    print(f"confusion matrix: {(OUT / 'intent_confusion_matrix.png').relative_to(PROJECT_ROOT)}")
    for figures in real_language():
        print("\n".join(figures.lines()))
    print(f"per-message results: {OUT.relative_to(PROJECT_ROOT)}/real_{{dev,test}}.jsonl")
    return 0
