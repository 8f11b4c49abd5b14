"""Rasa's own checks on the training data and the test stories, as `make test` runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.settings import PROJECT_ROOT

RASA = str(Path(sys.executable).with_name("rasa"))
MODEL = PROJECT_ROOT / "models" / "myositis.tar.gz"


def _rasa(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [RASA, *args], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
    )


def test_training_data_validates_without_warnings() -> None:
    result = _rasa("data", "validate", "--fail-on-warnings")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_stories_are_predicted_without_errors(tmp_path: Path) -> None:
    result = _rasa(
        "test",
        "core",
        "--model",
        str(MODEL),
        "--stories",
        "tests/stories",
        "--fail-on-prediction-errors",
        "--out",
        str(tmp_path),
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = (tmp_path / "failed_test_stories.yml").read_text()
    assert "None of the test stories failed" in report
