"""Each server's memory after start-up and after some load, its CPU time per message, start-up.

``make bench`` reports peaks against the stock assistant; this measures our deployment alone in
about a minute, for comparing one change with the code before it (run it in each checkout):

    .venv/bin/python -m benchmarks.footprint --messages 200 --users 10

It starts the servers as `make run` does, on a fresh SQLite file, times launch to the first
reply to "hello", reads each server's resident memory (its process and children) then and after
the messages, and says whether the Rasa server has TensorFlow's libraries mapped.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from benchmarks.cpu import cpu_seconds
from benchmarks.load import drive, first_answer
from benchmarks.memory import tree_rss_bytes
from benchmarks.scripts import OURS
from bot.db import engine_for
from bot.knowledge import repository
from bot.knowledge.files import read_knowledge
from bot.serve import Ports, Stack
from bot.settings import PROJECT_ROOT, load_settings, sqlite_url

# Ports are PORT_BASE plus these (the Rasa server on PORT_BASE + 5...), as the tests' are.
PORT_BASE = 29000
TIMEOUT_SECONDS = 60.0


def rss_mib(stack: Stack) -> dict[str, float]:
    """Resident memory of each server now, in MiB."""
    return {
        s.name: round(tree_rss_bytes(s.process.pid) / 2**20, 1)
        for s in stack.servers
        if s.process is not None
    }


def cpu_seconds_now(stack: Stack) -> dict[str, float]:
    """User and system CPU time each server has used so far, in seconds."""
    return {s.name: cpu_seconds(s.process.pid) for s in stack.servers if s.process is not None}


def maps_tensorflow(stack: Stack) -> bool:
    """Whether the Rasa server has TensorFlow's shared libraries mapped."""
    process = next(s.process for s in stack.servers if s.name == "rasa")
    assert process is not None
    return "libtensorflow" in Path(f"/proc/{process.pid}/maps").read_text()


def measure(model: Path, users: int, messages: int, folder: Path, base: int) -> dict[str, Any]:
    """Start the servers with ``model``, send the messages, and return the figures."""
    settings = load_settings()
    database = sqlite_url(folder / "footprint.db")
    repository.load(engine_for(database), read_knowledge(settings.knowledge_dir))
    stack = Stack(
        replace(settings, database_url=database),
        ports=Ports(rasa=base + 5, actions=base + 55, web=base + 80),
        model=model,
        log_dir=folder / "logs",
        # All simulated users come from one address (as in benchmarks/assistants.py).
        extra_env={"RATE_LIMIT_PER_ADDRESS_PER_MINUTE": "0"},
    )
    url = f"http://{stack.host}:{stack.ports.rasa}/webhooks/rest/webhook"
    headers = {"Authorization": f"Bearer {stack.run_secrets.get('REST_CHANNEL_TOKEN', '')}"}
    started = time.perf_counter()
    try:
        stack.start()
        asyncio.run(first_answer(url, TIMEOUT_SECONDS, headers))
        startup = time.perf_counter() - started
        after_start = rss_mib(stack)
        cpu_before = cpu_seconds_now(stack)
        level = asyncio.run(drive(url, OURS, users, messages, TIMEOUT_SECONDS, headers))
        cpu_after = cpu_seconds_now(stack)
        after_load = rss_mib(stack)
        tensorflow = maps_tensorflow(stack)
    finally:
        stack.stop()
    return {
        "startup_to_first_answer_s": round(startup, 2),
        "rss_mib_after_start": after_start | {"all": round(sum(after_start.values()), 1)},
        f"rss_mib_after_{messages}_messages": after_load
        | {"all": round(sum(after_load.values()), 1)},
        # Robust to other work on the machine, unlike throughput.
        "cpu_ms_per_message": {
            name: round((cpu_after[name] - cpu_before[name]) * 1000 / messages, 2)
            for name in cpu_after
        },
        "rasa_maps_tensorflow": tensorflow,
        "load": {k: v for k, v in level.summary().items() if k in ("throughput", "errors")},
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Measure once and print the figures as JSON."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.footprint", description=__doc__)
    parser.add_argument("--model", type=Path, default=PROJECT_ROOT / "models" / "myositis.tar.gz")
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--port-base", type=int, default=PORT_BASE, help="default: %(default)s")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="myositis-footprint-") as folder:
        figures = measure(
            args.model.resolve(), args.users, args.messages, Path(folder), args.port_base
        )
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
