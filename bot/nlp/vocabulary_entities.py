"""Rasa's spaCy entity extractor, reporting the canonical value the vocabulary ruler matched.

Rasa's own extractor reports the words as typed and leaves canonical values to the synonym
mapper, whose lists hold only the phrases written in the vocabulary. The ruler also matches
one-letter slips nobody listed ("dermatomyosits", "steriods"); their pattern id is the canonical
value, so reporting it keeps a slip from becoming an unknown subtype or a concern with no topic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.spacy_entity_extractor import SpacyEntityExtractor

if TYPE_CHECKING:
    from spacy.tokens import Doc


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False, model_from="SpacyNLP"
)
class VocabularyEntityExtractor(SpacyEntityExtractor):
    """Entities of the vocabulary ruler, valued by the term they name."""

    @staticmethod
    def _extract_entities(doc: Doc) -> list[dict[str, Any]]:
        return [
            {
                "entity": ent.label_,
                "value": ent.ent_id_ or ent.text,
                "start": ent.start_char,
                "confidence": None,
                "end": ent.end_char,
            }
            for ent in doc.ents
        ]
