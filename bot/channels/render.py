"""Channel-aware rendering: the one place a reply is fitted to what a messaging platform can show.

Input is what an action sends (the composer's structured payload and its buttons, or plain text);
output is the list of messages to deliver, in order. Each channel differs only in its `Limits`,
so the rules that protect users hold everywhere: the body comes first and a warning-sign reply is
never cut, the disclaimers and sources are always in the text, and nothing exceeds the platform's
limits. Where a channel has no buttons, options become numbered lines a user answers with a digit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeGuard

from bot.compose import Button, ReplyType, reply_blocks

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_URGENT = {ReplyType.RED_FLAG.value, ReplyType.CRISIS.value}
ELLIPSIS = "…"


@dataclass(frozen=True)
class Limits:
    """What one platform accepts in a message.

    Attributes:
        max_chars: characters in one message's text.
        max_buttons: buttons on one message; 0 means none, so options are numbered in the text.
        max_title: characters in a button's label.
        max_payload_bytes: bytes a button may carry back; a longer payload sends the label.
        compact_disclaimers: use the disclaimers' short wording.
        number_parts: prefix "(1/3)" when a reply takes several messages, for channels such as
            SMS that may deliver them out of order.
    """

    max_chars: int
    max_buttons: int = 0
    max_title: int = 0
    max_payload_bytes: int = 0
    compact_disclaimers: bool = False
    number_parts: bool = False


# Telegram: 4096 characters a message; inline buttons carry at most 64 bytes of callback data.
TELEGRAM = Limits(max_chars=4096, max_buttons=20, max_title=64, max_payload_bytes=64)
# Messenger: 2000 characters; at most 13 quick replies of 20 characters, payloads of 1000.
MESSENGER = Limits(max_chars=2000, max_buttons=13, max_title=20, max_payload_bytes=1000)


def sms(max_chars: int) -> Limits:
    """SMS and WhatsApp through Twilio: no buttons, short wording, numbered parts."""
    return Limits(max_chars=max_chars, compact_disclaimers=True, number_parts=True)


@dataclass(frozen=True)
class Outgoing:
    """One message to deliver: its text and the buttons shown under it."""

    text: str
    buttons: tuple[Button, ...] = ()


def is_reply_payload(custom: Any) -> TypeGuard[Mapping[str, Any]]:
    """Whether a custom message is a composer payload (rather than a platform-specific one)."""
    return isinstance(custom, Mapping) and "body" in custom and "disclaimer_texts" in custom


def render_reply(
    payload: Mapping[str, Any], buttons: Sequence[Mapping[str, Any]], limits: Limits
) -> list[Outgoing]:
    """Render a composer payload for a platform.

    A warning-sign or crisis body is kept whole in the first message; everything else may be
    split at sentence boundaries.
    """
    blocks = reply_blocks(payload, compact=limits.compact_disclaimers)
    keep_whole = 1 if payload.get("type") in _URGENT else 0
    return _render(blocks, buttons, limits, keep_whole)


def render_text(text: str, buttons: Sequence[Mapping[str, Any]], limits: Limits) -> list[Outgoing]:
    """Render plain text (a domain response, or a volunteer's reply) for a platform."""
    blocks = [b.strip() for b in text.split("\n\n") if b.strip()]
    return _render(blocks, buttons, limits, keep_whole=0)


def _render(
    blocks: list[str], buttons: Sequence[Mapping[str, Any]], limits: Limits, keep_whole: int
) -> list[Outgoing]:
    options = [Button(str(b["title"]), str(b["payload"])) for b in buttons]
    shown: tuple[Button, ...] = ()
    if limits.max_buttons:
        shown = tuple(_fit_button(b, limits) for b in options[: limits.max_buttons])
    elif options:
        blocks = [*blocks, numbered_options(options)]
    marker_room = len("(99/99) ") if limits.number_parts else 0
    texts = split_blocks(blocks, limits.max_chars - marker_room, keep_whole)
    if limits.number_parts and len(texts) > 1:
        texts = [f"({i}/{len(texts)}) {t}" for i, t in enumerate(texts, start=1)]
    messages = [Outgoing(t) for t in texts]
    messages[-1] = Outgoing(messages[-1].text, shown)
    return messages


def numbered_options(options: Sequence[Button]) -> str:
    """The options as lines a user answers with a number (see `bot.channels.numbered`)."""
    lines = [f"{i}. {b.title}" for i, b in enumerate(options, start=1)]
    return "Reply with a number:\n" + "\n".join(lines)


def _fit_button(button: Button, limits: Limits) -> Button:
    title = shorten(button.title, limits.max_title)
    payload = button.payload
    if len(payload.encode()) > limits.max_payload_bytes:
        payload = button.title  # typed words reach the same answer through the NLU
    return Button(title, payload)


def shorten(text: str, limit: int) -> str:
    """Cut ``text`` to ``limit`` characters at a word boundary, marking the cut with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS)]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:") + ELLIPSIS


def split_blocks(blocks: Sequence[str], limit: int, keep_whole: int = 0) -> list[str]:
    """Pack paragraphs into as few messages of at most ``limit`` characters as possible, in order.

    A paragraph too long for one message is split between sentences (between words, as a last
    resort). The first ``keep_whole`` paragraphs are never split: they open the first message.

    Raises:
        ValueError: a paragraph that must stay whole does not fit in one message.
    """
    if sum(len(b) for b in blocks[:keep_whole]) + 2 * (keep_whole - 1) > limit:
        raise ValueError(f"the first {keep_whole} paragraph(s) must fit in {limit} characters")
    pieces = (
        piece
        for block in blocks
        for piece in ([block] if len(block) <= limit else _pack(_units(block, limit), limit, " "))
    )
    return _pack(pieces, limit, "\n\n")


def _pack(units: Iterable[str], limit: int, separator: str) -> list[str]:
    """Join consecutive units (each at most ``limit`` long) into runs of at most ``limit``."""
    runs: list[str] = []
    current = ""
    for unit in units:
        joined = f"{current}{separator}{unit}" if current else unit
        if len(joined) <= limit:
            current = joined
        else:
            runs.append(current)
            current = unit
    if current:
        runs.append(current)
    return runs


def _units(block: str, limit: int) -> list[str]:
    units: list[str] = []
    for sentence in _SENTENCE_END.split(block):
        if len(sentence) <= limit:
            units.append(sentence)
            continue
        for word in sentence.split():
            units.extend(word[i : i + limit] for i in range(0, len(word), limit))
    return units
