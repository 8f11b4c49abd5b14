"""A list of real English words, so that spelling correction never changes one into another.

"overdid" is one letter-swap family away from "overdose", and "tennis" is no misspelling at all:
a word that is already English is taken as written. The list is WordNet's lemmas and the
inflected forms of spacy-lookups-data (installed with the pipeline), about 120,000 words; it is
read once, offline.
"""

from __future__ import annotations

import gzip
import importlib.resources
import json
import re
import string
from functools import lru_cache
from typing import Any


def _lookups(name: str) -> Any:
    """One English table of spacy-lookups-data ("en_<name>.json.gz"), parsed."""
    data = importlib.resources.files("spacy_lookups_data") / "data"
    return json.loads(gzip.decompress((data / f"en_{name}.json.gz").read_bytes()))


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Return the lower-case English words of spacy-lookups-data (lemmas and inflections).

    The lemma tables hold content words only, so spaCy's English stop words ("what", "the",
    "about") are added: without them "what about kayaking?" reads as mostly not English.
    """
    # Imported here, once: the question words below need no spaCy in the action server.
    from spacy.lang.en.stop_words import STOP_WORDS

    index, lookup = _lookups("lemma_index"), _lookups("lemma_lookup")
    words = {w for by_pos in index.values() for w in by_pos} | set(lookup) | set(lookup.values())
    words |= STOP_WORDS
    return frozenset(w.lower() for w in words if w.isalpha())


def common_words(min_log_prob: float) -> frozenset[str]:
    """Words at least this frequent in spacy-lookups-data's English word counts.

    Only the pipeline builder reads them (about a million counts), so they are not cached.
    """
    counts: dict[str, float] = _lookups("lexeme_prob")
    return frozenset(word for word, log_prob in counts.items() if log_prob >= min_log_prob)


# Chat words that are not in a dictionary but are not nonsense either.
CHAT_WORDS = frozenset(
    {
        "ok",
        "okay",
        "k",
        "kk",
        "yep",
        "yup",
        "yeah",
        "ya",
        "nah",
        "nope",
        "thx",
        "hmm",
        "hm",
        "mm",
        "shh",
    }
)


def is_gibberish(text: str) -> bool:
    """Whether a typed message is mashing: letters but no word ("asdfgh"), or only punctuation.

    "jkjkjk lll", "jjjjjhh kkk ;;;p[" and "..,,;;" alike. Keyboard mashing must get the "did you
    mean...?" step, never be taken for "yes". An emoji is no mashing ("👍" is thanks).
    """
    if text.startswith("/"):
        return False
    if text.strip() and all(c in string.punctuation or c.isspace() for c in text):
        return True
    tokens = [t for t in "".join(c if c.isalpha() else " " for c in text.lower()).split()]
    if not tokens:
        return False
    words = english_words()
    return not any((t in words and _could_be_a_word(t)) or t in CHAT_WORDS for t in tokens)


def _could_be_a_word(token: str) -> bool:
    """Whether a token of the word list can be a word typed here, not a letter or a key held down.

    The list holds letters and abbreviations ("p", "kkk"): in ";;;p[" or "jjjjjhh kkk" they are
    mashing. Alone, only "a" and "I" are one letter long; from three letters, a word has a vowel
    (or "y"), while two-letter ones need none ("pt", "np").
    """
    if len(token) == 1:
        return token in "ai"
    return len(token) == 2 or any(c in "aeiouy" for c in token)


# Negatives that open a question as well as its positive forms do ("won't that push my CK up").
NEGATIVE_QUESTION_WORDS = (
    r"won'?t|wouldn'?t|can'?t|couldn'?t|isn'?t|aren'?t|don'?t|doesn'?t|shouldn'?t"
)
# Words that open a question typed without its question mark ("would a walker help").
_QUESTION_START = re.compile(
    r"^\W*(should|would|could|can|is|are|am|do|does|did|will|what|how|which|when|why|may|might"
    rf"|{NEGATIVE_QUESTION_WORDS})\b",
    re.IGNORECASE,
)


def is_question(text: str) -> bool:
    """Whether ``text`` asks something: it has a question mark or opens with a question word."""
    return "?" in text or bool(_QUESTION_START.match(text))
