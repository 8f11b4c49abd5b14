"""Where the servers spend their time under load: py-spy samples them, this sums the samples.

py-spy attaches to a running process from outside, so the servers run exactly as they do in
the benchmark; only the sampling itself costs them a little.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

from bot.settings import PROJECT_ROOT

RATE = 100
TOP = 25
_LINE_NUMBER = re.compile(r":\d+\)$")
# Paths from the project, site-packages or the standard library, as the module path within.
_PREFIX = re.compile(rf"\((.*site-packages|.*python3\.\d+|{re.escape(str(PROJECT_ROOT))})/")


class Recorder:
    """py-spy recording one process until stopped, into a raw (collapsed stacks) file."""

    def __init__(self, pid: int, out: Path) -> None:
        self.out = out
        py_spy = str(Path(sys.executable).with_name("py-spy"))
        argv = [py_spy, "record", "--pid", str(pid), "--rate", str(RATE), "--format", "raw"]
        self.process = subprocess.Popen(
            [*argv, "--output", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    def stop(self) -> None:
        """Stop sampling: on SIGINT py-spy writes what it has."""
        self.process.send_signal(signal.SIGINT)
        self.process.wait(30)


def _frame(frame: str) -> str:
    """A frame without its line number and with a short path, so calls of a function add up."""
    return _PREFIX.sub("(", _LINE_NUMBER.sub(")", frame))


def summarise(raw: Path, title: str) -> str:
    """The functions with most samples on top of the stack (self) and anywhere in it (total)."""
    own: Counter[str] = Counter()
    total: Counter[str] = Counter()
    samples = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = [_frame(f) for f in stack.split(";") if f]
        if not frames:
            continue
        samples += int(count)
        own[frames[-1]] += int(count)
        for frame in set(frames):
            total[frame] += int(count)
    lines = [f"# {title}: {samples} samples at {RATE} Hz (idle time not sampled)", ""]
    for heading, counter in (("self", own), ("total (self and callees)", total)):
        lines += [f"## Top {TOP} by {heading}", ""]
        lines += [f"{n / samples:6.1%}  {f}" for f, n in counter.most_common(TOP)]
        lines.append("")
    return "\n".join(lines)
