"""Maps what the NLU understood (intent, entities, the last topic) to a knowledge topic, and back.

The same table decides where a typed question goes and what a quick-reply button sends, so a button
always leads to the topic it names.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

from bot.knowledge.vocabulary import Vocabulary

TOPIC_INTENTS: Mapping[str, str] = {
    "ask_exercise_safety": "exercise_safety",
    "ask_exercise_benefits": "exercise_benefits",
    "ask_research_evidence": "research_evidence",
    "ask_exercise_types": "exercise_types",
    "ask_swallowing": "swallowing",
    "ask_routine": "routine_and_rest",
    "ask_getting_started": "getting_started",
    "ask_which_professional": "which_professional",
    "ask_pregnancy": "pregnancy",
    "ask_flares_steroids": "flares_and_steroids",
    "ask_pain_fatigue_ck": "pain_fatigue_ck",
    "ask_resources": "resources",
}
# Intents whose topic comes from an entity: (entity label, topic when the entity is missing).
ENTITY_INTENTS: Mapping[str, tuple[str, str]] = {
    "ask_exercise_type": ("exercise_type", "exercise_types"),
    "ask_subtype": ("myositis_type", "exercise_safety"),
}
FOLLOW_UP_INTENT = "inform"
GUIDANCE_INTENTS = frozenset(TOPIC_INTENTS) | frozenset(ENTITY_INTENTS) | {FOLLOW_UP_INTENT}


class Router:
    """Resolves topics with the vocabulary's entity-to-topic links and the topics' claims."""

    def __init__(
        self, vocabulary: Vocabulary, claims: Mapping[str, Sequence[str]] | None = None
    ) -> None:
        self.vocabulary = vocabulary
        self._claims = {
            topic: re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b", re.IGNORECASE)
            for topic, words in (claims or {}).items()
            if words
        }

    def topic_for(
        self,
        intent: str,
        entities: Mapping[str, str],
        last_topic: str | None = None,
        text: str = "",
    ) -> str | None:
        """Return the topic a message asks about, or None when it asks about none.

        A follow-up such as "what about swimming?" names an exercise type and goes to its topic;
        "and for IBM?" keeps the last topic (the subtype then tailors the answer). A topic that
        claims a word in the text (pregnancy) takes any exercise question that uses it.
        """
        if intent in GUIDANCE_INTENTS:
            claimed = next((t for t, words in self._claims.items() if words.search(text)), None)
            if claimed:
                return claimed
        if intent in TOPIC_INTENTS:
            return TOPIC_INTENTS[intent]
        if intent in ENTITY_INTENTS:
            label, default = ENTITY_INTENTS[intent]
            return self.vocabulary.topic_for(label, entities.get(label)) or default
        if intent != FOLLOW_UP_INTENT:
            return None
        if "exercise_type" in entities:
            return self.vocabulary.topic_for("exercise_type", entities["exercise_type"])
        if "professional" in entities:
            return TOPIC_INTENTS["ask_which_professional"]
        if "myositis_type" in entities:
            return last_topic or self.vocabulary.topic_for(
                "myositis_type", entities["myositis_type"]
            )
        return last_topic

    def button_payload(self, topic: str) -> str:
        """Return the message a button for ``topic`` sends, in Rasa's ``/intent{...}`` form."""
        for intent, target in TOPIC_INTENTS.items():
            if target == topic:
                return f"/{intent}"
        for intent, (label, _default) in ENTITY_INTENTS.items():
            value = self.vocabulary.value_for_topic(label, topic)
            if value is not None:
                return f"/{intent}{json.dumps({label: value})}"
        raise KeyError(f"no intent leads to topic '{topic}'")
