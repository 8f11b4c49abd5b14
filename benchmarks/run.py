"""The benchmark run: train both assistants, time the floor, then load each in turn and report.

The load and its size live here (LEVELS), chosen so a whole run takes 7 to 15 minutes on the
2-core machine; ``--levels`` changes them for a quick look.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from benchmarks import floor, report
from benchmarks.assistants import Assistant, ours
from benchmarks.cpu import OtherWork, cpu_seconds
from benchmarks.load import Level, drive, first_answer
from benchmarks.memory import PeakMemory
from benchmarks.peer import peer
from benchmarks.profile import Recorder, summarise
from bot.serve import Ports
from bot.settings import PROJECT_ROOT, load_settings

# (concurrent users, messages sent in all) per level.
LEVELS: tuple[tuple[int, int], ...] = ((1, 100), (10, 400), (50, 1000))
REQUEST_TIMEOUT_SECONDS = 60.0
# Away from `make run` (5005...) and the end-to-end tests (15005...), which may run alongside.
OUR_PORTS = Ports(rasa=25005, actions=25055, web=28080)
PEER_PORTS = Ports(rasa=25006, actions=25056, web=28081)
RESULTS = PROJECT_ROOT / "benchmarks" / "results"
PROFILED_LEVEL = (10, 300)


def start(assistant: Assistant) -> dict[str, Any]:
    """Launch the assistant's servers; time launch to the first reply to "hello"."""
    started = time.perf_counter()
    assistant.stack.start()
    first = asyncio.run(first_answer(assistant.url, REQUEST_TIMEOUT_SECONDS, assistant.headers))
    startup = time.perf_counter() - started
    print(f"{assistant.name}: first answer {startup:.1f}s after launch", flush=True)
    seconds = assistant.training_seconds
    return {
        "training_s": round(seconds, 1) if seconds is not None else None,
        "startup_s": round(startup, 2),
        "first_reply_ms": round(1000 * first, 1),
        "levels": [],
    }


def drive_level(assistant: Assistant, users: int, messages: int) -> Level:
    """Run one level of load on one assistant over its REST channel."""
    return asyncio.run(
        drive(
            assistant.url,
            assistant.scripts,
            users,
            messages,
            REQUEST_TIMEOUT_SECONDS,
            assistant.headers,
        )
    )


def server_cpu_seconds(assistant: Assistant) -> dict[str, float]:
    """CPU time each of the assistant's servers has used so far."""
    return {
        s.name: cpu_seconds(s.process.pid) for s in assistant.stack.servers if s.process is not None
    }


def load(assistant: Assistant, users: int, messages: int) -> dict[str, Any]:
    """One level of load on one assistant: latency, each server's CPU per message, other work."""
    before = server_cpu_seconds(assistant)
    with OtherWork() as others:
        level = drive_level(assistant, users, messages)
    spent = {name: t - before.get(name, 0.0) for name, t in server_cpu_seconds(assistant).items()}
    summary = level.summary() | {
        "other_cpu": round(others.share, 2),
        "cpu_ms_per_message": {name: round(1000 * t / messages, 2) for name, t in spent.items()},
    }
    print(f"{assistant.name}: {summary}", flush=True)
    return summary


def measure(assistants: Sequence[Assistant], levels: Sequence[tuple[int, int]]) -> dict[str, Any]:
    """Start each assistant, then run every level on each in turn; sample memory throughout.

    Both stay up, idle while the other is loaded, so each level of the two runs minutes apart
    at most, and which goes first alternates: the machine's other work then weighs on both.
    """

    def pids() -> dict[tuple[str, str], int]:
        return {
            (a.name, s.name): s.process.pid
            for a in assistants
            for s in a.stack.servers
            if s.process is not None
        }

    figures: dict[str, Any] = {}
    with PeakMemory(pids) as peak:
        try:
            for assistant in assistants:
                figures[assistant.name] = start(assistant)
            for n, (users, messages) in enumerate(levels):
                for assistant in assistants if n % 2 == 0 else assistants[::-1]:
                    figures[assistant.name]["levels"].append(load(assistant, users, messages))
            peak.sample()
        finally:
            for assistant in assistants:
                assistant.stack.stop()
    for (name, server), mib in peak.peaks_mb().items():
        figures[name].setdefault("peak_rss_mib", {})[server] = mib
    return figures


def compare(work: Path, levels: Sequence[tuple[int, int]], out: Path) -> Path:
    """The whole benchmark: both assistants and the floor, written to ``out``."""
    settings = load_settings()
    started = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    print("training ours and the peer from scratch...", flush=True)
    assistants = [
        ours(work / "ours", settings, OUR_PORTS),
        peer(work / "peer", settings, PEER_PORTS),
    ]
    print("timing the floor in-process...", flush=True)
    lowest = {
        "ours_nlu_parse_ms": floor.nlu_parse_ms(assistants[0].stack.model, assistants[0].scripts),
        "peer_nlu_parse_ms": floor.nlu_parse_ms(assistants[1].stack.model, assistants[1].scripts),
        **floor.knowledge_ms(settings),
    }
    results: report.Results = {
        "started": started,
        "machine": report.machine(),
        "levels": [list(level) for level in levels],
        "floor": lowest,
        "assistants": measure(assistants, levels),
    }
    data = report.write(results, out)
    print((out / "latest.md").read_text(), flush=True)
    print(f"results in {data}", flush=True)
    return data


def profile(work: Path, out: Path) -> None:
    """Profile the servers of both assistants under one level of load (figures not reported)."""
    settings = load_settings()
    users, messages = PROFILED_LEVEL
    out.mkdir(parents=True, exist_ok=True)
    for assistant in (
        ours(work / "ours", settings, OUR_PORTS),
        peer(work / "peer", settings, PEER_PORTS),
    ):
        stack = assistant.stack
        try:
            stack.start()
            recorders = {
                s.name: Recorder(s.process.pid, work / f"{assistant.name}-{s.name}.raw")
                for s in stack.servers
                if s.process and s.name in ("rasa", "actions")
            }
            drive_level(assistant, users, messages)
            for name, recorder in recorders.items():
                recorder.stop()
                title = f"{assistant.name}, {name} server, {users} users, {messages} messages"
                text = summarise(recorder.out, title)
                (out / f"profile-{assistant.name}-{name}.txt").write_text(text, encoding="utf-8")
                print(text, flush=True)
        finally:
            stack.stop()


def _level(text: str) -> tuple[int, int]:
    users, _, messages = text.partition(":")
    return int(users), int(messages)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the comparison (or, with --profile, the profiles) and return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "--levels",
        nargs="+",
        type=_level,
        default=list(LEVELS),
        metavar="USERS:MESSAGES",
        help="levels of load (default: %(default)s)",
    )
    parser.add_argument(
        "--work",
        type=Path,
        help="keep models, databases and logs here; models found here are reused, untimed "
        "(default: a temporary folder, removed afterwards)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="where results are written")
    parser.add_argument(
        "--profile",
        action="store_true",
        help=f"instead, profile the servers with py-spy at {PROFILED_LEVEL[0]} users",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="myositis-bench-") as temporary:
        work = args.work or Path(temporary)
        if args.profile:
            profile(work, args.out)
        else:
            compare(work, args.levels, args.out)
    return 0
