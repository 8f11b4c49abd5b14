"""Where the sentences of a message are, and which of them ask.

The Rasa server (the question reader) and the actions (routing) must agree on what the question
sentence of a long message is, so both take it from here.
"""

from __future__ import annotations

import re

SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Where the sentences of a message are (none for a message of no words)."""
    starts = [0, *(m.end() for m in SENTENCE_END.finditer(text))]
    spans = zip(starts, [*starts[1:], len(text)], strict=True)
    return [(a, b) for a, b in spans if text[a:b].strip()]


def asking_spans(text: str) -> list[tuple[int, int]]:
    """Where the sentences that ask something ("?") are in a message of several sentences."""
    spans = sentence_spans(text)
    if len(spans) < 2:
        return []
    return [(a, b) for a, b in spans if "?" in text[a:b]]
