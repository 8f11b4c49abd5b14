"""The project's spaCy pipeline: lemmas, and the vocabulary ruler's canonical entities."""

from __future__ import annotations

import pytest

from bot.cli import VOCABULARY_NLU_FILE, vocabulary_document
from bot.nlp.analyzer import Analyzer
from bot.settings import Settings


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "can my husband with sIBM go swimming",
            {("myositis_type", "IBM"), ("exercise_type", "hydrotherapy")},
        ),
        (
            "I have dermatomiositis, is streching ok",
            {("myositis_type", "DM"), ("exercise_type", "stretching")},
        ),
        (
            "should I see a physio or an exercise physiologist",
            {("professional", "physiotherapist"), ("professional", "exercise_physiologist")},
        ),
        ("my 8 yo has juvenile dermatomyositis", {("myositis_type", "JDM")}),
        (
            "necrotizing myopathy and thai chi",
            {("myositis_type", "IMNM"), ("exercise_type", "tai_chi")},
        ),
        ("weak fingers and thighs", {("body_part", "hands"), ("body_part", "legs")}),
        (
            "a speech therapist for swallowing exercises",
            {("professional", "speech_pathologist"), ("exercise_type", "swallowing")},
        ),
        # Patients' own words for a kind of exercise, as forums write them.
        ("is therapy putty any good", {("exercise_type", "hand_exercises")}),
        ("bands?", {("exercise_type", "strength")}),
        ("the weight machines at my gym", {("exercise_type", "strength")}),
        ("I want a proper workout, some strength work", {("exercise_type", "strength")}),
        ("can I work up a proper sweat", {("exercise_type", "aerobic")}),
        ("I miss getting my heart rate up", {("exercise_type", "aerobic")}),
        ("I was a runner before all this", {("exercise_type", "aerobic")}),
        ("my HIIT class", {("exercise_type", "aerobic")}),
        ("pottering in the garden", {("exercise_type", "other_activity")}),
        ("croquet on Sundays", {("exercise_type", "other_activity")}),
        ("which poses are safe then", {("exercise_type", "other_activity")}),
        ("one of those little pedal machines", {("exercise_type", "aerobic")}),
        ("any runners here with myositis", {("exercise_type", "aerobic")}),
        ("I used to run half marathons. can I run again?", {("exercise_type", "aerobic")}),
        ("will I ever get back on my paddleboard", {("exercise_type", "other_activity")}),
        ("are warm water classes easier than land", {("exercise_type", "hydrotherapy")}),
        ("would a water class suit her", {("exercise_type", "hydrotherapy")}),
        ("reformer or mat to start with?", {("exercise_type", "pilates")}),
        ("is ab work ok", {("exercise_type", "strength")}),
        ("is eccentric exercise bad for me", {("exercise_type", "strength")}),
        ("sit to stands?", {("exercise_type", "strength")}),
        ("group fitness classes??", {("exercise_type", "other_activity")}),
        ("can I go back to squash?", {("exercise_type", "other_activity")}),
        ("what sports could I still do?", {("exercise_type", "other_activity")}),
        ("would balance exercises help me?", {("exercise_type", "other_activity")}),
        ("what do I tell the instructor", {("professional", "rehabilitation_specialist")}),
        ("and if it hurts after?", {("concern", "soreness")}),
        ("what can she do to get stronger?", {("exercise_type", "strength")}),
        ("can I keep doing my band exercises", {("exercise_type", "strength")}),
        ("I got one of those exercise bikes", {("exercise_type", "aerobic")}),
        ("is that slow chinese exercise any good", {("exercise_type", "tai_chi")}),
        ("how do I help him without hurting him?", set()),
        ("walking football with my mates?", {("exercise_type", "aerobic")}),
        ("can I go back to body pump?", {("exercise_type", "strength")}),
        (
            "are stair exercises a good idea for my legs?",
            {("exercise_type", "strength"), ("body_part", "legs")},
        ),
        ("should I keep lifting at the gym in the meantime?", {("exercise_type", "strength")}),
        ("a gentle warm up in my chair", {("exercise_type", "stretching")}),
        ("something about my blood results", {("concern", "ck")}),
        ("how do I manage my energy", {("concern", "fatigue")}),
        ("what exercises help arm strength?", {("exercise_type", "strength")}),
        (
            "would squeezing a ball help her hands?",
            {("exercise_type", "hand_exercises"), ("body_part", "hands")},
        ),
        ("our JM daughter is 9 now", {("myositis_type", "JDM")}),
        ("how do we get his legs strong again", {("exercise_type", "strength")}),
        ("what can I do to keep my arms strong enough", {("exercise_type", "strength")}),
        # An idiom of tiredness is no question about running.
        (
            "I do her stretches with her but I'm running on empty",
            {("exercise_type", "stretching"), ("concern", "fatigue")},
        ),
        ("needed a two hour nap after breakfast", {("concern", "fatigue")}),
        ("is it ok to do squats and deadlifts", {("exercise_type", "strength")}),
        (
            "exercises to strengthen the quads",
            {("exercise_type", "strength"), ("body_part", "legs")},
        ),
        (
            "did physical therapy get your strength back?",
            {("exercise_type", "strength"), ("professional", "physiotherapist")},
        ),
        ("would pulmonary rehab help", {("professional", "rehabilitation_specialist")}),
        # Juvenile myositis without the rash is still the children's form.
        ("our 6 year old has juvenile polymyositis", {("myositis_type", "JDM")}),
        # A running programme named by its goal.
        ("I want to try couch to 5k, am I mad?", {("exercise_type", "aerobic")}),
        # A slip of one letter in a long vocabulary word, though no list has it.
        ("is swiming ok", {("exercise_type", "hydrotherapy")}),
        ("what about hydrotherpy", {("exercise_type", "hydrotherapy")}),
        ("my dermatomyosits is mild", {("myositis_type", "DM")}),
        ("should I see a physiotherapsit", {("professional", "physiotherapist")}),
        # What a question asks about besides exercise: symptoms, blood tests, treatments.
        ("does exercise help with the fatigue", {("concern", "fatigue")}),
        ("my CPK went up", {("concern", "ck")}),
        ("I'm tapering the pred", {("concern", "steroids"), ("concern", "steroids")}),
        ("sore after a flare up", {("concern", "soreness"), ("concern", "flare")}),
        # The neck is held up by muscles to strengthen, not the throat one swallows with.
        ("my neck still does nothing", {("body_part", "neck")}),
        ("exercises for the throat", {("body_part", "throat")}),
        # Gym cardio machines.
        ("is the stair climber ok", {("exercise_type", "aerobic")}),
        ("is the elliptical ok", {("exercise_type", "aerobic")}),
    ],
)
def test_ruler_finds_canonical_entities(
    analyzer: Analyzer, text: str, expected: set[tuple[str, str]]
) -> None:
    assert set(analyzer.analyse(text).entities) == expected


@pytest.mark.parametrize(
    "text", ["see you at 3pm", "dm me later", "pm me the link", "I will pt that down"]
)
def test_short_abbreviations_match_only_in_capitals(analyzer: Analyzer, text: str) -> None:
    assert analyzer.analyse(text).entities == ()


@pytest.mark.parametrize(
    "text",
    ["I keep waking up at night", "my weight went up on steroids", "she eights her food"],
)
def test_a_slip_never_turns_an_english_word_into_a_vocabulary_word(
    analyzer: Analyzer, text: str
) -> None:
    assert not [e for e in analyzer.analyse(text).entities if e[0] != "concern"]


def test_terms_are_lemmas_without_stop_words(analyzer: Analyzer) -> None:
    terms = analyzer.analyse("Are the exercises making my muscles weaker?").terms
    assert "exercise" in terms
    assert "muscle" in terms
    assert "the" not in terms
    assert "are" not in terms


def test_generated_nlu_vocabulary_is_current(settings: Settings) -> None:
    assert VOCABULARY_NLU_FILE.read_text(encoding="utf-8") == vocabulary_document(settings), (
        "data/nlu/vocabulary.yml is stale: run 'python -m bot nlu vocabulary'"
    )
