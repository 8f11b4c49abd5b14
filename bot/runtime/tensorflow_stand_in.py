"""A stand-in for TensorFlow in the Rasa server, whose model has no component that uses it.

Rasa 3.6 imports TensorFlow at module level on every path of `rasa run` (rasa.core.actions.action
imports the policies, whose featurizers import rasa.utils.train_utils, which imports
rasa.utils.tensorflow.callback, which imports TensorFlow; and a model's training graph names
DefaultV1RecipeValidator, whose module imports DIET, TED and the response selector). That costs
the server about 380 MiB and 4 s at start-up for a library our pipeline never calls. So the
Rasa server is given this stand-in instead: it satisfies what Rasa's modules do with TensorFlow
when they are imported (subclass ``tf.keras`` classes, name ``tf.Tensor`` in annotations, import
the few submodules listed below) and raises TensorFlowKeptOut as soon as anything of it is
called or instantiated. bot/rasa_server.py installs it only for `rasa run`, and refuses to start
a model one of whose components comes from a module that imports TensorFlow (uses_tensorflow),
so such a model fails at start-up with a clear message, never in the middle of a conversation.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import types
from collections.abc import Sequence
from typing import Any

# The TensorFlow and Keras modules Rasa 3.6 imports by name at module level. Importing any other
# module of theirs raises ImportError, as if TensorFlow were not installed: spaCy's thinc, for
# one, then carries on without it (it tries ``tensorflow.experimental.dlpack``).
STAND_IN_MODULES = frozenset(
    {
        "keras",
        "keras.utils",
        "keras.utils.control_flow_util",
        "tensorflow",
        "tensorflow.keras",
        "tensorflow.keras.backend",
        "tensorflow.keras.utils",
        "tensorflow.python",
        "tensorflow.python.eager",
        "tensorflow.python.eager.wrap_function",
        "tensorflow.types",
        "tensorflow.types.experimental",
    }
)
# Packages whose every module is kept out (stood in for, or refused), TensorFlow's add-ons too.
KEPT_OUT_PACKAGES = ("keras", "tensorflow", "tensorflow_hub", "tensorflow_text")


class TensorFlowKeptOut(RuntimeError):
    """Something called TensorFlow in a process that runs without it."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"{name} needs TensorFlow, which this Rasa server runs without because its model's "
            "components do not use it (bot/runtime/tensorflow_stand_in.py). Serve a model that "
            "uses TensorFlow with Rasa's own `rasa run`."
        )


class StandInType(type):
    """Type of every stand-in class: any attribute is another stand-in, any call raises."""

    def __getattr__(cls, name: str) -> Any:
        """``tf.keras.layers.Layer`` and the like, for subclassing and annotations."""
        if name.startswith("_"):
            raise AttributeError(name)
        return stand_in_class(f"{cls.__module__}.{cls.__qualname__}.{name}")

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        """Refuse: creating a layer, a model or a tensor is using TensorFlow."""
        raise TensorFlowKeptOut(f"{cls.__module__}.{cls.__qualname__}")


def stand_in_class(dotted: str) -> StandInType:
    """A class named ``dotted`` that Rasa's modules can subclass and name but never call."""
    module, _, name = dotted.rpartition(".")
    return StandInType(name, (), {"__module__": module, "__qualname__": name})


class StandInModule(types.ModuleType):
    """A stand-in module: every public attribute is a stand-in class."""

    def __getattr__(self, name: str) -> Any:
        """``tf.Tensor``, ``from tensorflow.keras.utils import Sequence`` and the like."""
        if name.startswith("_"):
            raise AttributeError(name)
        return stand_in_class(f"{self.__name__}.{name}")


class StandInFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds the stand-in modules and refuses every other module of the kept-out packages."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: types.ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        """The stand-in's spec, ImportError for the rest of TensorFlow, None for anything else."""
        if fullname.partition(".")[0] not in KEPT_OUT_PACKAGES:
            return None
        if fullname not in STAND_IN_MODULES:
            raise ModuleNotFoundError(f"{fullname} is kept out of this process", name=fullname)
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        """An empty stand-in module (its attributes come from StandInModule.__getattr__)."""
        return StandInModule(spec.name)

    def exec_module(self, module: types.ModuleType) -> None:
        """Nothing to run: the stand-in has no code."""


def install() -> None:
    """Make TensorFlow's stand-in what this process imports (call before anything imports Rasa).

    Raises:
        RuntimeError: TensorFlow is already loaded, so the stand-in would come too late.
    """
    if any(isinstance(finder, StandInFinder) for finder in sys.meta_path):
        return
    loaded = [name for name in KEPT_OUT_PACKAGES if sys.modules.get(name) is not None]
    if loaded:
        raise RuntimeError(f"{', '.join(loaded)} already imported: install the stand-in first")
    for name in KEPT_OUT_PACKAGES:
        sys.modules.pop(name, None)  # a None left by keep_model_libraries_out
    sys.meta_path.insert(0, StandInFinder())


def is_stand_in(value: object) -> bool:
    """Whether ``value`` is a stand-in module or class, or a class built on a stand-in class."""
    if isinstance(value, StandInModule):
        return True
    return isinstance(value, type) and any(isinstance(base, StandInType) for base in value.__mro__)


def uses_tensorflow(component: type) -> bool:
    """Whether ``component``, or a class it inherits from, is defined in a module using TensorFlow.

    Every Rasa component that runs a TensorFlow model (DIET, TED, UnexpecTED, the response
    selector, ConveRT and the language model featurizers) imports TensorFlow in its own module,
    as a custom component would; with the stand-in installed, that module holds a stand-in.
    """
    for cls in component.__mro__:
        module = sys.modules.get(cls.__module__)
        if module is not None and any(is_stand_in(value) for value in vars(module).values()):
            return True
    return False
