"""The real-language set: patients' and carers' own wording, each message labelled.

The set is split by a stable hash of each item's id into a development half, whose failures may
be read and worked on, and a test half, whose figures are only reported (tests/eval/real/README.md).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from bot.settings import PROJECT_ROOT

REAL_SET = PROJECT_ROOT / "tests" / "eval" / "real"
Half = Literal["dev", "test"]
HALVES: tuple[Half, ...] = ("dev", "test")
KINDS = ("answer", "red_flag", "crisis", "out_of_scope", "fallback")
URGENCIES = ("emergency", "same_day", "review")


def half_of(item_id: str) -> Half:
    """The half an item belongs to, from its id alone, so adding items never moves others."""
    return "dev" if hashlib.sha256(item_id.encode()).digest()[0] % 2 == 0 else "test"


@dataclass(frozen=True)
class Expected:
    """What a careful assistant should send for one message.

    ``also`` names other reply types that are defensible too (a cautious check for a message
    that mentions a flare, say), so they count as right.
    """

    kind: str
    topics: tuple[str, ...] = ()
    urgencies: tuple[str, ...] = ()
    also: tuple[str, ...] = ()
    language: str | None = None

    @classmethod
    def read(cls, raw: dict[str, Any]) -> Expected:
        """Read the labels of one item or turn."""
        return cls(
            kind=raw["kind"],
            topics=tuple(raw.get("topics") or ()),
            urgencies=tuple(raw.get("urgency") or ()),
            also=tuple(raw.get("also") or ()),
            language=raw.get("language"),
        )


@dataclass(frozen=True)
class Item:
    """One single message, sent as the first message of a fresh conversation."""

    id: str
    text: str
    source: str
    expected: Expected


@dataclass(frozen=True)
class Turn:
    """One message of a conversation; ``context`` marks a turn that needs the earlier ones."""

    text: str
    expected: Expected
    context: bool


@dataclass(frozen=True)
class Conversation:
    """Several messages from one person, sent in order in one conversation."""

    id: str
    source: str
    turns: tuple[Turn, ...]


def _read(path: Path) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = yaml.safe_load(path.read_text())["items"]
    return entries


def load_items(half: Half, folder: Path = REAL_SET) -> list[Item]:
    """Read one half's single messages."""
    return [
        Item(raw["id"], raw["text"], raw["source"], Expected.read(raw))
        for raw in _read(folder / f"{half}.yml")
    ]


def load_conversations(half: Half, folder: Path = REAL_SET) -> list[Conversation]:
    """Read one half's conversations."""
    return [
        Conversation(
            raw["id"],
            raw["source"],
            tuple(Turn(t["text"], Expected.read(t), bool(t.get("context"))) for t in raw["turns"]),
        )
        for raw in _read(folder / f"conversations_{half}.yml")
    ]
