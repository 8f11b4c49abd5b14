from __future__ import annotations

from pathlib import Path
from typing import Any
from unittest import mock

import jsonschema
import numpy as np
import pytest
import scipy.sparse
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot.rasa_server import (
    classifier_combines_sentence_features_only_once,
    classifier_weights_by_feature_once,
    resolve_event_types_once,
    validate_action_responses_once,
)

GOOD: dict[str, Any] = {
    "events": [{"event": "slot", "name": "last_topic", "value": "pilates", "timestamp": None}],
    "responses": [{"text": "Pilates...", "buttons": [], "custom": {"type": "answer"}}],
}
BAD: dict[str, Any] = {"events": [{"event": "slot", "name": 3}], "responses": []}


@pytest.fixture(scope="module")
def action() -> RemoteAction:
    validate_action_responses_once()
    validate_action_responses_once()  # a second call changes nothing
    return RemoteAction("action_answer", None)


def test_a_good_response_is_valid_without_checking_the_schema_again(action: RemoteAction) -> None:
    with mock.patch.object(
        jsonschema.validators.Draft202012Validator, "check_schema"
    ) as check_schema:
        assert action._validate_action_result(GOOD) is True
    check_schema.assert_not_called()


def test_a_bad_response_raises_rasas_own_error(action: RemoteAction) -> None:
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result(BAD)


def test_event_types_resolve_as_rasa_resolves_them() -> None:
    from rasa.shared.core.events import Event
    from rasa.shared.utils.common import all_subclasses

    rasas = Event.__dict__["resolve_by_type"].__func__
    resolve_event_types_once()
    resolve_event_types_once()  # a second call changes nothing
    assert Event.__dict__["resolve_by_type"].__func__ is not rasas
    names = {cls.type_name for cls in all_subclasses(Event)}
    assert len(names) > 20
    for name in names:
        assert Event.resolve_by_type(name) is rasas(name), name
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("no such event", default=Event) is Event
    with pytest.raises(ValueError, match="Unknown event name 'no such event'"):
        Event.resolve_by_type("no such event")


def test_an_event_class_defined_later_is_still_found() -> None:
    from rasa.shared.core.events import Event, SlotSet

    resolve_event_types_once()
    Event.resolve_by_type("slot")  # fills the table first

    class LateEvent(SlotSet):  # type: ignore[misc]
        type_name = "late_event_for_this_test"

    assert Event.resolve_by_type("late_event_for_this_test") is LateEvent


def test_the_loaded_intent_classifier_predicts_the_same_reading_its_weights_in_place(
    tmp_path: Path,
) -> None:
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.nlu.classifiers.logistic_regression_classifier import (
        LogisticRegressionClassifier,
    )

    storage = LocalModelStorage(tmp_path)
    resource = Resource("intent_classifier")
    context = ExecutionContext(GraphSchema({}), "test")
    config = LogisticRegressionClassifier.get_default_config()
    random = np.random.default_rng(7)
    features = scipy.sparse.random(60, 400, density=0.05, format="csr", random_state=7)
    trained = LogisticRegressionClassifier.create(config, storage, resource, context)
    trained.clf.fit(features, random.choice(["greet", "ask", "thank"], size=60))
    trained.persist()
    expected = trained.clf.predict_proba(features)

    classifier_weights_by_feature_once()
    classifier_weights_by_feature_once()  # a second call changes nothing
    loaded = LogisticRegressionClassifier.load(config, storage, resource, context)

    assert loaded.clf.coef_.T.flags.c_contiguous  # what the product reads, without a copy
    assert np.array_equal(loaded.clf.predict_proba(features), expected)


def test_the_classifier_gets_the_same_matrix_from_sentence_features_alone() -> None:
    from rasa.nlu.classifiers.logistic_regression_classifier import (
        LogisticRegressionClassifier,
    )
    from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
    from rasa.shared.nlu.training_data.features import Features
    from rasa.shared.nlu.training_data.message import Message

    rasas = LogisticRegressionClassifier._create_X

    def message(seed: int, dense: bool) -> Message:
        features = []
        for origin, width in (("counts", 40), ("chars", 70), ("regex", 5)):
            for kind, rows in ((FEATURE_TYPE_SEQUENCE, 6), (FEATURE_TYPE_SENTENCE, 1)):
                matrix = scipy.sparse.random(rows, width, density=0.3, random_state=seed)
                features.append(Features(matrix.tocoo(), kind, TEXT, origin))
                seed += 1
        if dense:
            features.append(Features(np.ones((1, 3)), FEATURE_TYPE_SENTENCE, TEXT, "dense"))
        return Message(data={TEXT: "words"}, features=features)

    classifier_combines_sentence_features_only_once()
    classifier_combines_sentence_features_only_once()  # a second call changes nothing
    assert LogisticRegressionClassifier._create_X is not rasas
    for dense in (False, True):
        messages = [message(seed, dense) for seed in (1, 50, 99)]
        ours = LogisticRegressionClassifier._create_X(None, messages)
        expected = rasas(None, messages)
        assert ours.shape == expected.shape == (3, 115 + 3 * dense)
        assert ours.dtype == expected.dtype
        assert np.array_equal(ours.toarray(), expected.toarray())
