"""Which language a message is in, offline (langdetect), when it is clearly not English.

The assistant understands English only; a message in another language gets a short line saying
so, in that language where it can be told, with the emergency number.
"""

from __future__ import annotations

from typing import Any

from langdetect import DetectorFactory, LangDetectException, detect_langs

from bot.nlp.english import english_words, is_gibberish

# langdetect samples at random; a fixed seed gives the same answer to the same message.
DetectorFactory.seed = 0
MIN_WORDS = 3
MIN_PROBABILITY = 0.9
# Languages so close that langdetect splits its certainty between them (Danish read as 70%
# Norwegian, 30% Danish; Dutch as 86% Dutch, 14% Afrikaans): together they are clearly not English.
CLOSE_LANGUAGES = (
    frozenset({"da", "no", "sv"}),
    frozenset({"nl", "af"}),
    frozenset({"es", "pt", "ca", "gl"}),
    frozenset({"hr", "sr", "bs", "sl"}),
    frozenset({"cs", "sk"}),
    frozenset({"id", "ms"}),
)


def foreign_language(text: str) -> str | None:
    """Return the ISO 639-1 code of a message that is clearly not English, else None.

    Short messages and messages made mostly of English words are English (langdetect alone
    calls "can I swim?" Polish at times), as are button payloads. The most likely language is
    given when it, with the languages close to it, is nearly certain.
    """
    tokens = "".join(c if c.isalpha() else " " for c in text.lower()).split()
    if text.startswith("/") or len(tokens) < MIN_WORDS:
        return None
    words = english_words()
    if sum(t in words for t in tokens) * 2 > len(tokens):
        return None
    try:
        found = detect_langs(text)
    except LangDetectException:
        return None
    best = found[0]
    close = next((c for c in CLOSE_LANGUAGES if best.lang in c), frozenset({best.lang}))
    if best.lang == "en" or sum(f.prob for f in found if f.lang in close) < MIN_PROBABILITY:
        return None
    return str(best.lang)


def wording(text: str) -> dict[str, Any]:
    """What the actions need to know of a message's words: its language if not English, mashing.

    The safety net adds it to the parse data (bot/safety/component.py), in the Rasa server, which
    has langdetect's profiles and the word list loaded anyway; the action server reads it there
    and never loads them (about 75 MiB it otherwise took on its first fallback or small talk).
    """
    return {"language": foreign_language(text), "gibberish": is_gibberish(text)}
