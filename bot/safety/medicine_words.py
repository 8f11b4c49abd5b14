"""Whether a text names a medicine, by the medicine words of knowledge/safety.yml.

The action server does not load the spaCy pipeline the safety net runs on, so it matches the
lexicon's plain medicine phrases as words (its regular-expression entries are left out).
"""

from __future__ import annotations

import re
from functools import cache

from bot.safety.lexicon import REGEX_PREFIX, read_lexicon
from bot.settings import load_settings


@cache
def _medicine_pattern() -> re.Pattern[str]:
    """The lexicon's medicine phrases as one pattern, read once per process."""
    lexicon = read_lexicon(load_settings().knowledge_dir / "safety.yml")
    words = [" ".join(p) for p in lexicon.concepts["medicine"] if not p[0].startswith(REGEX_PREFIX)]
    return re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b", re.IGNORECASE)


def names_a_medicine(text: str) -> bool:
    """Whether ``text`` names a medicine ("I'm on prednisone, ...")."""
    return _medicine_pattern().search(text) is not None
