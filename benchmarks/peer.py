"""The peer: a stock Rasa 3.6 assistant, the moodbot that `rasa init --no-prompt` makes and trains.

It keeps its own config, domain, credentials and default pipeline (DIET, ResponseSelector,
UnexpecTED and TED); only its endpoints change, to use an SQLite tracker store like ours, so both
assistants read and write every conversation to an SQLite file.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from benchmarks.assistants import Assistant, fresh_database, timed_training
from benchmarks.scripts import PEER
from bot.profile import Profile
from bot.serve import Ports, Stack
from bot.settings import Settings

# The same tracker store as ours (endpoints.yml): SQL, at the URL the Stack passes to the server.
ENDPOINTS = """tracker_store:
  type: SQL
  url: ${DATABASE_URL}
"""


def peer(folder: Path, settings: Settings, ports: Ports) -> Assistant:
    """Make and train the stock assistant in ``folder`` (timed: `rasa init` is mostly training)."""
    project = folder / "project"
    models = sorted((project / "models").glob("*.tar.gz"))
    seconds = None
    if not models:
        project.mkdir(parents=True, exist_ok=True)
        argv = [sys.executable, "-m", "rasa", "init", "--no-prompt"]
        seconds = timed_training(argv, project, folder)
        models = sorted((project / "models").glob("*.tar.gz"))
    (project / "endpoints.yml").write_text(ENDPOINTS, encoding="utf-8")
    stack = Stack(
        replace(settings, database_url=fresh_database(folder)),
        ports=ports,
        model=models[-1],
        profile=Profile("stock", project / "endpoints.yml"),
        credentials=project / "credentials.yml",
        parts=("rasa",),
        rasa_command=(str(Path(sys.executable).with_name("rasa")),),
        log_dir=folder / "logs",
    )
    return Assistant("peer", stack, PEER, seconds)
