"""Rasa's entities carry the vocabulary's canonical values, slips of spelling included."""

from __future__ import annotations

import pytest
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.utils.io import read_yaml_file

from bot.nlp.analyzer import Analyzer
from bot.nlp.vocabulary_entities import VocabularyEntityExtractor
from bot.settings import PROJECT_ROOT


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Slips the ruler recognises but no synonym list spells: without the ruler's canonical
        # value the subtype slot got "dermatomyosits" and the concern had no topic.
        (
            "can u exercise with dermatomyosits if ur on steriods",
            [("myositis_type", "DM", "dermatomyosits"), ("concern", "steroids", "steriods")],
        ),
        ("is swiming ok", [("exercise_type", "hydrotherapy", "swiming")]),
        # Listed phrases keep working, case-sensitive abbreviations too.
        (
            "I have PM, can I do pilates",
            [("myositis_type", "PM", "PM"), ("exercise_type", "pilates", "pilates")],
        ),
    ],
)
def test_entities_carry_canonical_values(
    analyzer: Analyzer, text: str, expected: list[tuple[str, str, str]]
) -> None:
    extractor = VocabularyEntityExtractor({"dimensions": None})
    message = Message({TEXT: text})
    extractor.process([message], SpacyModel(model=analyzer.nlp, model_name="en_myositis"))
    found = [(e["entity"], e["value"], text[e["start"] : e["end"]]) for e in message.get(ENTITIES)]
    assert found == expected


def test_the_pipeline_extracts_with_canonical_values() -> None:
    pipeline = read_yaml_file(PROJECT_ROOT / "config.yml")["pipeline"]
    extractors = [c["name"] for c in pipeline if "EntityExtractor" in c["name"]]
    assert extractors == ["bot.nlp.vocabulary_entities.VocabularyEntityExtractor"]
