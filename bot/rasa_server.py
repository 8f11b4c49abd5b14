"""Rasa's own command line, with its action server responses validated by one reused validator.

Rasa 3.6 checks every action server response with ``jsonschema.validate``, which first checks
the (constant) response schema itself against the JSON Schema meta-schema. That self-check cost
about 30 ms of CPU per custom action call, and under load it was more than 40% of the Rasa
server's time (profile in benchmarks/README.md). Here the schema is checked once and the
validator is kept: every response is still validated against the same schema and a bad one
raises the same error. ``python -m bot.rasa_server run ...`` takes Rasa's arguments.

``run`` also serves a model whose components use no TensorFlow without loading TensorFlow
(about 380 MiB and 4 s of start-up less; bot/runtime/tensorflow_stand_in.py says how), and
refuses, at start-up, a model one of whose components does.
"""

from __future__ import annotations

import json
import os
import sys
import tarfile
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

from jsonschema import ValidationError
from jsonschema.validators import validator_for

from bot.runtime import tensorflow_stand_in
from bot.runtime.graph_in_order import run_graphs_in_order


def validate_action_responses_once() -> None:
    """Make Rasa validate action server responses with one validator built at start-up.

    Raises:
        RuntimeError: this Rasa no longer has the method replaced here (an upgrade changed it).
    """
    from rasa.core.actions.action import RemoteAction

    original = getattr(RemoteAction, "_validate_action_result", None)
    if original is None:
        raise RuntimeError("RemoteAction._validate_action_result is gone: review bot/rasa_server")
    if original.__module__ == __name__:
        return
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema)

    def validate(self: Any, result: dict[str, Any]) -> bool:
        """Same contract as Rasa's: True, or the best-matching ValidationError with its hint."""
        try:
            validator.validate(result)
        except ValidationError:
            # Rasa's own method words the error (with the link to its docs).
            return bool(original(self, result))
        return True

    RemoteAction._validate_action_result = validate


def resolve_event_types_once() -> None:
    """Make Rasa find an event's class by its type name in a table, not a class-tree walk.

    Rasa rebuilds every tracker from its stored events on every message, and for each event it
    walks all subclasses of Event (checking each for abstract methods) to find the class: about
    3% of the Rasa server's time under load. The table is filled from the same walk and walked
    again on a miss, so a class defined later is still found, and unknown names fail as before.

    Raises:
        RuntimeError: this Rasa no longer has the method replaced here (an upgrade changed it).
    """
    from rasa.shared.core.events import Event

    original = Event.__dict__.get("resolve_by_type")
    if not isinstance(original, staticmethod):
        raise RuntimeError("Event.resolve_by_type is gone: review bot/rasa_server")
    if original.__func__.__module__ == __name__:
        return
    from rasa.shared.utils.common import all_subclasses

    classes: dict[str, type[Event]] = {}

    def resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
        """Same contract as Rasa's: the class, None for old "topic" events, default, or error."""
        if type_name not in classes:
            classes.update((cls.type_name, cls) for cls in reversed(all_subclasses(Event)))
        if type_name in classes:
            return classes[type_name]
        found: type[Event] | None = original.__func__(type_name, default)
        return found

    Event.resolve_by_type = staticmethod(resolve_by_type)


def classifier_weights_by_feature_once() -> None:
    """Make the intent classifier keep its weights in the order its prediction reads them.

    scikit-learn predicts with ``X @ coef_.T``; with ``coef_`` in row order, scipy copies the
    whole transposed matrix (classes times features, 5 MiB here) for every message: most of the
    0.6 ms a prediction took. Stored column-ordered, the transpose is read in place: the same
    numbers multiplied in the same order, so the same probabilities, in 0.09 ms.

    Raises:
        RuntimeError: this Rasa no longer has the method replaced here (an upgrade changed it).
    """
    import numpy as np
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier

    original = LogisticRegressionClassifier.__dict__.get("load")
    if not isinstance(original, classmethod):
        raise RuntimeError("LogisticRegressionClassifier.load is gone: review bot/rasa_server")
    if original.__func__.__module__ == __name__:
        return

    def load(cls: type[LogisticRegressionClassifier], *args: Any, **kwargs: Any) -> Any:
        """Rasa's load, with the loaded weights stored column-ordered."""
        component = original.__func__(cls, *args, **kwargs)
        weights = getattr(component.clf, "coef_", None)
        if weights is not None:
            component.clf.coef_ = np.asfortranarray(weights)
        return component

    LogisticRegressionClassifier.load = classmethod(load)


def classifier_combines_sentence_features_only_once() -> None:
    """Make the intent classifier combine only the sentence features it classifies on.

    Rasa's classifier asks the message for its combined sparse features, which stacks both the
    per-token and the sentence features of every featurizer, and then uses the sentence ones
    only: 0.66 ms per message, 0.27 ms for the sentence half alone. This combines the sentence
    features with Rasa's own method, so the matrix, and the prediction, are the same.

    Raises:
        RuntimeError: this Rasa no longer has the methods used here (an upgrade changed them).
    """
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
    from rasa.shared.nlu.constants import TEXT
    from rasa.shared.nlu.training_data.message import Message
    from scipy.sparse import csr_matrix, hstack, vstack

    original = LogisticRegressionClassifier.__dict__.get("_create_X")
    needed = ("_filter_sparse_features", "_combine_features", "get_dense_features")
    if original is None or not all(hasattr(Message, name) for name in needed):
        raise RuntimeError("the intent classifier's features changed: review bot/rasa_server")
    if original.__module__ == __name__:
        return

    def _create_X(self: Any, messages: list[Message]) -> Any:
        """Rasa's matrix of sentence features (sparse, then dense), one row per message."""
        rows = []
        for message in messages:
            _, sentence = message._filter_sparse_features(TEXT, [])
            sparse = Message._combine_features(sentence, [])
            dense = message.get_dense_features(attribute=TEXT)[1]
            rows.append(
                hstack(
                    [
                        csr_matrix(sparse.features if sparse else []),
                        csr_matrix(dense.features if dense else []),
                    ]
                )
            )
        return vstack(rows)

    LogisticRegressionClassifier._create_X = _create_X


# Seconds past a JWT's expiry that Rasa still accepts it, for clocks a little apart. sanic-jwt
# (Rasa's JWT check) allows 180 by default, which would let a one-minute console JWT work for four.
JWT_LEEWAY_SECONDS = 10


def rasa_arguments(argv: list[str]) -> list[str]:
    """``argv`` with ``rasa run`` given RASA_API_TOKEN and RASA_JWT_SECRET from the environment.

    The supervisor puts them in the environment, not on the command line, where any local user
    could read them (``ps``, /proc/<pid>/cmdline); Rasa reads them only from its arguments, so
    they are added here, inside the process, where the kernel's copy of the command line never
    sees them. The JWT secret checks the console's HS256 tokens (bot/console/rasa_client.py).
    Each goes as ``--option=value``: a random secret can start with "-", which argparse would
    otherwise take for an option and stop Rasa with exit code 2.
    """
    if "run" not in argv[1:2]:
        return argv
    given = {argument.split("=", 1)[0] for argument in argv}
    added: list[str] = []
    token = os.environ.get("RASA_API_TOKEN")
    if token and "--auth-token" not in given:
        added.append(f"--auth-token={token}")
    jwt_secret = os.environ.get("RASA_JWT_SECRET")
    if jwt_secret and "--jwt-secret" not in given:
        added += [f"--jwt-secret={jwt_secret}", "--jwt-method=HS256"]
    return [*argv, *added]


def limit_jwt_leeway(environ: MutableMapping[str, str]) -> None:
    """Have Rasa refuse a JWT soon after its expiry (JWT_LEEWAY_SECONDS), unless set otherwise.

    Sanic reads ``SANIC_*`` variables into its app's config without the prefix, and sanic-jwt
    takes its settings from the ``SANIC_JWT_*`` keys there; Rasa offers no option for it.
    """
    environ.setdefault("SANIC_SANIC_JWT_LEEWAY", str(JWT_LEEWAY_SECONDS))


def model_to_serve(argv: list[str]) -> Path | None:
    """The model archive ``rasa run`` with these arguments loads, or None if it is not local.

    Rasa's own parser and model lookup (a folder means its latest model) read the arguments, so
    this is the archive Rasa itself loads. None when the model comes from remote storage or is
    missing: Rasa then fetches it or says it is missing, and a component that uses TensorFlow
    fails as the model loads (it builds its network then), before any conversation: Rasa logs
    "Could not load model" with TensorFlowKeptOut's message and serves no model.
    """
    from rasa.__main__ import create_argument_parser
    from rasa.exceptions import ModelNotFound
    from rasa.model import get_local_model

    arguments, _ = create_argument_parser().parse_known_args(argv[1:])
    model = getattr(arguments, "model", None)  # `rasa run actions` has none
    if model is None or getattr(arguments, "remote_storage", None):
        return None
    try:
        return Path(get_local_model(model))
    except ModelNotFound:
        return None


def components_of(model: Path) -> list[str]:
    """The class path of every component the model runs when it answers (its predict graph)."""
    with tarfile.open(model, mode="r:gz") as archive:
        member = archive.extractfile("metadata.json")
        if member is None:
            raise RuntimeError(f"{model} has no metadata.json: is it a Rasa 3 model?")
        metadata = json.load(member)
    return sorted({node["uses"] for node in metadata["predict_schema"]["nodes"].values()})


def keep_tensorflow_out(argv: list[str]) -> None:
    """Serve ``rasa run`` with TensorFlow's stand-in, or refuse a model that uses TensorFlow.

    Must run before anything imports Rasa. Other commands (``rasa train``...) load TensorFlow.

    Raises:
        SystemExit: a component of the model to serve uses TensorFlow (its message says which).
    """
    if argv[1:2] != ["run"]:
        return
    tensorflow_stand_in.install()
    model = model_to_serve(argv)
    if model is None:
        return
    from rasa.shared.utils.common import class_from_module_path

    needing = [
        path
        for path in components_of(model)
        if tensorflow_stand_in.uses_tensorflow(class_from_module_path(path))
    ]
    if needing:
        raise SystemExit(
            f"{model} uses TensorFlow ({', '.join(needing)}), which this server keeps out "
            "(bot/runtime/tensorflow_stand_in.py): serve it with Rasa's own `rasa run`."
        )


def main() -> None:
    """Run Rasa's command line (``rasa run``, ``rasa train``...) with the validator reused."""
    keep_tensorflow_out(sys.argv)
    from rasa.__main__ import main as rasa_main

    validate_action_responses_once()
    resolve_event_types_once()
    classifier_weights_by_feature_once()
    classifier_combines_sentence_features_only_once()
    run_graphs_in_order()
    limit_jwt_leeway(os.environ)
    sys.argv = rasa_arguments(sys.argv)
    rasa_main()


if __name__ == "__main__":
    main()
