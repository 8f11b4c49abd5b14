"""Reads the question sentence of a long message as well as the whole message.

People on forums tell a story before they ask ("Diagnosed with DM two years ago, CK was 3,000,
on pred since. Can I lift weights?"). The intent classifier reads every word, and the story's
words outnumber the question's, so the story often decides. This component has a second
classifier, trained on the question sentence of every training example; for a message of
several sentences that asks, it averages the two readings, intent by intent. A clear question
then decides, and a question that only points back at the story ("what should I do?") leaves
the whole message's reading in charge, since its own reading is spread thin.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers import LABEL_RANKING_LENGTH
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
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from spacy.tokens import Doc

from bot.nlp.sentences import asking_spans

FILE = "question_reader.skops"
# What the saved file may hold: the two vectorizers, the classifier and their numpy parts.
TRUSTED_TYPES = frozenset(
    {
        "builtins.dict",
        "builtins.str",
        "numpy.dtype",
        "numpy.float64",
        "numpy.int64",
        "numpy.ndarray",
        "sklearn.feature_extraction.text.CountVectorizer",
        "sklearn.linear_model._logistic.LogisticRegression",
    }
)


class UntrustedModelFile(RuntimeError):
    """The saved reader holds types it should not: the model file was tampered with."""


def question_part(text: str) -> tuple[int, int] | None:
    """Where the question sentence of a message of several sentences is: the last that asks."""
    spans = asking_spans(text)
    return spans[-1] if spans else None


def lemmas(doc: Doc, span: tuple[int, int]) -> str:
    """The lower-case lemmas of the words inside ``span``, space-separated."""
    start, end = span
    return " ".join(t.lemma_.lower() for t in doc if start <= t.idx < end and not t.is_space)


class QuestionFeatures:
    """Lemma 1-2-grams and character 2-5-grams of a sentence, as the main classifier reads them."""

    def __init__(self, words: CountVectorizer, characters: CountVectorizer) -> None:
        self.words = words
        self.characters = characters

    @classmethod
    def untrained(cls) -> QuestionFeatures:
        """Vectorizers with the settings of config.yml's two count-vector featurizers."""
        return cls(
            CountVectorizer(ngram_range=(1, 2), token_pattern=r"\S+", lowercase=False),
            CountVectorizer(analyzer="char_wb", ngram_range=(2, 5), lowercase=True),
        )

    def fit_transform(self, lemma_texts: list[str], texts: list[str]) -> csr_matrix:
        """Learn the vocabularies from the training sentences and return their counts."""
        return hstack(
            [self.words.fit_transform(lemma_texts), self.characters.fit_transform(texts)]
        ).tocsr()

    def transform(self, lemma_texts: list[str], texts: list[str]) -> csr_matrix:
        """Count the known n-grams of new sentences."""
        return hstack([self.words.transform(lemma_texts), self.characters.transform(texts)]).tocsr()


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class QuestionReader(GraphComponent):
    """Averages the whole message's intent reading with its question sentence's."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """``question_weight``: the question sentence's share of the averaged reading."""
        return {"question_weight": 0.5, "max_iter": 200, "random_state": 42}

    @staticmethod
    def required_components() -> list[type]:
        """The lemmas come from the project's spaCy pipeline."""
        from rasa.nlu.utils.spacy_utils import SpacyNLP

        return [SpacyNLP]

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        trained: tuple[QuestionFeatures, LogisticRegression] | None = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._trained = trained

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> QuestionReader:
        """An untrained reader: it leaves every message as the classifier read it."""
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Learn intents from the question sentence of every training example."""
        examples = [
            m for m in training_data.intent_examples if m.get(INTENT) and m.get(SPACY_DOCS[TEXT])
        ]
        if not examples:
            return self._resource
        whole = [m.get(TEXT) or "" for m in examples]
        lemma_texts, texts = self._sentences(
            (m, question_part(text) or (0, len(text)))
            for m, text in zip(examples, whole, strict=True)
        )
        features = QuestionFeatures.untrained()
        classifier = LogisticRegression(
            class_weight="balanced",
            max_iter=int(self.config["max_iter"]),
            random_state=int(self.config["random_state"]),
        )
        intents = [m.get(INTENT) for m in examples]
        classifier.fit(features.fit_transform(lemma_texts, texts), intents)
        self._trained = (features, classifier)
        self.persist()
        return self._resource

    @staticmethod
    def _sentences(
        parts: Iterable[tuple[Message, tuple[int, int]]],
    ) -> tuple[list[str], list[str]]:
        """The lemmas and the words of one span of each message (its question sentence)."""
        lemma_texts, texts = [], []
        for message, (start, end) in parts:
            lemma_texts.append(lemmas(message.get(SPACY_DOCS[TEXT]), (start, end)))
            texts.append((message.get(TEXT) or "")[start:end])
        return lemma_texts, texts

    def process(self, messages: list[Message]) -> list[Message]:
        """Average in the question sentence's reading for messages of several sentences."""
        for message in messages:
            span = question_part(message.get(TEXT) or "")
            if self._trained is None or message.get(SPACY_DOCS[TEXT]) is None or span is None:
                self._trim(message)
            else:
                self._read_question(message, span)
        return messages

    def _read_question(self, message: Message, span: tuple[int, int]) -> None:
        """Replace the message's intent and ranking with the averaged reading."""
        assert self._trained is not None
        features, classifier = self._trained
        lemma_texts, texts = self._sentences([(message, span)])
        asked = classifier.predict_proba(features.transform(lemma_texts, texts))[0]
        weight = float(self.config["question_weight"])
        whole = {
            r[INTENT_NAME_KEY]: float(r[PREDICTED_CONFIDENCE_KEY])
            for r in message.get(INTENT_RANKING_KEY) or []
        }
        averaged = {
            str(name): (1 - weight) * whole.get(str(name), 0.0) + weight * float(p)
            for name, p in zip(classifier.classes_, asked, strict=True)
        }
        ranking = [
            {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}
            for name, confidence in sorted(averaged.items(), key=lambda item: -item[1])
        ]
        message.set(INTENT, ranking[0], add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking[:LABEL_RANKING_LENGTH], add_to_output=True)

    @staticmethod
    def _trim(message: Message) -> None:
        """Keep the usual ranking length (the classifier hands on every intent, for averaging)."""
        ranking = message.get(INTENT_RANKING_KEY)
        if ranking and len(ranking) > LABEL_RANKING_LENGTH:
            message.set(INTENT_RANKING_KEY, ranking[:LABEL_RANKING_LENGTH], add_to_output=True)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training examples keep their labelled intents."""
        return training_data

    def persist(self) -> None:
        """Save the vectorizers and the classifier with skops (no pickle), as Rasa's does."""
        import skops.io as sio

        assert self._trained is not None
        features, classifier = self._trained
        with self._model_storage.write_to(self._resource) as directory:
            sio.dump(
                {"words": features.words, "characters": features.characters, "clf": classifier},
                directory / FILE,
            )

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> QuestionReader:
        """Load the trained reader, refusing a file holding anything but the expected types."""
        import skops.io as sio

        try:
            with model_storage.read_from(resource) as directory:
                path = directory / FILE
                unknown = set(sio.get_untrusted_types(file=path))
                if not unknown <= TRUSTED_TYPES:
                    raise UntrustedModelFile(f"{path} holds unexpected types: {sorted(unknown)}")
                saved = sio.load(path, trusted=sorted(unknown))
        except ValueError:
            # No resource: the pipeline was trained without examples (Rasa's own convention).
            return cls.create(config, model_storage, resource, execution_context)
        classifier = saved["clf"]
        # Column-ordered weights, as for the main classifier (bot.rasa_server): no copy per call.
        classifier.coef_ = np.asfortranarray(classifier.coef_)
        features = QuestionFeatures(saved["words"], saved["characters"])
        return cls(config, model_storage, resource, (features, classifier))
