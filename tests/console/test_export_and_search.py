"""Export passes Rasa's validation; search answers with disclaimers; similar questions group."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.console.export import ExportError, domain_intents, nlu_candidates
from bot.console.search import search_answer
from bot.console.similarity import cluster
from bot.guide import Guide
from bot.nlp.analyzer import Analyzer
from bot.settings import PROJECT_ROOT

INTENTS = domain_intents(PROJECT_ROOT / "domain.yml")


def test_export_passes_rasa_data_validate(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data", data)
    document = nlu_candidates(
        "ask_exercise_safety",
        [
            "can i do [squats](body_part) after a flare?",
            "is cycling ok when my CK is high",
            "/greet",
        ],
        INTENTS,
    )
    assert "- can i do squats(body_part) after a flare?" in document
    assert "/greet" not in document
    (data / "nlu" / "console_candidates.yml").write_text(document, encoding="utf-8")
    rasa = Path(sys.executable).with_name("rasa")
    result = subprocess.run(
        [
            str(rasa),
            "data",
            "validate",
            "--data",
            str(data),
            "--domain",
            str(PROJECT_ROOT / "domain.yml"),
            "--config",
            str(PROJECT_ROOT / "config.yml"),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_export_refuses_unknown_intents_and_empty_choices() -> None:
    with pytest.raises(ExportError):
        nlu_candidates("not_an_intent", ["hello there"], INTENTS)
    with pytest.raises(ExportError):
        nlu_candidates("greet", ["   ", "/greet"], INTENTS)


def test_search_gives_the_approved_answer_with_disclaimers(guide: Guide) -> None:
    reply = search_answer(guide, "is swimming good for myositis?")
    assert reply is not None
    assert reply.payload["topic"] == "hydrotherapy"
    assert all(s["short"] in reply.text for s in reply.payload["sources"]), "every source"
    assert "tell me more" not in reply.text
    assert "talk to your doctor" in reply.text
    assert "pregnant" in reply.text
    chosen = search_answer(guide, "how do I start?", "getting_started")
    assert chosen is not None
    assert chosen.payload["topic"] == "getting_started"
    assert search_answer(guide, "anything", "no_such_topic") is None


def test_similar_questions_are_grouped(analyzer: Analyzer) -> None:
    groups = cluster(
        analyzer,
        [
            "can I lift weights with my myositis",
            "can I lift heavy weights",
            "can I lift weights with my myositis",
            "what about my cat",
        ],
    )
    assert [g.size for g in groups] == [3, 1]
    assert groups[0].example == "can I lift weights with my myositis"
    assert set(groups[0].questions) == {
        "can I lift weights with my myositis",
        "can I lift heavy weights",
    }
