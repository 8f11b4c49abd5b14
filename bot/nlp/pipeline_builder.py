"""Builds the project's spaCy pipeline: blank English, lookup lemmatizer and a vocabulary ruler.

Rasa's SpacyNLP loads the result by path (config.yml), and the knowledge index uses the same
pipeline for lemmas, so training, parsing and retrieval all see the same tokens.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language

from bot.knowledge.vocabulary import Term, Vocabulary
from bot.nlp.english import common_words, english_words

PIPELINE_NAME = "myositis"
# Misspellings nobody listed: a word with one letter after its first dropped, doubled or swapped
# with the next ("swiming", "hydrotherpy") still names its term, if the slip is at least this
# long (shorter ones are too often other words: "garde", "acing").
SLIP_MIN_LENGTH = 6
# A word this frequent in spacy-lookups-data's English word counts (log probability) is a word,
# never a slip, even when the lemma table lacks it.
COMMON_WORD_LOG_PROB = -13.0


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


def one_slip(word: str) -> set[str]:
    """``word`` with one letter after the first dropped, doubled, or swapped with the next.

    People rarely get a word's first letter wrong, and slips there make other words ("ennis").
    """
    dropped = {word[:i] + word[i + 1 :] for i in range(1, len(word))}
    doubled = {word[:i] + word[i] + word[i:] for i in range(1, len(word))}
    swapped = {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(1, len(word) - 1)}
    return {slip for slip in dropped | doubled | swapped if len(slip) >= SLIP_MIN_LENGTH} - {word}


def slip_patterns(vocabulary: Vocabulary, words: frozenset[str]) -> list[dict[str, Any]]:
    """Patterns for one-letter slips in the vocabulary's long one-word phrases.

    A slip that is an English word ("waking" from "walking", "weight" from "weights"), another
    listed phrase, or a slip of two different terms is left out, so a slip can only ever add an
    entity to a word nobody would otherwise recognise.
    """
    listed = {phrase.lower() for term in vocabulary for phrase in term.phrases}
    owners: dict[str, set[Term]] = {}
    for term in vocabulary:
        for phrase in term.phrases:
            if phrase.isalpha() and phrase.islower():
                for slip in one_slip(phrase):
                    owners.setdefault(slip, set()).add(term)
    return [
        {"label": term.label, "id": term.value, "pattern": [{"LOWER": slip}]}
        for slip, (term, *others) in sorted(owners.items(), key=lambda item: item[0])
        if not others and slip not in words and slip not in listed
    ]


def build_pipeline(vocabulary: Vocabulary) -> Language:
    """Return the pipeline, initialised with the English lookup tables of spacy-lookups-data."""
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True})
    nlp.initialize()
    words = english_words() | common_words(COMMON_WORD_LOG_PROB)
    patterns = ruler_patterns(nlp, vocabulary) + slip_patterns(vocabulary, words)
    ruler.add_patterns(patterns)  # type: ignore[attr-defined]
    nlp.meta["name"] = PIPELINE_NAME
    nlp.meta["description"] = "Blank English, lookup lemmatizer and the myositis vocabulary ruler."
    return nlp


def write_pipeline(vocabulary: Vocabulary, out_dir: Path) -> Path:
    """Build the pipeline and save it to ``out_dir``."""
    nlp = build_pipeline(vocabulary)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out_dir)
    return out_dir
