"""No server loads TensorFlow: our model has no component that uses it.

The action server and the web app keep it out (bot/runtime/lean.py); the Rasa server runs with
a stand-in (bot/runtime/tensorflow_stand_in.py), which bot/rasa_server.py installs only when the
model's components use no TensorFlow (a model that does is refused at start-up, see
tests/test_tensorflow_stand_in.py), so here, with our model, none has TensorFlow's libraries.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.serve import Stack

# Shared libraries of TensorFlow and of jax, which TensorFlow imports.
MODEL_ONLY_LIBRARIES = ("tensorflow", "jaxlib")


def loaded_libraries(pid: int) -> str:
    """The files mapped into the process's memory (its shared libraries among them)."""
    return Path(f"/proc/{pid}/maps").read_text()


def pid_of(stack: Stack, name: str) -> int:
    server = next(s for s in stack.servers if s.name == name)
    assert server.process is not None
    return server.process.pid


@pytest.mark.parametrize("name", ["actions", "web", "rasa"])
def test_no_server_loads_tensorflow(stack: Stack, name: str) -> None:
    libraries = loaded_libraries(pid_of(stack, name))
    # The check would pass on any process if it looked in the wrong place: numpy is in each.
    assert "numpy" in libraries
    for library in MODEL_ONLY_LIBRARIES:
        assert library not in libraries
