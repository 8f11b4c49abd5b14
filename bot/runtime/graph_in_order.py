"""Rasa's model graph run by a plain in-order evaluation, not dask's scheduler.

Rasa 3.6 runs its graph twice per message (parse, then each action prediction) with
``dask.get``, dask's synchronous scheduler: it orders the graph, keeps ready and finished sets and
fires each task through a queue. For a graph of a dozen nodes called in a chain that bookkeeping
was about 10% of the Rasa server's time under load (benchmarks/README.md). ``in_order`` computes
the same values: each task's arguments first (a key is evaluated once, and only if needed), the
task tuples and literals read as dask reads them, exceptions raised as they are.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from types import SimpleNamespace
from typing import Any


def in_order(graph: Mapping[Any, Any], targets: Sequence[Hashable]) -> tuple[Any, ...]:
    """The value of each target of a dask graph, as ``dask.get(graph, list(targets))`` gives.

    A task is a tuple whose first item is callable, its other items the arguments; an argument
    is a key of the graph, a list (each item read the same way), a task, or a literal. dask runs
    every task of the graph; this, only those the targets need: the same for Rasa's graphs,
    which hold only what their targets need.
    """
    values: dict[Any, Any] = {}

    def value_of(argument: Any) -> Any:
        if isinstance(argument, list):
            return [value_of(item) for item in argument]
        if type(argument) is tuple and argument and callable(argument[0]):
            function, *arguments = argument
            return function(*(value_of(a) for a in arguments))
        try:
            is_key = argument in graph
        except TypeError:  # unhashable: a literal
            return argument
        if not is_key:
            return argument
        if argument not in values:
            values[argument] = value_of(graph[argument])
        return values[argument]

    return tuple(value_of(target) for target in targets)


def run_graphs_in_order() -> None:
    """Make Rasa's graph runner evaluate its graphs with ``in_order`` (call before serving).

    Raises:
        RuntimeError: Rasa's runner no longer calls ``dask.get`` (an upgrade changed it).
    """
    from rasa.engine.runner import dask as runner

    if isinstance(runner.dask, SimpleNamespace):
        return
    if "dask.get(run_graph, run_targets)" not in _source(runner.DaskGraphRunner.run):
        raise RuntimeError("DaskGraphRunner.run no longer calls dask.get: review bot/runtime")
    runner.dask = SimpleNamespace(get=in_order)


def _source(function: Any) -> str:
    import inspect

    return inspect.getsource(function)
