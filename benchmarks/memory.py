"""Peak resident memory of each server (its process and any children), sampled from /proc.

Sampled in a thread for the whole life of the servers, start-up and load alike, because a peak
can come at any time. psutil is not a dependency, and /proc gives all this needs on Linux.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Generic, TypeVar

PROC = Path("/proc")
SAMPLE_SECONDS = 0.2
Key = TypeVar("Key", bound=Hashable)


def _rss_bytes(pid: int) -> int:
    """Resident set size of one process; 0 once it has gone."""
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def _parents() -> dict[int, int]:
    """Map every running process to its parent."""
    parents = {}
    for stat in PROC.glob("[0-9]*/stat"):
        try:
            # The command name in parentheses may hold spaces: the fields after it are fixed.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    return parents


def tree(root: int) -> set[int]:
    """``root`` and all its descendants."""
    parents = _parents()
    found = {root}
    grew = True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in found} - found
        found |= more
        grew = bool(more)
    return found


def tree_rss_bytes(root: int) -> int:
    """Resident memory of ``root`` and all its descendants, in bytes."""
    return sum(_rss_bytes(pid) for pid in tree(root))


class PeakMemory(Generic[Key]):
    """Keeps the peak tree RSS of each process (by any key) while the ``with`` block runs.

    ``pids`` is asked afresh at every sample, so servers launched inside the block are seen.
    """

    def __init__(self, pids: Callable[[], Mapping[Key, int]]) -> None:
        self.pids = pids
        self.peaks: dict[Key, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample_until_stopped, daemon=True)

    def sample(self) -> None:
        """Measure each process tree once and keep the larger figure."""
        for name, pid in self.pids().items():
            self.peaks[name] = max(self.peaks.get(name, 0), tree_rss_bytes(pid))

    def _sample_until_stopped(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            self.sample()

    def __enter__(self) -> PeakMemory[Key]:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()

    def peaks_mb(self) -> dict[Key, float]:
        """The peaks so far, in MiB."""
        return {name: round(peak / 2**20, 1) for name, peak in self.peaks.items()}
