"""The classifier's and the safety net's figures on the project's own held-out sets.

One pass parses every evaluation message with the trained model, in process. From it come:
the intent classifier's accuracy and macro-F1 on the held-out NLU set (its own top intent,
before the safety net may override it) with a confusion matrix, the FallbackClassifier threshold
sweep, how the medical refusal and the crisis reply are triggered, and the safety net's recall and
precision on the written safety sets. Entity F1 compares the vocabulary ruler's spans with the
held-out annotations.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.nlp.analyzer import Analyzer
from bot.nlp.intents import FALLBACK_INTENT
from bot.safety.detector import Detector
from bot.safety.evaluation import SAFETY_SETS, SafetyFigures, load_cases, measure
from bot.safety.lexicon import read_lexicon
from bot.settings import PROJECT_ROOT, load_settings

HELD_OUT = PROJECT_ROOT / "tests" / "nlu" / "test_nlu.yml"
MODEL = PROJECT_ROOT / "models" / "myositis.tar.gz"
OUT = PROJECT_ROOT / "artifacts" / "eval"
THRESHOLDS = (0.1, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5)
# The labels the held-out set is annotated with. It was written before the `concern` label (a
# symptom, blood test or treatment), so concerns are left out of its entity figures; the ruler's
# own tests (tests/nlp/test_pipeline.py) check them.
ANNOTATED_LABELS = frozenset({"exercise_type", "professional", "myositis_type", "body_part"})


@dataclass(frozen=True)
class Example:
    """One held-out message with its intent and annotated entity spans."""

    text: str
    intent: str
    spans: frozenset[tuple[int, int, str]]


def held_out(data: Path = HELD_OUT) -> list[Example]:
    """Read the held-out NLU set."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    return [
        Example(
            m.get("text"),
            m.get("intent"),
            frozenset((e["start"], e["end"], e["entity"]) for e in m.get("entities") or []),
        )
        for m in RasaYAMLReader().read(data).intent_examples
    ]


def parse_all(model: Path, texts: Sequence[str]) -> list[dict[str, Any]]:
    """Parse every text with the trained model, in process."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))

    async def run() -> list[dict[str, Any]]:
        return [await agent.parse_message(text) for text in texts]

    return asyncio.run(run())


def classifier_intent(parse: dict[str, Any]) -> tuple[str, float]:
    """The classifier's own top intent: the ranking without the fallback or safety override."""
    top = next(r for r in parse["intent_ranking"] if r["name"] != FALLBACK_INTENT)
    return top["name"], float(top["confidence"])


@dataclass(frozen=True)
class NluFigures:
    """Intent and entity figures on the held-out set."""

    examples: int
    intent_accuracy: float
    intent_macro_f1: float
    entity_precision: float
    entity_recall: float
    entity_f1: float
    fallback_sweep: tuple[tuple[float, float, int, int], ...]

    def lines(self) -> list[str]:
        """The figures as report lines."""
        return [
            f"held-out examples:   {self.examples}",
            f"intent accuracy:     {self.intent_accuracy:.3f}",
            f"intent macro-F1:     {self.intent_macro_f1:.3f}",
            f"entity precision:    {self.entity_precision:.3f}",
            f"entity recall:       {self.entity_recall:.3f}",
            f"entity F1:           {self.entity_f1:.3f}",
            "fallback threshold (share answered, correct answers lost, errors caught):",
            *(
                f"  {t:.2f}  {share:.3f}  {lost:3d}  {caught:3d}"
                for t, share, lost, caught in self.fallback_sweep
            ),
        ]


def _f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def nlu_figures(
    examples: Sequence[Example],
    parses: Sequence[dict[str, Any]],
    analyzer: Analyzer,
    confusion_png: Path | None = None,
) -> NluFigures:
    """Score the classifier and the entity ruler; draw the confusion matrix if asked."""
    from sklearn.metrics import accuracy_score, f1_score

    truth = [e.intent for e in examples]
    predicted = [classifier_intent(p) for p in parses]
    names = [name for name, _ in predicted]
    sweep = []
    for threshold in THRESHOLDS:
        below = [n == t for (n, c), t in zip(predicted, truth, strict=True) if c < threshold]
        sweep.append((threshold, 1 - len(below) / len(truth), sum(below), len(below) - sum(below)))
    tp = fp = fn = 0
    for example in examples:
        found = {
            (e.start_char, e.end_char, e.label_)
            for e in analyzer.nlp(example.text).ents
            if e.label_ in ANNOTATED_LABELS
        }
        tp += len(found & example.spans)
        fp += len(found - example.spans)
        fn += len(example.spans - found)
    if confusion_png is not None:
        _draw_confusion(truth, names, confusion_png)
    precision, recall, f1 = _f1(tp, fp, fn)
    return NluFigures(
        examples=len(examples),
        intent_accuracy=float(accuracy_score(truth, names)),
        intent_macro_f1=float(f1_score(truth, names, average="macro", labels=sorted(set(truth)))),
        entity_precision=precision,
        entity_recall=recall,
        entity_f1=f1,
        fallback_sweep=tuple(sweep),
    )


def _draw_confusion(truth: Sequence[str], predicted: Sequence[str], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import ConfusionMatrixDisplay

    labels = sorted(set(truth) | set(predicted))
    figure, axes = plt.subplots(figsize=(16, 14))
    ConfusionMatrixDisplay.from_predictions(
        truth, predicted, labels=labels, xticks_rotation="vertical", ax=axes, colorbar=False
    )
    axes.set_title("Intent confusion on the held-out set (classifier's own top intent)")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=80)
    plt.close(figure)


@dataclass(frozen=True)
class RoutingFigures:
    """How often a reply type is triggered for the messages that need it, and for others."""

    name: str
    positives: int
    caught: int
    raised: int

    @property
    def recall(self) -> float:
        """Share of messages that needed the reply and got it."""
        return self.caught / max(1, self.positives)

    @property
    def precision(self) -> float:
        """Share of replies of this type that were needed."""
        return self.caught / max(1, self.raised)

    def line(self) -> str:
        """The figures as one report line."""
        return (
            f"{self.name}: recall {self.recall:.3f} ({self.caught}/{self.positives}), "
            f"precision {self.precision:.3f} ({self.raised} raised)"
        )


def routing(
    name: str, positives: Sequence[bool], parses: Sequence[dict[str, Any]], intent: str
) -> RoutingFigures:
    """Score one routed intent (after the safety net) against which messages needed it."""
    raised = [p["intent"]["name"] == intent for p in parses]
    return RoutingFigures(
        name,
        positives=sum(positives),
        caught=sum(r and p for r, p in zip(raised, positives, strict=True)),
        raised=sum(raised),
    )


@dataclass(frozen=True)
class Report:
    """Everything `make eval` prints."""

    nlu: NluFigures
    safety: tuple[tuple[str, SafetyFigures], ...]
    medical: RoutingFigures
    crisis: RoutingFigures

    def lines(self) -> list[str]:
        """The report lines."""
        lines = self.nlu.lines()
        for label, figures in self.safety:
            lines += figures.lines(f"safety net, {label}")
        return [*lines, self.medical.line(), self.crisis.line()]


def evaluate(model: Path = MODEL, out: Path | None = OUT) -> Report:
    """Parse everything once and compute every figure."""
    settings = load_settings()
    analyzer = Analyzer.from_path(settings.spacy_pipeline)
    detector = Detector(read_lexicon(settings.knowledge_dir / "safety.yml"))
    examples = held_out()
    medical = [c["text"] for c in load_cases(SAFETY_SETS, "out_of_scope")]
    crises = [
        c["text"]
        for folder in (SAFETY_SETS, SAFETY_SETS / "fresh")
        for c in load_cases(folder, "crisis")
    ]
    others = [
        c["text"]
        for folder in (SAFETY_SETS, SAFETY_SETS / "fresh")
        for name in ("red_flags", "near_misses", "crisis_near_misses")
        for c in load_cases(folder, name)
    ]
    texts = [e.text for e in examples] + medical + crises + others
    parses = parse_all(model, texts)
    n = len(examples)
    is_medical = (
        [e.intent == "ask_medical" for e in examples]
        + [True] * len(medical)
        + [False] * (len(crises) + len(others))
    )
    is_crisis = (
        [e.intent == "crisis" for e in examples]
        + [False] * len(medical)
        + [True] * len(crises)
        + [False] * len(others)
    )
    confusion = out / "intent_confusion_matrix.png" if out else None
    return Report(
        nlu=nlu_figures(examples, parses[:n], analyzer, confusion),
        safety=(
            ("development set", measure(detector, analyzer.nlp, SAFETY_SETS)),
            ("fresh set", measure(detector, analyzer.nlp, SAFETY_SETS / "fresh")),
        ),
        medical=routing("medical questions declined", is_medical, parses, "ask_medical"),
        crisis=routing("crisis reply (rules or classifier)", is_crisis, parses, "crisis"),
    )
