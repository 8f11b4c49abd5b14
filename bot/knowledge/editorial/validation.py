"""Checks a draft with the same rules as `kb validate` and the reading limits, field by field."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from bot.knowledge import readability
from bot.knowledge import tables as kb
from bot.knowledge.editorial.model import EDITABLE_FIELDS, Check, Problem
from bot.knowledge.files import read_entry
from bot.knowledge.schema import Entry, Source
from bot.knowledge.schema import Problem as FileProblem

_LIST_FIELDS = ("sources", "subtypes", "keywords")
_WORD = re.compile(r"[a-z0-9]+")
# Words of a new entry's answer that make its id: enough to tell it apart, short enough to read.
_ID_WORDS = 4


def normalise(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Return the editable fields as an entry file holds them.

    A form sends lists as text (one item per line or comma) and an empty detail as "", so both
    shapes are accepted; anything else is passed through for the entry rules to name.
    """
    clean: dict[str, Any] = {}
    for name in EDITABLE_FIELDS:
        value = fields.get(name)
        if name in _LIST_FIELDS and isinstance(value, str):
            value = split_items(value)
        if name == "detail" and isinstance(value, str) and not value.strip():
            value = None
        if value is not None:
            clean[name] = value
    return clean


def split_items(text: str) -> list[str]:
    """Return the items of a list typed as text: one per comma or line, blanks dropped."""
    return [item.strip() for item in re.split(r"[,\n]", text) if item.strip()]


def entry_id_for(
    conn: Connection, entry_id: str | None, topic: str, fields: Mapping[str, Any]
) -> str:
    """Return ``entry_id``, or for a new entry (None) an unused id made from its answer."""
    if entry_id is not None:
        return entry_id
    taken = set(conn.execute(select(kb.entries.c.id)).scalars())
    return new_entry_id(topic, str(fields.get("answer") or ""), taken)


def new_entry_id(topic: str, answer: str, taken: Collection[str]) -> str:
    """Return an unused id for a new entry: the topic and the first words of its answer."""
    words = _WORD.findall(answer.lower())[:_ID_WORDS] or ["new"]
    base = "-".join([topic.replace("_", "-"), *words])
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def check_fields(
    conn: Connection, entry_id: str, topic: str, fields: Mapping[str, Any]
) -> tuple[Check, Entry | None]:
    """Return the check of a draft and, when it passes, the entry it would publish.

    The entry rules are those of the files (bot/knowledge/files.py) and the reading limits those
    of bot/knowledge/readability.py, so the console cannot accept what `kb validate` refuses.
    """
    problems = [Problem(name, "cannot be edited") for name in fields if name not in EDITABLE_FIELDS]
    topics = set(conn.execute(select(kb.topics.c.id)).scalars())
    if topic not in topics:
        problems.append(Problem("topic", f"unknown topic '{topic}'"))
    current_topic = conn.execute(
        select(kb.entries.c.topic).where(kb.entries.c.id == entry_id)
    ).scalar()
    if current_topic is not None and current_topic != topic:
        problems.append(Problem("topic", f"the entry belongs to '{current_topic}'"))
    sources = {
        r.id: Source(r.id, r.kind, r.short, r.citation, r.url)
        for r in conn.execute(select(kb.sources))
    }
    raw = {"id": entry_id, "reviewed": dt.date.today().isoformat(), **normalise(fields)}
    found: list[FileProblem] = []
    entry = read_entry(raw, "draft", topic, sources, 0, found)
    problems += [Problem(p.field or "entry", p.message) for p in found]
    answer, detail = _text(raw.get("answer")), _text(raw.get("detail"))
    answer_figures = readability.measure(answer) if answer else None
    detail_figures = readability.measure(detail) if detail else None
    if answer:
        problems += [Problem("answer", m) for m in readability.answer_problems(answer)]
    if detail:
        problems += [Problem("detail", m) for m in readability.detail_problems(detail)]
    result = Check(
        problems=tuple(problems),
        answer_grade=answer_figures.grade if answer_figures else None,
        detail_grade=detail_figures.grade if detail_figures else None,
        answer_words=answer_figures.words if answer_figures else 0,
        longest_sentence_words=answer_figures.longest_sentence if answer_figures else 0,
    )
    return result, entry if result.ok else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None
