"""Unanswered questions as NLU training candidates, in Rasa's YAML, for the content team.

The export only proposes: the team reviews it, adds it under data/ and retrains; a test shows the
file passes `rasa data validate` there.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import yaml

# "[words](entity)" and "[words]{...}" are Rasa's entity annotations: brackets are dropped so a
# user's text is never read as one.
_ANNOTATION = re.compile(r"[\[\]]")


class ExportError(ValueError):
    """The export was asked for an unknown intent or without questions."""


def domain_intents(domain_file: Path) -> list[str]:
    """The intents the assistant knows, in the domain's order (the candidates' choices)."""
    domain = yaml.safe_load(domain_file.read_text(encoding="utf-8"))
    return [i if isinstance(i, str) else next(iter(i)) for i in domain.get("intents", [])]


def _example(text: str) -> str:
    return " ".join(_ANNOTATION.sub("", text).split())


def nlu_candidates(intent: str, questions: Sequence[str], known_intents: Sequence[str]) -> str:
    """Return an NLU file proposing ``questions`` as examples of ``intent``.

    Raises:
        ExportError: the intent is not in the domain, or no question has any words.
    """
    if intent not in known_intents:
        raise ExportError(f"unknown intent: {intent!r}")
    examples = list(dict.fromkeys(e for e in map(_example, questions) if e and e[0] != "/"))
    if not examples:
        raise ExportError("choose at least one question")
    lines = [
        "# Training candidates from the volunteer console: review before adding to data/nlu/.",
        'version: "3.1"',
        "nlu:",
        f"  - intent: {intent}",
        "    examples: |",
        *(f"      - {example}" for example in examples),
    ]
    return "\n".join(lines) + "\n"
