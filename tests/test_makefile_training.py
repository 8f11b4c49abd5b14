"""`make train` retrains whenever the training data changes, a removed file included."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

from bot.settings import PROJECT_ROOT

# Files the model's rule depends on, besides the training data: present and older than the stamps.
PREREQUISITES = (
    "requirements.lock",
    "requirements-bootstrap.lock",
    "tools/find-python310",
    "knowledge/vocabulary.yml",
    "bot/nlp/pipeline_builder.py",
    "bot/nlp/english.py",
    "bot/knowledge/vocabulary.py",
    "config.yml",
    "domain.yml",
)


def _make_train(project: Path) -> bool:
    """Run `make train` with a stand-in for Rasa; whether it trained."""
    result = subprocess.run(
        ["make", "--no-print-directory", "RASA=echo TRAINING", "train"],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "MAKEFLAGS": ""},
    )
    return "TRAINING" in result.stdout


def test_removing_a_training_file_retrains(tmp_path: Path) -> None:
    shutil.copy(PROJECT_ROOT / "Makefile", tmp_path / "Makefile")
    for name in (*PREREQUISITES, "data/nlu/a.yml", "data/nlu/b.yml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x\n")
    time.sleep(0.01)
    (tmp_path / "build" / "stamps").mkdir(parents=True)
    for stamp in ("venv", "pipeline"):
        (tmp_path / "build" / "stamps" / stamp).touch()
    (tmp_path / "models").mkdir()

    assert _make_train(tmp_path)
    assert not _make_train(tmp_path)  # nothing changed
    (tmp_path / "data" / "nlu" / "b.yml").unlink()
    assert _make_train(tmp_path)
    assert not _make_train(tmp_path)
