"""CPU time: what each server spends per message, and what other work took meanwhile.

Other engineers' tests share this machine. Everything the benchmark runs descends from its own
process (the servers, the load driver), so the rest of the machine's busy time is other work.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from types import TracebackType

from benchmarks.memory import PROC, tree

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def _machine_busy_ticks() -> int:
    """CPU time of the whole machine that was not idle (user to steal, as /proc/stat counts)."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(
        int, Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    )
    return user + nice + system + irq + softirq + steal


def _process_ticks(pid: int) -> int:
    """User and system CPU time of one process; 0 once it has gone."""
    try:
        fields = (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0
    return int(fields[11]) + int(fields[12])


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process and its descendants so far."""
    return sum(_process_ticks(p) for p in tree(pid)) / TICKS_PER_SECOND


def _benchmark_ticks() -> int:
    return sum(_process_ticks(pid) for pid in tree(os.getpid()))


class OtherWork:
    """The share of the machine's CPU that processes outside the benchmark used in the block."""

    share: float = 0.0

    def __enter__(self) -> OtherWork:
        self._start = (time.monotonic(), _machine_busy_ticks(), _benchmark_ticks())
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        started, busy, ours = self._start
        others = (_machine_busy_ticks() - busy) - (_benchmark_ticks() - ours)
        capacity = (time.monotonic() - started) * TICKS_PER_SECOND * (os.cpu_count() or 1)
        self.share = max(0.0, others / capacity) if capacity else 0.0
