"""Whether a follow-up asks about a medicine named earlier ("how quickly can I come off it?")."""

from __future__ import annotations

import re
from functools import cache

from rasa_sdk import Tracker

from actions.tracker_view import Turn, earlier_user_texts
from bot.follow_up import about_the_medicine, points_back
from bot.safety.lexicon import REGEX_PREFIX, read_lexicon
from bot.settings import PROJECT_ROOT

SAFETY_LEXICON = PROJECT_ROOT / "knowledge" / "safety.yml"


@cache
def medicine_names() -> re.Pattern[str]:
    """The medicine words of the safety lexicon, as one pattern (read once)."""
    phrases = read_lexicon(SAFETY_LEXICON).concepts["medicine"]
    words = [" ".join(p) for p in phrases if not p[0].startswith(REGEX_PREFIX)]
    return re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b", re.IGNORECASE)


def asks_about_a_named_medicine(turn: Turn, tracker: Tracker) -> bool:
    """Whether a short question asks what to do with a medicine named earlier in the session.

    After "I'm on prednisone, can I exercise?", "how quickly can I come off it?" asks about the
    prednisone: a medical question, though its words name no medicine and the classifier may
    file it under routines. The same words after an answer on swimming name no medicine.
    """
    question = turn.question or turn.text
    return about_the_medicine(question) and points_back(question) and medicine_named(tracker)


def medicine_named(tracker: Tracker) -> bool:
    """Whether the user named a medicine earlier in the session ("I'm on prednisone, ...")."""
    return any(medicine_names().search(t) for t in earlier_user_texts(tracker))
