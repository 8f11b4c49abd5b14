"""While a volunteer holds a conversation the assistant listens, except to warning signs."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.dialogue.handoff_policy import HandoffPolicy
from bot.settings import PROJECT_ROOT


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(PROJECT_ROOT / "domain.yml")


@pytest.fixture
def policy(tmp_path: Path) -> HandoffPolicy:
    return HandoffPolicy(
        {**HandoffPolicy.get_default_config()},
        LocalModelStorage(tmp_path),
        Resource("handoff"),
        ExecutionContext(GraphSchema({}), "test"),
    )


def predicted(
    policy: HandoffPolicy, domain: Domain, volunteer: str | None, intent: str
) -> str | None:
    events = [
        ActionExecuted(ACTION_LISTEN_NAME),
        SlotSet("volunteer", volunteer),
        UserUttered("...", intent={"name": intent, "confidence": 0.9}),
    ]
    tracker = DialogueStateTracker.from_events("someone", events, slots=domain.slots)
    prediction = policy.predict_action_probabilities(tracker, domain)
    if max(prediction.probabilities) == 0:
        return None  # abstains: the other policies decide
    assert prediction.policy_priority > 6, "must outrank RulePolicy"
    return str(domain.action_names_or_texts[prediction.max_confidence_index])


@pytest.mark.parametrize("intent", ["ask_exercise_safety", "thanks", "greet", "nlu_fallback"])
def test_a_held_conversation_is_listened_to(
    policy: HandoffPolicy, domain: Domain, intent: str
) -> None:
    assert predicted(policy, domain, "Vera", intent) == ACTION_LISTEN_NAME


@pytest.mark.parametrize("intent", ["report_warning_sign", "crisis"])
def test_warning_signs_are_answered_even_when_held(
    policy: HandoffPolicy, domain: Domain, intent: str
) -> None:
    assert predicted(policy, domain, "Vera", intent) is None


def test_without_a_volunteer_the_policy_stays_out(policy: HandoffPolicy, domain: Domain) -> None:
    assert predicted(policy, domain, None, "ask_exercise_safety") is None
