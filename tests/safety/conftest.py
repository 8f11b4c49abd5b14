"""The safety net's tests share one detector over the project's lexicon."""

from __future__ import annotations

import pytest

from bot.safety.detector import Detector
from bot.safety.lexicon import read_lexicon
from bot.settings import Settings


@pytest.fixture(scope="session")
def detector(settings: Settings) -> Detector:
    return Detector(read_lexicon(settings.knowledge_dir / "safety.yml"))
