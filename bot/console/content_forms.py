"""The draft form's fields as the browser sends them, and as the editorial service takes them.

One parser serves the form submit and the live check, so what the editor sees while typing is
exactly what is checked when the draft is saved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from multidict import MultiDictProxy

from bot.knowledge.editorial.validation import split_items
from bot.knowledge.schema import ALL_SUBTYPES, SUBTYPES

# The editable fields, in the order the form shows them, with their labels.
FIELD_LABELS: dict[str, str] = {
    "answer": "Answer",
    "detail": "More detail (shown by 'Tell me more')",
    "sources": "Sources (source ids, separated by commas)",
    "evidence": "How strong the evidence is",
    "subtypes": "Who it applies to",
    "keywords": "Keywords people might use (separated by commas)",
}
TEXT_FIELDS = ("answer", "detail", "evidence")
LIST_FIELDS = ("sources", "keywords")
SUBTYPE_CHOICES = (ALL_SUBTYPES, *SUBTYPES)


@dataclass(frozen=True)
class FieldRow:
    """One field of the side-by-side view: the published wording and the proposed one."""

    name: str
    label: str
    current: str
    proposed: str

    @property
    def changed(self) -> bool:
        """Whether the draft changes this field."""
        return self.current != self.proposed


def _text(value: str) -> str:
    """Text as the content files keep it: runs of white space (line breaks too) made one space."""
    return " ".join(value.split())


def fields_from_form(form: MultiDictProxy[Any]) -> dict[str, Any]:
    """The service's ``fields`` from a submitted draft form (missing fields count as empty)."""
    fields: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        value = form.get(name, "")
        fields[name] = _text(value) if isinstance(value, str) else ""
    fields["detail"] = fields["detail"] or None
    for name in LIST_FIELDS:
        value = form.get(name, "")
        fields[name] = split_items(value) if isinstance(value, str) else []
    fields["subtypes"] = [s for s in form.getall("subtypes", []) if isinstance(s, str)]
    return fields


def _shown(value: Any) -> str:
    """A field's value as one line of the form or the side-by-side view."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, Iterable):
        return ", ".join(str(v) for v in value)
    return str(value)


def form_values(fields: Mapping[str, Any]) -> dict[str, Any]:
    """What the form's inputs hold for ``fields``: text for each input, a list of subtypes."""
    values: dict[str, Any] = {name: _shown(fields.get(name)) for name in FIELD_LABELS}
    values["subtypes"] = [str(s) for s in fields.get("subtypes") or ()]
    return values


def side_by_side(current: Mapping[str, Any] | None, proposed: Mapping[str, Any]) -> list[FieldRow]:
    """Every editable field, published against proposed (empty for a new entry)."""
    before = current or {}
    return [
        FieldRow(name, label, _shown(before.get(name)), _shown(proposed.get(name)))
        for name, label in FIELD_LABELS.items()
    ]


def problems_by_field(problems: Sequence[Any]) -> dict[str, list[str]]:
    """Problem messages grouped under the field they name, for showing beside each input."""
    grouped: dict[str, list[str]] = {}
    for problem in problems:
        grouped.setdefault(problem.field, []).append(problem.message)
    return grouped
