"""The question reader: a story before the question must not decide the intent on its own."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from spacy.language import Language

from bot.nlp.question_reader import QuestionReader, UntrustedModelFile, question_part
from bot.settings import load_settings

# Two intents whose words never meet: blood tests and lifting weights.
TRAINING = {
    "ask_pain_fatigue_ck": [
        "my CK was 3000 at the start",
        "what does a high CK level mean for exercise",
        "my blood test showed raised CK again",
        "the CK test came back high last month",
        "why did my CK go up after the gym",
    ],
    "ask_exercise_type": [
        "can I lift weights",
        "is lifting weights ok",
        "should I try weights at the gym",
        "are light weights safe for me",
        "how heavy should my weights be",
    ],
}


@pytest.fixture(scope="module")
def nlp() -> Language:
    return spacy.load(load_settings().spacy_pipeline)


def message(nlp: Language, text: str, intent: str | None = None) -> Message:
    data = {TEXT: text, SPACY_DOCS[TEXT]: nlp(text)}
    if intent:
        data[INTENT] = intent
    return Message(data=data)


def story_heavy_reading(msg: Message) -> None:
    """What the whole-message classifier says of a long story about blood tests: CK."""
    ranking = [
        {"name": "ask_pain_fatigue_ck", "confidence": 0.7},
        {"name": "ask_exercise_type", "confidence": 0.3},
    ]
    msg.set(INTENT, ranking[0])
    msg.set(INTENT_RANKING_KEY, ranking)


def reader(tmp_path: Path, nlp: Language) -> QuestionReader:
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    trained = QuestionReader.create({}, storage, Resource("question_reader"), context)
    examples = [message(nlp, t, i) for i, texts in TRAINING.items() for t in texts]
    trained.train(TrainingData(examples))
    return QuestionReader.load({}, storage, Resource("question_reader"), context)


def test_the_question_sentence_outweighs_the_story(tmp_path: Path, nlp: Language) -> None:
    loaded = reader(tmp_path, nlp)
    msg = message(
        nlp, "My CK was 3000 at the start and the blood test came back high. Can I lift weights?"
    )
    story_heavy_reading(msg)
    loaded.process([msg])
    assert msg.get(INTENT)["name"] == "ask_exercise_type"
    confidences = [r["confidence"] for r in msg.get(INTENT_RANKING_KEY)]
    assert confidences == sorted(confidences, reverse=True)
    assert sum(confidences) == pytest.approx(1.0)


def test_a_message_of_one_sentence_keeps_the_classifiers_reading(
    tmp_path: Path, nlp: Language
) -> None:
    loaded = reader(tmp_path, nlp)
    msg = message(nlp, "my CK was high, can I lift weights?")
    story_heavy_reading(msg)
    loaded.process([msg])
    assert msg.get(INTENT)["name"] == "ask_pain_fatigue_ck"


def test_the_ranking_is_cut_to_rasas_length(tmp_path: Path, nlp: Language) -> None:
    loaded = reader(tmp_path, nlp)
    msg = message(nlp, "hello")
    ranking = [{"name": f"intent_{i}", "confidence": 1 / 20} for i in range(20)]
    msg.set(INTENT_RANKING_KEY, ranking)
    loaded.process([msg])
    assert len(msg.get(INTENT_RANKING_KEY)) == 10


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("I have DM. Can I swim?", "Can I swim?"),
        ("Can I swim? I have DM.", "Can I swim? "),
        ("I have DM. I swim. Can I? Or is cycling better?", "Or is cycling better?"),
        ("can I swim?", None),
        ("I have DM. I want to swim.", None),
    ],
)
def test_the_question_part_is_the_last_sentence_that_asks(text: str, question: str | None) -> None:
    span = question_part(text)
    assert (text[span[0] : span[1]] if span else None) == question


def test_a_saved_reader_with_foreign_types_is_refused(tmp_path: Path, nlp: Language) -> None:
    reader(tmp_path, nlp)
    import skops.io as sio

    storage = LocalModelStorage(tmp_path)
    with storage.write_to(Resource("question_reader")) as directory:
        sio.dump({"clf": Path("x")}, directory / "question_reader.skops")
    context = ExecutionContext(GraphSchema({}), "test")
    with pytest.raises(UntrustedModelFile):
        QuestionReader.load({}, storage, Resource("question_reader"), context)
