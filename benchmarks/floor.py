"""The floor: one NLU parse and one knowledge lookup in-process, with no HTTP, tracker or action.

The distance between these and the latency over the REST channel is what the servers add.
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from benchmarks.scripts import QUESTIONS, Script
from bot.guide import Guide
from bot.knowledge.files import read_knowledge
from bot.knowledge.index import Query
from bot.settings import Settings

REPEATS = 5
T = TypeVar("T")


def _median_ms(call: Callable[[T], object], inputs: Iterable[T]) -> float:
    """Median wall time of ``call`` on each input, each made REPEATS times, in milliseconds."""
    times = []
    for value in inputs:
        for _ in range(REPEATS):
            started = time.perf_counter()
            call(value)
            times.append(time.perf_counter() - started)
    return round(1000 * statistics.median(times), 3)


def nlu_parse_ms(model: Path, scripts: Iterable[Script]) -> float:
    """Median time of one NLU parse by the model, over every turn of the scripts."""
    from rasa.core.agent import Agent
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    # Rasa logs every parse at debug level unless told otherwise, as `rasa run` does.
    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)
    agent = Agent.load(model)
    loop = asyncio.new_event_loop()

    def parse(text: str) -> object:
        return loop.run_until_complete(agent.parse_message(text))

    try:
        return _median_ms(parse, sorted({text for script in scripts for text in script}))
    finally:
        loop.close()


def knowledge_ms(settings: Settings) -> dict[str, float]:
    """Median time of a lookup (the index search), and of a whole answer (search and compose)."""
    guide = Guide.from_knowledge(read_knowledge(settings.knowledge_dir), settings)
    questions = list(QUESTIONS.items())
    return {
        "lookup_ms": _median_ms(lambda tq: guide.select(Query(tq[1], tq[0])), questions),
        "answer_ms": _median_ms(lambda tq: guide.answer(*tq), questions),
    }
