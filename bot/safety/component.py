"""The safety net as a Rasa NLU component: it runs on every message, after the classifiers.

It adds a `safety` report to the parse data and, when it finds thoughts of self-harm, a warning
sign, or a medical question that is not about exercise, sets the intent to `crisis`,
`report_warning_sign` or `ask_medical` (in that order of precedence) with full confidence, so the
safety rules win over every story and over the fallback, whatever the classifier said.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.safety.detector import Detector
from bot.safety.lexicon import read_lexicon

SAFETY_KEY = "safety"
CRISIS_INTENT = "crisis"
WARNING_SIGN_INTENT = "report_warning_sign"
MEDICAL_INTENT = "ask_medical"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyNet(GraphComponent):
    """Rule-based warning-sign and crisis detection on the spaCy doc of each message."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The lexicon is content, read at load time: new words need no retraining."""
        return {"lexicon": "knowledge/safety.yml"}

    @staticmethod
    def required_components() -> list[type]:
        """The detector reads the lemmas of the project's spaCy pipeline."""
        from rasa.nlu.utils.spacy_utils import SpacyNLP

        return [SpacyNLP]

    def __init__(self, detector: Detector) -> None:
        self.detector = detector

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyNet:
        """Load the lexicon named in the config (relative paths from the working directory)."""
        return cls(Detector(read_lexicon(Path(config["lexicon"]))))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Nothing to learn: the rules are the lexicon."""
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Add the safety report and, for a finding, the safety intent."""
        for message in messages:
            doc = message.get(SPACY_DOCS[TEXT])
            if doc is None:
                continue
            report = self.detector.detect(doc)
            message.set(SAFETY_KEY, report.as_dict(), add_to_output=True)
            if report.crisis:
                intent = CRISIS_INTENT
            elif report.findings:
                intent = WARNING_SIGN_INTENT
            elif report.medical:
                intent = MEDICAL_INTENT
            else:
                continue
            message.set(
                INTENT,
                {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0},
                add_to_output=True,
            )
        return messages
