"""The Rasa server's stand-in for TensorFlow: Rasa imports with it, any use of it fails loudly.

Installing the stand-in changes how a process imports, and needs a process that has not loaded
TensorFlow yet, so the tests that install it run in a fresh Python.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tarfile
import textwrap
import types
from pathlib import Path
from typing import Optional, Union, get_args

import pytest

from bot.rasa_server import components_of, keep_tensorflow_out
from bot.runtime.tensorflow_stand_in import (
    StandInFinder,
    TensorFlowKeptOut,
    install,
    is_stand_in,
    stand_in_class,
)
from bot.settings import PROJECT_ROOT

DIET = "rasa.nlu.classifiers.diet_classifier.DIETClassifier"
TED = "rasa.core.policies.ted_policy.TEDPolicy"
# Our pipeline's own classifier and custom components, which use no TensorFlow.
OURS = (
    "rasa.nlu.classifiers.logistic_regression_classifier.LogisticRegressionClassifier",
    "bot.safety.component.SafetyNet",
    "bot.dialogue.handoff_policy.HandoffPolicy",
)


def model_archive(folder: Path, components: tuple[str, ...]) -> Path:
    """A model archive holding only the metadata: what the start-up check reads."""
    nodes = {f"run_{n}": {"uses": path} for n, path in enumerate(components)}
    data = json.dumps({"predict_schema": {"nodes": nodes}}).encode()
    archive = folder / "model.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        member = tarfile.TarInfo("metadata.json")
        member.size = len(data)
        tar.addfile(member, io.BytesIO(data))
    return archive


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-W", "ignore", "-c", textwrap.dedent(code)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_stand_in_class_can_be_subclassed_and_named_but_not_called() -> None:
    tensor = stand_in_class("tensorflow.Tensor")
    layer = stand_in_class("tensorflow.keras").layers.Layer

    class Dropout(layer):  # type: ignore[misc, valid-type]
        pass

    # Rasa names them in annotations (typing checks each argument is a type).
    assert get_args(Optional[Union[tensor, int]]) == (tensor, int, type(None))  # noqa: UP007, UP045
    assert is_stand_in(Dropout)
    assert is_stand_in(tensor)
    assert not is_stand_in(int)
    for call in (tensor, Dropout, layer):
        with pytest.raises(TensorFlowKeptOut, match="needs TensorFlow"):
            call()
    with pytest.raises(AttributeError):
        _ = layer.__wrapped__


def test_the_finder_stands_in_for_what_rasa_imports_and_refuses_the_rest() -> None:
    finder = StandInFinder()
    spec = finder.find_spec("tensorflow.keras.backend", None)
    assert spec is not None
    assert spec.loader is finder
    assert finder.find_spec("numpy", None) is None
    # thinc tries this one to decide whether TensorFlow is there.
    with pytest.raises(ModuleNotFoundError, match="kept out"):
        finder.find_spec("tensorflow.experimental.dlpack", None)


def test_the_stand_in_comes_before_tensorflow_or_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tensorflow", types.ModuleType("tensorflow"))
    with pytest.raises(RuntimeError, match="already imported"):
        install()


def test_other_commands_than_run_keep_tensorflow() -> None:
    before = list(sys.meta_path)
    keep_tensorflow_out(["rasa", "train", "--fixed-model-name", "x"])
    assert sys.meta_path == before


def test_the_check_reads_the_components_the_model_runs(tmp_path: Path) -> None:
    assert components_of(model_archive(tmp_path, (TED, DIET, TED))) == [TED, DIET]


def test_rasa_runs_our_components_with_the_stand_in_and_without_tensorflow(
    tmp_path: Path,
) -> None:
    model = model_archive(tmp_path, OURS)
    probe = run_python(
        f"""
        import json, sys
        from bot.rasa_server import keep_tensorflow_out
        keep_tensorflow_out(["rasa", "run", "--model", {str(model)!r}])
        import rasa.core.run, rasa.server, thinc.compat
        from rasa.engine.recipes.default_components import DEFAULT_COMPONENTS
        from bot.runtime.tensorflow_stand_in import TensorFlowKeptOut, uses_tensorflow
        from rasa.utils.tensorflow.callback import RasaTrainingLogger
        import tensorflow as tf

        failures = []
        for use in (lambda: tf.constant(1), lambda: tf.keras.layers.Dense(3),
                    lambda: RasaTrainingLogger(1, True)):
            try:
                use()
            except TensorFlowKeptOut as error:
                failures.append(str(error))
        print(json.dumps({{
            "needing": sorted(c.__name__ for c in DEFAULT_COMPONENTS if uses_tensorflow(c)),
            "thinc_sees_tensorflow": thinc.compat.has_tensorflow,
            "failures": failures,
            "libtensorflow": "libtensorflow" in open("/proc/self/maps").read(),
            "jax": "jax" in sys.modules,
        }}))
        """
    )
    assert probe.returncode == 0, probe.stderr
    found = json.loads(probe.stdout.splitlines()[-1])
    assert found["needing"] == [
        "ConveRTFeaturizer",
        "DIETClassifier",
        "LanguageModelFeaturizer",
        "ResponseSelector",
        "TEDPolicy",
        "UnexpecTEDIntentPolicy",
    ]
    assert not found["thinc_sees_tensorflow"]
    assert [failure.split(" needs TensorFlow")[0] for failure in found["failures"]] == [
        "tensorflow.constant",
        "tensorflow.keras.layers.Dense",
        "rasa.utils.tensorflow.callback.RasaTrainingLogger",
    ]
    assert not found["libtensorflow"]
    assert not found["jax"]


def test_a_model_that_uses_tensorflow_is_refused_at_start_up(tmp_path: Path) -> None:
    model = model_archive(tmp_path, (*OURS, DIET))
    started = subprocess.run(
        [sys.executable, "-W", "ignore", "-m", "bot.rasa_server", "run", "--model", str(model)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert started.returncode == 1
    refusal = started.stderr.strip().splitlines()[-1]
    assert refusal.startswith(f"{model} uses TensorFlow ({DIET})")
    assert "serve it with Rasa's own `rasa run`" in refusal
