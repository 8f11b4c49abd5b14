"""Keeps TensorFlow out of the processes that never run a model (action server, web app).

spaCy's machine-learning library, thinc, imports TensorFlow whenever it is installed (Rasa
installs it), and that alone costs each process about 400 MiB and 3 s at start-up. The action
server and the web app use spaCy only to tokenise and look up lemmas, so they tell Python that
TensorFlow is absent before anything imports spaCy; thinc then carries on without it.
"""

from __future__ import annotations

import sys

# Modules these processes never need; a None entry makes `import` raise ImportError.
MODEL_ONLY_MODULES = ("tensorflow",)


def keep_model_libraries_out() -> None:
    """Make the model-only libraries unimportable in this process (call before importing spaCy).

    tests/e2e/test_process_footprint.py checks the running servers, so an import moved ahead of
    this call shows up there.
    """
    for name in MODEL_ONLY_MODULES:
        sys.modules[name] = None  # type: ignore[assignment]
