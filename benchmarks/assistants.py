"""The assistants under test: each trained with a cold cache in a work folder, started by Stack."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

from benchmarks.scripts import OURS, Script
from bot.db import engine_for
from bot.knowledge import repository
from bot.knowledge.files import read_knowledge
from bot.serve import Ports, Stack
from bot.settings import PROJECT_ROOT, Settings, sqlite_url

MODEL_NAME = "myositis"


@dataclass
class Assistant:
    """One assistant: how it is started, what its users say, and how long it took to train."""

    name: str
    stack: Stack
    scripts: tuple[Script, ...]
    # None when the model was reused from an earlier run in the same work folder.
    training_seconds: float | None

    @property
    def url(self) -> str:
        """The REST channel, the interface both assistants share."""
        return f"http://{self.stack.host}:{self.stack.ports.rasa}/webhooks/rest/webhook"

    @property
    def headers(self) -> dict[str, str]:
        """Our REST channel needs its token (the stock one ignores the header)."""
        return {"Authorization": f"Bearer {self.stack.run_secrets.get('REST_CHANNEL_TOKEN', '')}"}


def timed_training(argv: list[str], cwd: Path, folder: Path) -> float:
    """Run a training command with an empty Rasa cache; return its wall time in seconds.

    Rasa caches trained components (in .rasa/cache of the working directory by default), so
    without a fresh cache a "clean" training could reuse an earlier one's work.

    Raises:
        RuntimeError: the command failed (its log is named).
    """
    env = dict(os.environ, RASA_CACHE_DIRECTORY=str(folder / "cache"))
    log = folder / "training.log"
    started = time.perf_counter()
    with log.open("wb") as output:
        status = subprocess.run(argv, cwd=cwd, env=env, stdout=output, stderr=output).returncode
    if status != 0:
        raise RuntimeError(f"{' '.join(argv[:4])} failed with {status}: see {log}")
    return time.perf_counter() - started


def fresh_database(folder: Path) -> str:
    """Return the URL of a new SQLite file for the tracker store (and our knowledge base)."""
    path = folder / "assistant.db"
    path.unlink(missing_ok=True)
    return sqlite_url(path)


def ours(folder: Path, settings: Settings, ports: Ports) -> Assistant:
    """Our assistant, trained from scratch into ``folder`` (models/ is left alone)."""
    folder.mkdir(parents=True, exist_ok=True)
    model = folder / "models" / f"{MODEL_NAME}.tar.gz"
    seconds = None
    if not model.exists():
        argv = [sys.executable, "-m", "rasa", "train", "--fixed-model-name", MODEL_NAME]
        seconds = timed_training([*argv, "--out", str(model.parent)], PROJECT_ROOT, folder)
    database = fresh_database(folder)
    repository.load(engine_for(database), read_knowledge(settings.knowledge_dir))
    stack = Stack(
        replace(settings, database_url=database),
        ports=ports,
        model=model,
        log_dir=folder / "logs",
        # Every simulated user comes from this machine's one address: the per-address limit
        # (a guard against one client inventing senders) would count them as one client.
        extra_env={"RATE_LIMIT_PER_ADDRESS_PER_MINUTE": "0"},
    )
    return Assistant("ours", stack, OURS, seconds)
