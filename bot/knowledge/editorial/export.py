"""Writes the published entries back to knowledge/entries/*.yml, so a change can be committed.

The files keep their layout (one per topic, entries in order, long texts folded) so that the
diff of an export shows only what was published; fields at their default are left out.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Iterable, Sequence
from pathlib import Path

import yaml
from sqlalchemy.engine import Engine

from bot.knowledge import repository
from bot.knowledge.editorial import state
from bot.knowledge.schema import Entry

# Folded texts wrap at this many characters after their indentation, as the files were written.
WIDTH = 110
_FOLDED = ("answer", "detail", "evidence")
_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 .%/-]*")
_ENTRY_START = re.compile(r"(?m)^(?=  - id: )")


def export(engine: Engine, knowledge_dir: Path) -> list[Path]:
    """Write every topic's entries file from the database and return the files that changed."""
    knowledge = repository.read(engine)
    written = []
    for topic in knowledge.topics:
        path = knowledge_dir / "entries" / f"{topic}.yml"
        old = path.read_text(encoding="utf-8") if path.exists() else None
        text = entries_document(topic, knowledge.entries_of(topic), old)
        if text != old:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    with engine.begin() as conn:
        state.mark_exported(conn, knowledge.version)
    return written


def entries_document(topic: str, entries: Sequence[Entry], old: str | None = None) -> str:
    """Return the YAML of one topic's entries file.

    An entry whose file text (``old``) says the same is kept exactly as written, comments and
    line breaks included, so an export changes only the lines of entries that changed.
    """
    header, kept = _split(old) if old else (f"topic: {topic}\nentries:\n", {})
    parts = []
    for i, entry in enumerate(entries):
        body = "\n".join(_entry_lines(entry)) + "\n"
        old_body, tail = kept.get(entry.id, ("", ""))
        if old_body and _same(old_body, body):
            body = old_body
        if not tail and i < len(entries) - 1:
            tail = "\n"  # a blank line between entries
        parts.append(body + tail)
    return header + "".join(parts)


def _split(text: str) -> tuple[str, dict[str, tuple[str, str]]]:
    """Split a file into its header and, by entry id, each entry's text and what follows it."""
    header, *parts = _ENTRY_START.split(text)
    kept = {}
    for part in parts:
        lines = part.splitlines(keepends=True)
        end = len(lines)
        while end > 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
            end -= 1
        raw = yaml.safe_load(part)
        kept[str(raw[0]["id"])] = ("".join(lines[:end]), "".join(lines[end:]))
    return header, kept


def _same(old: str, new: str) -> bool:
    return bool(yaml.safe_load(old) == yaml.safe_load(new))


def _entry_lines(entry: Entry) -> list[str]:
    lines = [f"  - id: {entry.id}", f"    subtypes: {_flow(entry.subtypes)}"]
    for name in _FOLDED[:2]:
        lines += _folded(name, getattr(entry, name))
    lines.append(f"    sources: {_flow(entry.sources)}")
    lines += _folded("evidence", entry.evidence)
    lines.append(f"    reviewed: {entry.reviewed.isoformat()}")
    if entry.reviewed_by:
        lines.append(f"    reviewed_by: {_scalar(entry.reviewed_by)}")
    if entry.next_review:
        lines.append(f"    next_review: {entry.next_review.isoformat()}")
    if entry.version != 1:
        lines.append(f"    version: {entry.version}")
    if entry.keywords:
        lines.append(f"    keywords: {_flow(entry.keywords)}")
    return lines


def _folded(name: str, text: str | None) -> list[str]:
    if not text:
        return []
    wrapped = textwrap.wrap(text, WIDTH, break_long_words=False, break_on_hyphens=False)
    return [f"    {name}: >-"] + [f"      {line}" for line in wrapped]


def _flow(items: Iterable[str]) -> str:
    return "[" + ", ".join(_scalar(item) for item in items) + "]"


def _scalar(text: str) -> str:
    """Return ``text`` plain when YAML reads it back as the same string, else quoted."""
    if _PLAIN.fullmatch(text) and yaml.safe_load(text) == text:
        return text
    return json.dumps(text, ensure_ascii=False)
