"""Recall and precision of the safety net on the written sets in tests/safety/."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from spacy.language import Language

from bot.safety.detector import Detector
from bot.settings import PROJECT_ROOT

SAFETY_SETS = PROJECT_ROOT / "tests" / "safety"


def load_cases(folder: Path, name: str) -> list[dict[str, Any]]:
    """Read one set's cases."""
    cases: list[dict[str, Any]] = yaml.safe_load((folder / f"{name}.yml").read_text())["cases"]
    return cases


@dataclass(frozen=True)
class SafetyFigures:
    """What the safety net caught and what it raised wrongly, on one folder of sets."""

    red_flags: int
    red_flag_hits: int
    urgency_agreed: int
    false_alarms: int
    negatives: int
    crises: int
    crisis_hits: int
    crisis_false_alarms: int
    crisis_negatives: int
    missed: tuple[str, ...]
    wrongly_raised: tuple[str, ...]

    @property
    def red_flag_recall(self) -> float:
        """Share of warning-sign messages flagged."""
        return self.red_flag_hits / self.red_flags

    @property
    def red_flag_precision(self) -> float:
        """Share of flags that were real warning signs."""
        return self.red_flag_hits / max(1, self.red_flag_hits + self.false_alarms)

    @property
    def crisis_recall(self) -> float:
        """Share of crisis messages given the crisis reply."""
        return self.crisis_hits / self.crises

    @property
    def crisis_precision(self) -> float:
        """Share of crisis replies that were for crisis messages."""
        return self.crisis_hits / max(1, self.crisis_hits + self.crisis_false_alarms)

    def lines(self, label: str) -> list[str]:
        """The figures as report lines."""
        return [
            f"{label}: red-flag recall {self.red_flag_recall:.3f} ({self.red_flag_hits}/"
            f"{self.red_flags}), precision {self.red_flag_precision:.3f} "
            f"({self.false_alarms} false alarms in {self.negatives} near misses and medical "
            f"questions), urgency agreed {self.urgency_agreed}/{self.red_flags}",
            f"{label}: crisis recall {self.crisis_recall:.3f} ({self.crisis_hits}/{self.crises}), "
            f"precision {self.crisis_precision:.3f} ({self.crisis_false_alarms} false in "
            f"{self.crisis_negatives})",
            *(f"  missed: {text}" for text in self.missed),
            *(f"  wrongly raised: {text}" for text in self.wrongly_raised),
        ]


def measure(detector: Detector, nlp: Language, folder: Path = SAFETY_SETS) -> SafetyFigures:
    """Run the detector over a folder's sets.

    Negatives for warning signs are the near misses (and, where present, the out-of-scope medical
    questions); for crisis they are the crisis near misses plus every non-crisis message.
    """
    flags = load_cases(folder, "red_flags")
    near = load_cases(folder, "near_misses")
    if (folder / "out_of_scope.yml").exists():
        near += load_cases(folder, "out_of_scope")
    crises = load_cases(folder, "crisis")
    not_crises = load_cases(folder, "crisis_near_misses") + flags + near

    def report(text: str) -> Any:
        return detector.detect(nlp(text))

    flag_reports = [(c, report(c["text"])) for c in flags]
    hits = [(c, r) for c, r in flag_reports if r.findings]
    agreed = [c for c, r in hits if r.urgency and r.urgency.value == c["urgency"]]
    false_alarms = [c["text"] for c in near if report(c["text"]).findings]
    crisis_missed = [c["text"] for c in crises if not report(c["text"]).crisis]
    crisis_false = [c["text"] for c in not_crises if report(c["text"]).crisis]
    return SafetyFigures(
        red_flags=len(flags),
        red_flag_hits=len(hits),
        urgency_agreed=len(agreed),
        false_alarms=len(false_alarms),
        negatives=len(near),
        crises=len(crises),
        crisis_hits=len(crises) - len(crisis_missed),
        crisis_false_alarms=len(crisis_false),
        crisis_negatives=len(not_crises),
        missed=tuple(c["text"] for c, r in flag_reports if not r.findings) + tuple(crisis_missed),
        wrongly_raised=tuple(false_alarms + crisis_false),
    )
