"""Where the sentences of a message are, and which of them ask.

The Rasa server (the question reader, the safety net) and the actions (routing) must agree on
what the question sentence of a long message is, so they all take it from here.
"""

from __future__ import annotations

import re

from bot.follow_up import refers_back

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


def asked_spans(text: str) -> list[tuple[int, int]]:
    """What a message that tells a story first asks about: empty when it is all one question.

    Each asking sentence counts, with the sentence just before it when it points back ("my hands
    are the worst bit now. what would you suggest for them?", "my doctor wants me on
    methotrexate. is that a good idea?"); an asking sentence that points back to nothing before it
    leaves the whole message to judge. A message with no asking sentence is judged whole too.
    """
    spans = sentence_spans(text)
    if len(spans) < 2:
        return []
    asked: list[tuple[int, int]] = []
    for n, (a, b) in enumerate(spans):
        if "?" not in text[a:b]:
            continue
        if refers_back(text[a:b]):
            if n == 0:
                return []
            a = spans[n - 1][0]
        asked.append((a, b))
    return asked
