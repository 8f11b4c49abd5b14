"""Rasa's own command line, with its action server responses validated by one reused validator.

Rasa 3.6 checks every action server response with ``jsonschema.validate``, which first checks
the (constant) response schema itself against the JSON Schema meta-schema. That self-check cost
about 30 ms of CPU per custom action call, and under load it was more than 40% of the Rasa
server's time (profile in benchmarks/README.md). Here the schema is checked once and the
validator is kept: every response is still validated against the same schema and a bad one
raises the same error. ``python -m bot.rasa_server run ...`` takes Rasa's arguments.
"""

from __future__ import annotations

from typing import Any

from jsonschema import ValidationError
from jsonschema.validators import validator_for


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


def main() -> None:
    """Run Rasa's command line (``rasa run``, ``rasa train``...) with the validator reused."""
    from rasa.__main__ import main as rasa_main

    validate_action_responses_once()
    rasa_main()


if __name__ == "__main__":
    main()
