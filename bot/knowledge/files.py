"""Reads the knowledge folder into a validated KnowledgeSet, reporting every problem at once."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.schema import (
    ALL_SUBTYPES,
    REQUIRED_DISCLAIMERS,
    REQUIRED_MESSAGES,
    SUBTYPES,
    Disclaimer,
    Entry,
    FieldReader,
    KnowledgeError,
    KnowledgeSet,
    Problem,
    Source,
    Topic,
    count_sentences,
)

SOURCE_KINDS = ("study", "review", "guidance", "page")
# In the order `kb export` writes them.
ENTRY_FIELDS = (
    "id",
    "subtypes",
    "answer",
    "detail",
    "sources",
    "evidence",
    "reviewed",
    "reviewed_by",
    "next_review",
    "version",
    "keywords",
)
ANSWER_SENTENCES = range(2, 5)


class _Reader:
    """Collects problems while reading each file, so one run reports them all."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []

    def name(self, path: Path) -> str:
        return str(path.relative_to(self.root.parent))

    def load_list(self, path: Path, key: str) -> list[Any]:
        """Return the list under ``key`` of a YAML file, or record why it cannot be read."""
        document = self.load_yaml(path)
        if document is None:
            return []
        items = document.get(key) if isinstance(document, dict) else None
        if not isinstance(items, list):
            self.problems.append(Problem(self.name(path), None, key, "must be a list"))
            return []
        return items

    def load_yaml(self, path: Path) -> Any:
        try:
            return yaml.safe_load(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            self.problems.append(Problem(self.name(path), None, None, "file is missing"))
        except yaml.YAMLError as error:
            self.problems.append(Problem(self.name(path), None, None, f"not valid YAML: {error}"))
        return None

    def topics(self) -> dict[str, Topic]:
        path = self.root / "topics.yml"
        raw_topics = self.load_list(path, "topics")
        topics: dict[str, Topic] = {}
        for raw in raw_topics:
            fields = FieldReader(raw, self.name(path), _raw_id(raw), self.problems)
            tid, title, button = fields.ident(), fields.text("title"), fields.text("button")
            nxt = fields.strings("next", required=False)
            claims = fields.strings("claims", required=False)
            if tid in topics:
                fields.fail("id", "duplicate topic id")
            elif tid and title and button and nxt is not None and claims is not None:
                topics[tid] = Topic(tid, title, button, nxt, claims)
        for topic in topics.values():
            for other in topic.next:
                if other not in topics:
                    self.problems.append(
                        Problem(self.name(path), topic.id, "next", f"unknown topic '{other}'")
                    )
        return topics

    def sources(self) -> dict[str, Source]:
        path = self.root / "sources.yml"
        sources: dict[str, Source] = {}
        for raw in self.load_list(path, "sources"):
            fields = FieldReader(raw, self.name(path), _raw_id(raw), self.problems)
            sid, kind = fields.ident(), fields.text("kind")
            short, citation = fields.text("short"), fields.text("citation")
            url = fields.text("url", required=False)
            if kind is not None and kind not in SOURCE_KINDS:
                fields.fail("kind", f"must be one of {', '.join(SOURCE_KINDS)}")
                kind = None
            if url is not None and not url.startswith(("http://", "https://")):
                fields.fail("url", "must be an http(s) link")
                url = None
            if sid in sources:
                fields.fail("id", "duplicate source id")
            elif sid and kind and short and citation:
                sources[sid] = Source(sid, kind, short, citation, url)
        return sources

    def disclaimers(self) -> dict[str, Disclaimer]:
        path = self.root / "disclaimers.yml"
        disclaimers: dict[str, Disclaimer] = {}
        for raw in self.load_list(path, "disclaimers"):
            fields = FieldReader(raw, self.name(path), _raw_id(raw), self.problems)
            did, text = fields.ident(), fields.text("text")
            compact, reviewed = fields.text("compact"), fields.date("reviewed")
            if did and text and compact and reviewed:
                disclaimers[did] = Disclaimer(did, text, compact, reviewed)
        for required in REQUIRED_DISCLAIMERS:
            if required not in disclaimers:
                self.problems.append(
                    Problem(self.name(path), required, None, "required disclaimer is missing")
                )
        return disclaimers

    def messages(self) -> dict[str, str]:
        path = self.root / "messages.yml"
        document = self.load_yaml(path)
        raw = document.get("messages") if isinstance(document, dict) else None
        fields = FieldReader(raw, self.name(path), None, self.problems)
        messages = {key: fields.text(key) for key in REQUIRED_MESSAGES}
        for unknown in sorted(set(fields.raw) - set(REQUIRED_MESSAGES)):
            fields.fail(unknown, "unknown message")
        return {key: text for key, text in messages.items() if text}

    def entries(self, topics: dict[str, Topic], sources: dict[str, Source]) -> list[Entry]:
        entries: list[Entry] = []
        seen: dict[str, str] = {}
        for path in sorted((self.root / "entries").glob("*.yml")):
            file = self.name(path)
            document = self.load_yaml(path)
            if document is None:
                continue
            header = FieldReader(document, file, None, self.problems)
            topic = header.ident("topic")
            if topic is not None and topic != path.stem:
                header.fail("topic", f"'{topic}' does not match the file name '{path.stem}'")
            elif topic is not None and topic not in topics:
                header.fail("topic", f"unknown topic '{topic}' (not in topics.yml)")
            raw_entries = header.raw.get("entries")
            if not isinstance(raw_entries, list) or not raw_entries:
                header.fail("entries", "must be a non-empty list")
                continue
            for raw in raw_entries:
                entry = read_entry(
                    raw, file, topic or path.stem, sources, len(entries), self.problems
                )
                if entry is None:
                    continue
                if entry.id in seen:
                    self.problems.append(
                        Problem(file, entry.id, "id", f"duplicate id, also in {seen[entry.id]}")
                    )
                    continue
                seen[entry.id] = file
                entries.append(entry)
        covered = {e.topic for e in entries}
        for topic_id in topics:
            if topic_id not in covered:
                self.problems.append(
                    Problem(f"entries/{topic_id}.yml", None, None, "topic has no entries")
                )
        return entries


def read_entry(
    raw: Any,
    file: str,
    topic: str,
    sources: Mapping[str, Source],
    position: int,
    problems: list[Problem],
) -> Entry | None:
    """Validate one entry as written in a file (or drafted in the console).

    Every problem is appended to ``problems``, named by field, so the files and the console's
    editor apply exactly the same rules.
    """
    fields = FieldReader(raw, file, _raw_id(raw), problems)
    for unknown in sorted(set(fields.raw) - set(ENTRY_FIELDS)):
        fields.fail(unknown, "unknown field")
    eid = fields.ident()
    subtypes = fields.strings("subtypes")
    if subtypes is not None and not subtypes:
        fields.fail("subtypes", f"must name at least one subtype or '{ALL_SUBTYPES}'")
        subtypes = None
    for subtype in subtypes or ():
        if subtype != ALL_SUBTYPES and subtype not in SUBTYPES:
            fields.fail("subtypes", f"unknown subtype '{subtype}'")
            subtypes = None
    answer = fields.text("answer")
    if answer is not None and count_sentences(answer) not in ANSWER_SENTENCES:
        fields.fail("answer", f"must be 2-4 sentences, has {count_sentences(answer)}")
        answer = None
    cited = fields.strings("sources")
    if cited is not None and not cited:
        fields.fail("sources", "must cite at least one source")
        cited = None
    for sid in cited or ():
        if sid not in sources:
            fields.fail("sources", f"unknown study id '{sid}' (not in sources.yml)")
            cited = None
    evidence, reviewed = fields.text("evidence"), fields.date("reviewed")
    detail = fields.text("detail", required=False)
    keywords = fields.strings("keywords", required=False)
    version = fields.positive("version", 1)
    next_review = fields.date("next_review", required=False)
    reviewed_by = fields.text("reviewed_by", required=False)
    if not (eid and subtypes and answer and cited and evidence and reviewed and version):
        return None
    return Entry(
        id=eid,
        topic=topic,
        subtypes=subtypes,
        answer=answer,
        detail=detail,
        sources=cited,
        evidence=evidence,
        reviewed=reviewed,
        keywords=keywords or (),
        position=position,
        version=version,
        next_review=next_review,
        reviewed_by=reviewed_by,
    )


def _raw_id(raw: Any) -> str | None:
    value = raw.get("id") if isinstance(raw, dict) else None
    return value if isinstance(value, str) else None


def read_knowledge(root: Path) -> KnowledgeSet:
    """Read and validate the knowledge folder.

    Raises:
        KnowledgeError: naming the file, entry and field of every problem found.
    """
    reader = _Reader(root)
    topics = reader.topics()
    sources = reader.sources()
    disclaimers = reader.disclaimers()
    messages = reader.messages()
    entries = reader.entries(topics, sources)
    if reader.problems:
        raise KnowledgeError(reader.problems)
    return KnowledgeSet(topics, tuple(entries), sources, disclaimers, messages)
