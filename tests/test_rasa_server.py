from __future__ import annotations

from typing import Any
from unittest import mock

import jsonschema
import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot.rasa_server import validate_action_responses_once

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
