"""Rasa's graphs evaluated in order give what dask's scheduler gives, each node run once."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from dask.local import get_sync

from bot.runtime.graph_in_order import in_order, run_graphs_in_order

calls: Counter[str] = Counter()


class Node:
    """Like Rasa's GraphNode: called with its inputs' (name, value) pairs, returns its own."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, *inputs: Any) -> tuple[str, Any]:
        calls[self.name] += 1
        return self.name, [self.name, *inputs]


def rasa_like_graph() -> dict[str, Any]:
    """A chain with a fork and a join, two inputs (one unhashable), a list and a nested task."""
    return {
        "__message__": ("__message__", {"text": "hello"}),
        "__tracker__": ("__tracker__", "a tracker"),
        "tokenizer": (Node("tokenizer"), "__message__"),
        "featurizer": (Node("featurizer"), "tokenizer"),
        "classifier": (Node("classifier"), "featurizer", ["tokenizer", "a literal", 3]),
        "policy_a": (Node("policy_a"), "classifier", "__tracker__"),
        "policy_b": (Node("policy_b"), "__tracker__", (Node("inner"), "tokenizer")),
        "ensemble": (Node("ensemble"), "policy_a", "policy_b"),
    }


# Rasa's graphs hold only what their targets need (its minimal graph schema), as these do.
@pytest.mark.parametrize("targets", [["ensemble"], ["classifier", "ensemble"]])
def test_the_same_values_as_dask_with_each_node_run_once(targets: list[str]) -> None:
    calls.clear()
    expected = get_sync(rasa_like_graph(), targets)
    by_dask = Counter(calls)
    calls.clear()
    assert in_order(rasa_like_graph(), targets) == tuple(expected)
    assert calls == by_dask
    assert max(calls.values()) == 1


def test_an_exception_is_raised_as_it_is() -> None:
    def fails(*_: Any) -> None:
        raise ValueError("component failed")

    graph = {"a": (Node("a"),), "b": (fails, "a")}
    with pytest.raises(ValueError, match="component failed"):
        in_order(graph, ["b"])


def test_rasas_runner_uses_it() -> None:
    from rasa.engine.runner import dask as runner

    run_graphs_in_order()
    run_graphs_in_order()  # a second call changes nothing
    assert runner.dask.get is in_order
