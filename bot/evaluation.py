"""`make eval`: NLU figures on the held-out set, which is never used for training.

Rasa's own `rasa test nlu` does the evaluation (and draws the confusion matrix); this module runs
it on tests/nlu/ and reduces its reports to the figures the project tracks.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from bot.settings import PROJECT_ROOT

HELD_OUT = PROJECT_ROOT / "tests" / "nlu" / "test_nlu.yml"
MODEL = PROJECT_ROOT / "models" / "myositis.tar.gz"
OUT = PROJECT_ROOT / "artifacts" / "eval" / "nlu"


@dataclass(frozen=True)
class NluFigures:
    """Headline NLU figures on the held-out set."""

    examples: int
    intent_accuracy: float
    intent_macro_f1: float
    entity_f1: float

    def lines(self) -> list[str]:
        """Return the figures as report lines."""
        return [
            f"held-out examples:   {self.examples}",
            f"intent accuracy:     {self.intent_accuracy:.3f}",
            f"intent macro-F1:     {self.intent_macro_f1:.3f}",
            f"entity F1 (micro):   {self.entity_f1:.3f}",
        ]


def run_rasa_test(model: Path = MODEL, data: Path = HELD_OUT, out: Path = OUT) -> None:
    """Run `rasa test nlu` on the held-out set, writing its reports and plots to ``out``."""
    rasa = str(Path(sys.executable).with_name("rasa"))
    subprocess.run(
        [rasa, "test", "nlu", "--model", str(model), "--nlu", str(data), "--out", str(out)],
        check=True,
        cwd=PROJECT_ROOT,
    )


def read_figures(out: Path = OUT) -> NluFigures:
    """Reduce Rasa's JSON reports to the headline figures."""
    intents = json.loads((out / "intent_report.json").read_text())
    entity_reports = sorted(out.glob("*Extractor_report.json"))
    entity_f1 = 0.0
    if entity_reports:
        entities = json.loads(entity_reports[0].read_text())
        entity_f1 = entities.get("micro avg", entities.get("weighted avg", {})).get("f1-score", 0.0)
    return NluFigures(
        examples=int(intents["macro avg"]["support"]),
        intent_accuracy=float(intents["accuracy"]),
        intent_macro_f1=float(intents["macro avg"]["f1-score"]),
        entity_f1=float(entity_f1),
    )


def main() -> int:
    """Evaluate and print the figures; the confusion matrix is saved beside the reports."""
    run_rasa_test()
    figures = read_figures()
    print("\n".join(figures.lines()))
    print(f"confusion matrix:    {(OUT / 'intent_confusion_matrix.png').relative_to(PROJECT_ROOT)}")
    return 0
