"""Turns text into search terms: lemmas, adjacent lemma pairs, and canonical entities.

Lemmas are lower-cased, without stop words. Pairs of neighbouring lemmas ("rest day",
"strength train") let a phrase outrank the same words scattered through a longer text.

Adding ``label=value`` terms for vocabulary matches lets "swimming" find an entry that only says
"hydrotherapy": both carry the term ``exercise_type=hydrotherapy``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc


@dataclass(frozen=True)
class Analysis:
    """What the pipeline read in one text."""

    terms: tuple[str, ...]
    entities: tuple[tuple[str, str], ...]


class Analyzer:
    """Wraps the project's spaCy pipeline for retrieval."""

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp

    @classmethod
    def from_path(cls, path: Path) -> Analyzer:
        """Load the pipeline built by ``python -m bot pipeline build``."""
        if not (path / "meta.json").exists():
            raise FileNotFoundError(
                f"spaCy pipeline not found at {path}: run 'make pipeline' (or 'make run') first"
            )
        return cls(spacy.load(path))

    def analyse(self, text: str) -> Analysis:
        """Return the search terms and (label, canonical value) entities of ``text``."""
        return self._analysis(self.nlp(text))

    @staticmethod
    def _analysis(doc: Doc) -> Analysis:
        words = [
            (t.lemma_ or t.text).lower()
            for t in doc
            if t.is_alpha and not t.is_stop and len(t.text) > 1
        ]
        pairs = [f"{a}_{b}" for a, b in itertools.pairwise(words)]
        entities = tuple((e.label_, e.ent_id_ or e.text.lower()) for e in doc.ents)
        return Analysis((*words, *pairs, *(f"{k}={v}" for k, v in entities)), entities)
