"""An entry as JSON content: how versions store it and how drafts are turned into entries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from bot.knowledge.schema import Entry


def entry_content(entry: Entry) -> dict[str, Any]:
    """Return what a version of ``entry`` records, as JSON-ready values."""
    return {
        "id": entry.id,
        "topic": entry.topic,
        "subtypes": list(entry.subtypes),
        "answer": entry.answer,
        "detail": entry.detail,
        "sources": list(entry.sources),
        "evidence": entry.evidence,
        "reviewed": entry.reviewed.isoformat(),
        "reviewed_by": entry.reviewed_by,
        "next_review": entry.next_review.isoformat() if entry.next_review else None,
        "keywords": list(entry.keywords),
    }


def entry_from_content(content: Mapping[str, Any], version: int, position: int) -> Entry:
    """Return the entry a version's ``content`` describes."""
    next_review = content.get("next_review")
    return Entry(
        id=content["id"],
        topic=content["topic"],
        subtypes=tuple(content["subtypes"]),
        answer=content["answer"],
        detail=content.get("detail"),
        sources=tuple(content["sources"]),
        evidence=content["evidence"],
        reviewed=dt.date.fromisoformat(content["reviewed"]),
        keywords=tuple(content.get("keywords") or ()),
        position=position,
        version=version,
        next_review=dt.date.fromisoformat(next_review) if next_review else None,
        reviewed_by=content.get("reviewed_by"),
    )
