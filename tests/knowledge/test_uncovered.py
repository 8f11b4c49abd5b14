"""knowledge/uncovered.yml: checked like the other knowledge files, matched on the question."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli import main
from bot.guide import Guide
from bot.knowledge import readability
from bot.knowledge.schema import KnowledgeError, Subject
from bot.knowledge.uncovered import read_uncovered
from bot.settings import load_settings
from tests.knowledge.test_readability import MIN_WORDS_FOR_GRADE

SUBJECTS = read_uncovered(load_settings().knowledge_dir / "uncovered.yml")


def _edit(folder: Path, change: dict[str, Any]) -> None:
    path = folder / "uncovered.yml"
    doc = yaml.safe_load(path.read_text())
    doc["subjects"][0].update(change)
    path.write_text(yaml.safe_dump(doc, sort_keys=False))


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": ""}, "name", "must be non-empty text"),
        ({"when": [["sun", "exercise"]]}, "when", "must be a list of lists of phrases"),
        ({"when": []}, "when", "must be a non-empty list of patterns"),
        ({"wen": [[["sun"]]]}, "wen", "unknown field"),
        ({"whole_message": "yes"}, "whole_message", "must be true or false"),
        ({"reviewed": "soon"}, "reviewed", "must be a date"),
    ],
)
def test_a_bad_subject_fails_the_load_naming_its_field(
    knowledge_copy: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    change: dict[str, Any],
    field: str,
    message: str,
) -> None:
    _edit(knowledge_copy, change)
    with pytest.raises(KnowledgeError, match=f"{SUBJECTS[0].id}': field '{field}'"):
        read_uncovered(knowledge_copy / "uncovered.yml")
    monkeypatch.setenv("KNOWLEDGE_DIR", str(knowledge_copy))
    assert main(["kb", "validate"]) == 1
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("subject", SUBJECTS, ids=lambda s: s.id)
def test_the_not_covered_reply_keeps_the_message_limits(guide: Guide, subject: Subject) -> None:
    reply = guide.composer.not_covered(subject)
    (body,) = reply.payload["body"]
    figures = readability.measure(body)
    assert figures.words >= MIN_WORDS_FOR_GRADE
    assert figures.grade <= readability.MESSAGE_MAX_GRADE, body
    assert figures.longest_sentence <= readability.SENTENCE_MAX_WORDS, body


def test_the_question_decides_not_the_story(guide: Guide) -> None:
    story = "I use a walking stick since my fall."
    question = "How often should I exercise?"
    assert guide.uncovered.find(question, f"{story} {question}") is None
    assert guide.uncovered.find(story, story) is not None


def test_a_subject_the_story_sets_is_read_in_the_whole_message(guide: Guide) -> None:
    message = "I have lung disease with my myositis. Can I go hiking?"
    found = guide.uncovered.find("Can I go hiking?", message)
    assert found is not None
    assert found.id == "lung-or-heart-involvement"


@pytest.mark.parametrize(
    "message",
    [
        "our 6 year old has juvenile polymyositis, no rash at all. the hospital says she needs an "
        "exercise programme. what does that even look like?",
        "I don't have lung disease, but can I run with DM?",
    ],
)
def test_a_subject_the_message_denies_is_not_asked_about(guide: Guide, message: str) -> None:
    assert guide.uncovered.find(message, message) is None


def test_a_subject_named_without_denial_is_still_found(guide: Guide) -> None:
    message = "does the rash get worse when I exercise?"
    found = guide.uncovered.find(message, message)
    assert found is not None
    assert found.id == "dm-skin-and-sun"


def test_kb_stats_lists_the_subjects(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "stats"]) == 0
    assert f"{len(SUBJECTS)} subjects our sources do not cover" in capsys.readouterr().out
