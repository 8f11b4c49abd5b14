"""Keeps the assistant quiet while a volunteer holds the conversation, except for warning signs.

The volunteer console sets the `volunteer` slot when someone takes a conversation over (and
clears it when they hand it back). While it is set, this policy predicts `action_listen` for
every user message with certainty and a priority above the rules, so nothing else answers; a
message the safety net marks as a warning sign or a crisis is left to the rules, which answer it
at once. Deciding this in one policy covers every reply, the domain's own responses included.
"""

from __future__ import annotations

from typing import Any

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from typing_extensions import override

from bot.dialogue.slots import VOLUNTEER_SLOT

# Intents the assistant still answers while a volunteer holds the conversation.
ALWAYS_ANSWERED = ("report_warning_sign", "crisis")


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class HandoffPolicy(Policy):
    """Predicts listening, with certainty, for what a volunteer should answer instead."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Above RulePolicy (6), so a held conversation stays quiet whatever the rules say."""
        return {"priority": 7}

    @override
    def train(self, training_trackers: list[Any], domain: Domain, **kwargs: Any) -> Resource:
        return self._resource  # nothing to learn

    @override
    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        if held_by_volunteer(tracker):
            probabilities[domain.index_for_action(ACTION_LISTEN_NAME)] = 1.0
        return self._prediction(probabilities)

    @classmethod
    @override
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> HandoffPolicy:
        return cls(config, model_storage, resource, execution_context)


def held_by_volunteer(tracker: DialogueStateTracker) -> bool:
    """Whether the user just wrote to a conversation a volunteer holds, about nothing urgent."""
    if not tracker.get_slot(VOLUNTEER_SLOT) or tracker.latest_action_name != ACTION_LISTEN_NAME:
        return False
    intent = (tracker.latest_message.intent if tracker.latest_message else {}) or {}
    return intent.get(INTENT_NAME_KEY) not in ALWAYS_ANSWERED
