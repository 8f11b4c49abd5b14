"""Builds the project's spaCy pipeline: blank English, lookup lemmatizer and a vocabulary ruler.

Rasa's SpacyNLP loads the result by path (config.yml), and the knowledge index uses the same
pipeline for lemmas, so training, parsing and retrieval all see the same tokens.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language

from bot.knowledge.vocabulary import Vocabulary

PIPELINE_NAME = "myositis"


def ruler_patterns(nlp: Language, vocabulary: Vocabulary) -> list[dict[str, Any]]:
    """Token patterns for every vocabulary phrase; the pattern id is the canonical value."""
    patterns = []
    for term in vocabulary:
        for phrase in term.phrases:
            attr = "TEXT" if term.is_case_sensitive(phrase) else "LOWER"
            tokens = [t.text if attr == "TEXT" else t.lower_ for t in nlp.make_doc(phrase)]
            patterns.append(
                {"label": term.label, "id": term.value, "pattern": [{attr: t} for t in tokens]}
            )
    return patterns


def build_pipeline(vocabulary: Vocabulary) -> Language:
    """Return the pipeline, initialised with the English lookup tables of spacy-lookups-data."""
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True})
    nlp.initialize()
    ruler.add_patterns(ruler_patterns(nlp, vocabulary))  # type: ignore[attr-defined]
    nlp.meta["name"] = PIPELINE_NAME
    nlp.meta["description"] = "Blank English, lookup lemmatizer and the myositis vocabulary ruler."
    return nlp


def write_pipeline(vocabulary: Vocabulary, out_dir: Path) -> Path:
    """Build the pipeline and save it to ``out_dir``."""
    nlp = build_pipeline(vocabulary)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out_dir)
    return out_dir
