"""Names of intents the NLU pipeline itself gives, which several layers must agree on."""

from __future__ import annotations

# Rasa's FallbackClassifier gives this when the classifier is too unsure to place a message.
FALLBACK_INTENT = "nlu_fallback"
