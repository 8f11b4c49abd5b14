"""The action server and the web app run without TensorFlow; only Rasa's server loads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.serve import Stack


def loaded_libraries(pid: int) -> str:
    """The files mapped into the process's memory (its shared libraries among them)."""
    return Path(f"/proc/{pid}/maps").read_text()


def pid_of(stack: Stack, name: str) -> int:
    server = next(s for s in stack.servers if s.name == name)
    assert server.process is not None
    return server.process.pid


@pytest.mark.parametrize("name", ["actions", "web"])
def test_servers_without_a_model_do_not_load_tensorflow(stack: Stack, name: str) -> None:
    assert "tensorflow" not in loaded_libraries(pid_of(stack, name))


def test_the_rasa_server_is_the_one_that_loads_tensorflow(stack: Stack) -> None:
    # The check above would pass on any process if it looked in the wrong place.
    assert "libtensorflow" in loaded_libraries(pid_of(stack, "rasa"))
