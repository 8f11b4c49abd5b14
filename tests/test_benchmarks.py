"""The benchmark suite's own parts, on small made-up inputs (the suite itself is `make bench`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from benchmarks.load import Level, drive
from benchmarks.memory import PeakMemory
from benchmarks.profile import summarise
from benchmarks.report import Target, cpu_per_message, targets
from benchmarks.scripts import OURS, PEER, QUESTIONS, TURNS
from bot.knowledge.schema import KnowledgeSet


def test_every_script_has_the_same_number_of_turns() -> None:
    assert {len(script) for script in (*OURS, *PEER)} == {TURNS}
    assert len(OURS) == len(PEER)


def test_our_scripts_ask_about_every_topic(knowledge: KnowledgeSet) -> None:
    assert set(QUESTIONS) == set(knowledge.topics)
    turns = {turn for script in OURS for turn in script}
    assert set(QUESTIONS.values()) <= turns


def test_percentiles_of_a_known_sample() -> None:
    level = Level(users=1, messages=101, latencies=[n / 1000 for n in range(101)])
    assert (level.percentile(50), level.percentile(95), level.percentile(99)) == pytest.approx(
        (0.050, 0.095, 0.099)
    )


@pytest.mark.parametrize(
    ("target", "verdict"),
    [
        (Target("p95", "ms", 110, 100, 1.2), "met"),
        (Target("p95", "ms", 150, 100, 1.2), "missed by 25%"),
        (Target("throughput", "msg/s", 9, 10, 0.9, at_most=False), "met"),
        (Target("throughput", "msg/s", 8.1, 10, 0.9, at_most=False), "missed by 10%"),
    ],
)
def test_a_target_says_whether_it_is_met_and_by_how_much(target: Target, verdict: str) -> None:
    assert target.verdict() == verdict


async def test_the_driver_shares_the_messages_among_users_and_counts_errors() -> None:
    seen: list[tuple[str, str]] = []

    async def webhook(request: web.Request) -> web.Response:
        body = await request.json()
        seen.append((body["sender"], body["message"]))
        if body["message"] == "fail":
            return web.Response(status=500)
        return web.json_response([{"text": "ok"}, {"custom": {"type": "answer"}}])

    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", webhook)
    async with TestServer(app) as server:
        url = str(server.make_url("/webhooks/rest/webhook"))
        level = await drive(url, [("hi", "fail", "bye")], users=3, messages=10, timeout=10)
    assert len(seen) == 10
    assert len({sender for sender, _ in seen}) >= 3
    assert level.errors == sum(message == "fail" for _, message in seen)
    assert len(level.latencies) == 10 - level.errors
    assert level.kinds["answer"] == len(level.latencies)
    assert level.summary()["errors"] == level.errors


def test_peak_memory_sees_a_running_process() -> None:
    with PeakMemory(lambda: {"me": os.getpid()}) as peak:
        peak.sample()
    assert peak.peaks_mb()["me"] > 10


def test_a_profile_summary_counts_samples_by_function(tmp_path: Path) -> None:
    raw = tmp_path / "raw.txt"
    raw.write_text(
        "main (/x/site-packages/app.py:1);parse (/x/site-packages/nlu.py:5) 3\n"
        "main (/x/site-packages/app.py:2);save (/x/site-packages/store.py:9) 1\n"
    )
    text = summarise(raw, "test")
    assert "4 samples" in text
    assert " 75.0%  parse (nlu.py)" in text
    assert "100.0%  main (app.py)" in text


def test_the_whole_deployment_is_judged_against_the_stock_rasa_server_alone() -> None:
    def level(users: int) -> dict[str, float]:
        return {"users": users, "p95_ms": 100.0, "throughput": 10.0}

    results = {
        "assistants": {
            "ours": {
                "levels": [level(10), level(50)],
                "peak_rss_mib": {"rasa": 600.0, "actions": 150.0, "web": 120.0},
                "startup_s": 10.0,
            },
            "peer": {
                "levels": [level(10), level(50)],
                "peak_rss_mib": {"rasa": 1000.0},
                "startup_s": 30.0,
            },
        }
    }
    whole = next(t for t in targets(results) if t.name.startswith("whole deployment"))
    assert (whole.ours, whole.peer, whole.limit) == (870.0, 1000.0, 0.9)
    assert whole.met


def test_the_cpu_table_adds_up_every_server_against_the_stock_rasa_server() -> None:
    def level(users: int, cpu: dict[str, float]) -> dict[str, Any]:
        return {"users": users, "cpu_ms_per_message": cpu}

    results: dict[str, Any] = {
        "floor": {"ours_nlu_parse_ms": 7.1},
        "assistants": {
            "ours": {"levels": [level(10, {"rasa": 20.0, "actions": 3.0, "web": 0.5})]},
            "peer": {"levels": [level(10, {"rasa": 47.0})]},
        },
    }
    table = cpu_per_message(results)
    assert "| 10 | 20.0 | 3.0 | 0.5 | 23.5 | 47.0 | 0.50 |" in table
    assert any("(7.1 ms)" in line for line in table)
    del results["assistants"]["peer"]["levels"][0]["cpu_ms_per_message"]
    assert cpu_per_message(results) == []
