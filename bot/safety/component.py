"""The safety net as a Rasa NLU component: it runs on every message, after the classifiers.

It adds a `safety` report to the parse data and, when it finds thoughts of self-harm, a warning
sign, or a medical question that is not about exercise, sets the intent to `crisis`,
`report_warning_sign` or `ask_medical` (in that order of precedence) with full confidence, so the
safety rules win over every story and over the fallback, whatever the classifier said. It also
adds the message's `wording` (bot.nlp.language.wording), which the actions read.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlp.intents import FALLBACK_INTENT
from bot.nlp.language import wording
from bot.safety.detector import Detector, SafetyReport
from bot.safety.lexicon import read_lexicon

SAFETY_KEY = "safety"
WORDING_KEY = "wording"
CRISIS_INTENT = "crisis"
WARNING_SIGN_INTENT = "report_warning_sign"
MEDICAL_INTENT = "ask_medical"
BOT_CHALLENGE_INTENT = "bot_challenge"
ALARM_INTENTS = frozenset(
    {CRISIS_INTENT, WARNING_SIGN_INTENT, MEDICAL_INTENT, BOT_CHALLENGE_INTENT, FALLBACK_INTENT}
)
# Chat intents whose replies act on the conversation, and the words that must bear them out:
# asking for a volunteer hands it to a person ("can I talk to someone?", not "can I do it
# holding onto a chair?"); asking for more repeats the last answer at length ("tell me more",
# not "and rest, how much?" or "she says it hurts too much most days").
BORNE_OUT_BY = {
    "ask_human": re.compile(
        r"\b(?:human|person|people|someone|somebody|anyone|anybody|volunteer|staff|agent"
        r"|operator|nurse|team|charity|association|phone|call|callback|ring|email|e-mail|contact"
        r"|helpline|chat|talk|speak)\b",
        re.IGNORECASE,
    ),
    "tell_me_more": re.compile(
        r"\b(?:more|moer|details?|detailed|elaborate|explain|expand|further|go\s+on|continue"
        r"|rest\s+of\s+(?:it|that)|long\s+version)\b",
        re.IGNORECASE,
    ),
}


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyNet(GraphComponent):
    """Rule-based warning-sign and crisis detection on the spaCy doc of each message."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The lexicon is content, read at load time: new words need no retraining.

        ``fallback_threshold`` is the FallbackClassifier's: when a false alarm is set aside and
        the classifier's next guess is below it, the message gets the "did you mean...?" step.
        """
        return {"lexicon": "knowledge/safety.yml", "fallback_threshold": 0.3}

    @staticmethod
    def required_components() -> list[type]:
        """The detector reads the lemmas of the project's spaCy pipeline."""
        from rasa.nlu.utils.spacy_utils import SpacyNLP

        return [SpacyNLP]

    def __init__(self, detector: Detector, fallback_threshold: float) -> None:
        self.detector = detector
        self.fallback_threshold = fallback_threshold

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyNet:
        """Load the lexicon named in the config (relative paths from the working directory)."""
        return cls(
            Detector(read_lexicon(Path(config["lexicon"]))), float(config["fallback_threshold"])
        )

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
            words = wording(message.get(TEXT) or "")
            message.set(WORDING_KEY, words, add_to_output=True)
            if report.crisis:
                intent, confidence = CRISIS_INTENT, 1.0
            elif report.findings:
                intent, confidence = WARNING_SIGN_INTENT, 1.0
            elif report.medical:
                intent, confidence = MEDICAL_INTENT, 1.0
            elif words["language"] is not None:
                # Understood words would be guesses: the fallback answers in that language.
                intent, confidence = FALLBACK_INTENT, 1.0
            elif self._false_alarm(message, report):
                intent, confidence = self._ordinary_intent(message)
            else:
                continue
            message.set(
                INTENT,
                {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: confidence},
                add_to_output=True,
            )
        return messages

    @staticmethod
    def _false_alarm(message: Message, report: SafetyReport) -> bool:
        """Whether the classifier alone raised an alarm that the message's clauses rule out.

        A crisis needs words in the self-harm sense ("I had to give up tennis" has none); a
        warning sign the rules found only in the past or resolved ("stiff after pilates, fine
        now", "choked last year, none since") is not one; a question about exercise is never a
        medical question to decline ("Would a physio be useful for dermatomyositis?"), nor a
        question about the assistant when it is addressed to "you" as forum writers do ("how did
        you build up to walking every day?"); nor is a request for a person, or for more, one whose
        words ask for neither (`BORNE_OUT_BY`).
        """
        name = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        if name == CRISIS_INTENT:
            return not report.crisis_sense
        if name == WARNING_SIGN_INTENT:
            return bool(report.dismissed) or report.settled
        if name in (MEDICAL_INTENT, BOT_CHALLENGE_INTENT):
            # "Could resistance bands make my DM worse?", "do you get wiped out after physio?"
            return report.exercise_only
        if name in BORNE_OUT_BY:
            return not BORNE_OUT_BY[name].search(message.get(TEXT) or "")
        return False

    def _ordinary_intent(self, message: Message) -> tuple[str, float]:
        """The classifier's best intent that is not an alarm, or the fallback if it is unsure."""
        ranking = message.get(INTENT_RANKING_KEY) or []
        ruled_out = ALARM_INTENTS | {(message.get(INTENT) or {}).get(INTENT_NAME_KEY)}
        best = next((r for r in ranking if r[INTENT_NAME_KEY] not in ruled_out), None)
        if best is None or best[PREDICTED_CONFIDENCE_KEY] < self.fallback_threshold:
            return FALLBACK_INTENT, 1.0 - self.fallback_threshold
        return best[INTENT_NAME_KEY], best[PREDICTED_CONFIDENCE_KEY]
