"""Results: a JSON file per run, the latest as a markdown table, and latency against concurrency.

The targets are judged here from the figures of one run, as ratios to the peer: issue 9's
limits, tightened by issue 16 (a charity pays for the whole deployment, so its memory is set
against the stock Rasa server alone).
"""

from __future__ import annotations

import json
import math
import os
import platform
import warnings
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

Results = dict[str, Any]


@dataclass(frozen=True)
class Target:
    """One target: our figure as a ratio to the peer's, against a limit."""

    name: str
    unit: str
    ours: float
    peer: float
    limit: float
    # A ceiling (latency, memory, time) or a floor (throughput) on the ratio.
    at_most: bool = True

    @property
    def ratio(self) -> float:
        """Ours divided by the peer's."""
        return self.ours / self.peer if self.peer else math.inf

    @property
    def met(self) -> bool:
        """Whether the ratio is within the limit."""
        return self.ratio <= self.limit if self.at_most else self.ratio >= self.limit

    def verdict(self) -> str:
        """Met, or missed by how much (in per cent of the limit)."""
        if self.met:
            return "met"
        return f"missed by {abs(self.ratio / self.limit - 1):.0%}"


def machine() -> dict[str, Any]:
    """The machine the figures belong to: without it they mean little."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kib = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": round(memory_kib / 2**20, 1),
        "python": platform.python_version(),
        "rasa": version("rasa"),
    }


def _level(results: Results, name: str, users: int) -> dict[str, Any]:
    level: dict[str, Any] = next(
        lv for lv in results["assistants"][name]["levels"] if lv["users"] == users
    )
    return level


def deployment_mib(peaks: dict[str, float]) -> float:
    """Every server's peak resident memory added up: what one host must hold for the assistant."""
    return round(sum(peaks.values()), 1)


def _p50_alone(results: Results, name: str) -> float | str:
    """p50 latency with one user, or a dash when the run (``--levels``) had no such level."""
    levels = results["assistants"][name]["levels"]
    return next((lv["p50_ms"] for lv in levels if lv["users"] == 1), "–")


def targets(results: Results) -> list[Target]:
    """The targets that this run's levels allow judging."""
    ours, peer = results["assistants"]["ours"], results["assistants"]["peer"]
    users = {lv["users"] for lv in ours["levels"]}
    found = []
    if 10 in users:
        found.append(
            Target(
                "p95 latency at 10 users",
                "ms",
                _level(results, "ours", 10)["p95_ms"],
                _level(results, "peer", 10)["p95_ms"],
                0.5,
            )
        )
    if 50 in users:
        found.append(
            Target(
                "throughput at 50 users",
                "msg/s",
                _level(results, "ours", 50)["throughput"],
                _level(results, "peer", 50)["throughput"],
                2.0,
                at_most=False,
            )
        )
    found += [
        Target(
            "Rasa server peak memory",
            "MiB",
            ours["peak_rss_mib"]["rasa"],
            peer["peak_rss_mib"]["rasa"],
            1.1,
        ),
        Target(
            "whole deployment peak memory (every server)",
            "MiB",
            deployment_mib(ours["peak_rss_mib"]),
            peer["peak_rss_mib"]["rasa"],
            0.9,
        ),
        Target("start-up to first answer", "s", ours["startup_s"], peer["startup_s"], 1.0),
    ]
    return found


def _row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _ratio(ours: float | None, peer: float | None) -> str:
    return f"{ours / peer:.2f}" if ours is not None and peer else "–"


def markdown(results: Results, plot: str) -> str:
    """The latest results as the README quotes them."""
    info, ours, peer = (
        results["machine"],
        results["assistants"]["ours"],
        results["assistants"]["peer"],
    )
    errors = sum(lv["errors"] for lv in ours["levels"])
    lines = [
        "# Benchmark results",
        "",
        f"Run {results['started']} on {info['cpu']} ({info['cores']} cores, "
        f"{info['ram_gib']} GiB RAM), Python {info['python']}, Rasa {info['rasa']}.",
        "",
        "Ours: our Rasa server, action server and web app as `make run` starts them. Peer: the "
        "stock moodbot of `rasa init --no-prompt` (DIET, ResponseSelector, UnexpecTED and TED; "
        "no custom actions) run by the stock `rasa run --enable-api`. Both: one Rasa server "
        "process, the REST channel, an SQL tracker store on a fresh SQLite file, the in-memory "
        "lock store. Both are up for the whole run; each level runs on one assistant, then on "
        "the other (which goes first alternates), never on both at once. Each simulated user "
        "follows 8-turn scripts, awaiting every reply; a level shares a fixed number of messages "
        "among its users. Our scripts ask about every topic, with follow-ups, a warning sign and a "
        "two-stage fallback; the peer's use the moodbot's own phrases (greet, moods, yes/no, "
        "bot challenge, goodbye). Latency: one POST to /webhooks/rest/webhook until its body is "
        'read. "Empty" counts replies with no message at all (a stock policy may only listen '
        'after a phrase outside its stories), which cost less than an answer. "Other CPU" is '
        "the share of the machine's CPU that processes outside the benchmark used during the "
        "level: above a few per cent, other work was competing.",
        "",
        "## Targets",
        "",
        _row("target", "ours", "peer", "ratio", "limit", "verdict"),
        _row(*["---"] * 6),
    ]
    for target in targets(results):
        limit = f"{'≤' if target.at_most else '≥'} {target.limit}"
        lines.append(
            _row(
                target.name,
                f"{target.ours:g} {target.unit}",
                f"{target.peer:g} {target.unit}",
                f"{target.ratio:.2f}",
                limit,
                target.verdict(),
            )
        )
    lines.append(
        _row(
            "errors, every level",
            errors,
            sum(lv["errors"] for lv in peer["levels"]),
            "–",
            "0",
            "met" if errors == 0 else f"missed: {errors} errors",
        )
    )
    lines += [
        "",
        "## Latency and throughput",
        "",
        _row(
            "users",
            "messages",
            "",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "msg/s",
            "errors",
            "empty",
            "other CPU",
        ),
        _row(*["---"] * 10),
    ]
    for mine, theirs in zip(ours["levels"], peer["levels"], strict=True):
        for name, level in (("ours", mine), ("peer", theirs)):
            lines.append(
                _row(
                    level["users"],
                    level["messages"],
                    name,
                    level["p50_ms"],
                    level["p95_ms"],
                    level["p99_ms"],
                    level["throughput"],
                    level["errors"],
                    level["empty"],
                    f"{level['other_cpu']:.0%}",
                )
            )
        lines.append(
            _row(
                "",
                "",
                "ratio",
                *(_ratio(mine[k], theirs[k]) for k in ("p50_ms", "p95_ms", "p99_ms", "throughput")),
                "",
                "",
                "",
            )
        )
    lines += cpu_per_message(results)
    kinds = ", ".join(f"{k} {n}" for k, n in ours["levels"][-1]["kinds"].items())
    lines += [
        "",
        f"Our structured replies at {ours['levels'][-1]['users']} users (each one came from the "
        f"action server): {kinds}.",
        "",
        "## Start-up, memory and training",
        "",
        _row("", "ours", "peer", "ratio"),
        _row(*["---"] * 4),
        _row(
            'start-up: launch to first reply to "hello" (s)',
            ours["startup_s"],
            peer["startup_s"],
            _ratio(ours["startup_s"], peer["startup_s"]),
        ),
        _row("first reply alone (ms)", ours["first_reply_ms"], peer["first_reply_ms"], ""),
        _row(
            "Rasa server peak RSS (MiB)",
            ours["peak_rss_mib"]["rasa"],
            peer["peak_rss_mib"]["rasa"],
            _ratio(ours["peak_rss_mib"]["rasa"], peer["peak_rss_mib"]["rasa"]),
        ),
        _row("action server peak RSS (MiB)", ours["peak_rss_mib"].get("actions", "–"), "–", ""),
        _row("web app peak RSS (MiB)", ours["peak_rss_mib"].get("web", "–"), "–", ""),
        _row(
            "whole deployment peak RSS (MiB)",
            deployment_mib(ours["peak_rss_mib"]),
            peer["peak_rss_mib"]["rasa"],
            _ratio(deployment_mib(ours["peak_rss_mib"]), peer["peak_rss_mib"]["rasa"]),
        ),
        _row(
            "training, clean model folder and cache (s)",
            ours["training_s"] if ours["training_s"] is not None else "reused",
            peer["training_s"] if peer["training_s"] is not None else "reused",
            _ratio(ours["training_s"], peer["training_s"]),
        ),
        "",
        "The peer's training time is that of `rasa init --no-prompt`, which writes the project "
        "files (milliseconds) and trains. The whole deployment adds up our three servers' peaks "
        "(each sampled on its own, so the sum can only overstate); `make run` also keeps its "
        "supervisor, `python -m bot serve`, which only waits on them (about 40 MiB).",
        "",
        "## Floor: in-process, no HTTP, tracker store or action server",
        "",
        _row("", "ms", "HTTP p50 at 1 user, ms"),
        _row(*["---"] * 3),
    ]
    floor = results["floor"]
    lines += [
        _row("our NLU parse", floor["ours_nlu_parse_ms"], _p50_alone(results, "ours")),
        _row("peer's NLU parse", floor["peer_nlu_parse_ms"], _p50_alone(results, "peer")),
        _row("our knowledge lookup (index search)", floor["lookup_ms"], ""),
        _row("our answer (lookup and compose)", floor["answer_ms"], ""),
        "",
        f"![Latency against concurrency]({plot})",
        "",
    ]
    return "\n".join(lines)


def cpu_per_message(results: Results) -> list[str]:
    """Each server's CPU time per message at each level, beside the in-process NLU floor."""
    ours, peer = results["assistants"]["ours"], results["assistants"]["peer"]
    if not all("cpu_ms_per_message" in lv for lv in ours["levels"] + peer["levels"]):
        return []  # a run from before CPU time was measured
    lines = [
        "",
        "## CPU time per message",
        "",
        "User and system time each server used during a level, divided by its messages; the "
        f"floor is our NLU parse in-process ({results['floor']['ours_nlu_parse_ms']} ms).",
        "",
        _row("users", "ours: Rasa", "actions", "web", "all", "peer: Rasa", "ratio (all)"),
        _row(*["---"] * 7),
    ]
    for mine, theirs in zip(ours["levels"], peer["levels"], strict=True):
        cpu = mine["cpu_ms_per_message"]
        total = round(sum(cpu.values()), 2)
        stock = theirs["cpu_ms_per_message"]["rasa"]
        lines.append(
            _row(
                mine["users"],
                cpu.get("rasa", "–"),
                cpu.get("actions", "–"),
                cpu.get("web", "–"),
                total,
                stock,
                _ratio(total, stock),
            )
        )
    return lines


def plot(results: Results, path: Path) -> None:
    """Draw p50, p95 and p99 latency against the number of users, ours against the peer."""
    with warnings.catch_warnings():
        # matplotlib 3.5 uses pyparsing names that pyparsing 3 deprecates: noise, not news.
        warnings.simplefilter("ignore", DeprecationWarning)
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4.5))
    for name, style in (("ours", "-"), ("peer", "--")):
        levels = results["assistants"][name]["levels"]
        users = [lv["users"] for lv in levels]
        for key, colour in (
            ("p50_ms", "tab:blue"),
            ("p95_ms", "tab:orange"),
            ("p99_ms", "tab:red"),
        ):
            axes.plot(
                users,
                [lv[key] for lv in levels],
                style,
                color=colour,
                marker="o",
                label=f"{name} {key[:3]}",
            )
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xticks([lv["users"] for lv in results["assistants"]["ours"]["levels"]])
    axes.get_xaxis().set_major_formatter(matplotlib.ticker.ScalarFormatter())
    axes.set_xlabel("concurrent users")
    axes.set_ylabel("latency per message (ms)")
    axes.set_title(f"REST channel latency, {results['started']}")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(ncol=2, fontsize="small")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def write(results: Results, folder: Path) -> Path:
    """Write ``<timestamp>.json``, ``latest.md`` and the plot into ``folder``; return the JSON."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = results["started"].replace(":", "").replace("-", "")
    data = folder / f"{stamp}.json"
    data.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    image = folder / "latency-vs-concurrency.png"
    plot(results, image)
    (folder / "latest.md").write_text(markdown(results, image.name), encoding="utf-8")
    return data
