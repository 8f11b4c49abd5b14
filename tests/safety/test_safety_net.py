"""The safety net: 100% recall on warning signs and crisis, and few false alarms."""

from __future__ import annotations

import pytest

from bot.nlp.analyzer import Analyzer
from bot.safety.detector import Detector
from bot.safety.evaluation import SAFETY_SETS, SafetyFigures, measure
from bot.safety.lexicon import Urgency


# The development set, and a fresh set written later without sight of the rules.
@pytest.fixture(scope="module", params=["development", "fresh"])
def figures(
    request: pytest.FixtureRequest, detector: Detector, analyzer: Analyzer
) -> SafetyFigures:
    folder = SAFETY_SETS if request.param == "development" else SAFETY_SETS / "fresh"
    return measure(detector, analyzer.nlp, folder)


def test_every_warning_sign_is_caught(figures: SafetyFigures) -> None:
    assert figures.red_flags >= 70
    assert figures.red_flag_recall == 1.0, "\n".join(figures.lines("development set"))


def test_every_crisis_is_caught(figures: SafetyFigures) -> None:
    assert figures.crises >= 15
    assert figures.crisis_recall == 1.0, "\n".join(figures.lines("development set"))


def test_false_alarms_are_rare(figures: SafetyFigures) -> None:
    assert figures.negatives >= 35
    assert figures.red_flag_precision >= 0.95, "\n".join(figures.lines("development set"))
    assert figures.crisis_precision >= 0.95, "\n".join(figures.lines("development set"))


@pytest.mark.parametrize(
    ("text", "urgency", "sign"),
    [
        (
            "my legs are much weaker since I started the exercises and my pee is dark brown",
            Urgency.EMERGENCY,
            "dark_urine",
        ),
        ("cant catch my breath after two steps", Urgency.EMERGENCY, "breathless"),
        # Trouble breathing told without a breathing word.
        (
            "she's sitting on the landing and her lips have gone blue",
            Urgency.EMERGENCY,
            "breathless",
        ),
        ("after the hallway he cant finish a sentence", Urgency.EMERGENCY, "breathless"),
        ("food going down the wrong way at dinner", Urgency.EMERGENCY, "swallowing_choking"),
        ("my wee looks cola-coloured", Urgency.EMERGENCY, "dark_urine"),
        ("chesst pain on the bike", Urgency.EMERGENCY, "chest_pain"),
        ("blood pressure 185/100 this morning", Urgency.SAME_DAY, "high_blood_pressure"),
        ("I have a temp of 39", Urgency.SAME_DAY, "fever_infection"),
        ("I think I'm flaring", Urgency.REVIEW, "flare"),
    ],
)
def test_signs_and_urgency(
    detector: Detector, analyzer: Analyzer, text: str, urgency: Urgency, sign: str
) -> None:
    report = detector.detect(analyzer.nlp(text))
    assert report.urgency == urgency
    assert sign in {f.sign for f in report.findings}


# The probe messages of the content review (§5.3), run through the detector as it stands.
REVIEW_PROBES = [
    ("I've had a bad cough for three days, can I still go to hydro?", Urgency.SAME_DAY),
    ("I have a cough and feel unwell, should I do my exercises today?", Urgency.SAME_DAY),
    ("I've caught a cold and a virus is going round, ok to do pilates?", Urgency.SAME_DAY),
    ("I have a fever, can I still exercise?", Urgency.SAME_DAY),
    ("my back hurts after pilates", Urgency.REVIEW),
    ("my hips are sore since the exercise class", Urgency.REVIEW),
    ("my knees ache after my walk", Urgency.REVIEW),
    ("my hands hurt after the putty exercises", Urgency.REVIEW),
    ("my legs hurt after the exercise class", Urgency.REVIEW),
    ("my neck muscles ache after the session", Urgency.REVIEW),
    ("my heart is fluttering after exercise", Urgency.SAME_DAY),
    ("my pee is dark brown after the gym", Urgency.EMERGENCY),
    # Over-triage the review accepts as the safe side until a clinician signs off a change (N4).
    ("I get out of breath when I do the exercise bike", Urgency.EMERGENCY),
    ("my heart rate went to 150 on the bike", Urgency.EMERGENCY),
]


@pytest.mark.parametrize(("text", "urgency"), REVIEW_PROBES)
def test_the_content_reviews_probes(
    detector: Detector, analyzer: Analyzer, text: str, urgency: Urgency
) -> None:
    assert detector.detect(analyzer.nlp(text)).urgency == urgency


@pytest.mark.parametrize(
    "text",
    [
        "no chest pain at all",
        "I used to have trouble swallowing, now fine",
        "never had dark urine",
        "had a chest infection in March, all cleared up",
        "I choked up watching the conference video",
        # The water's or the room's temperature is no fever.
        "does the water temperature matter? she feels the cold",
        # Better than before is no new or worse trouble.
        "he's choking a lot less on his food since the speech therapy",
        # How tired the disease leaves someone, told as a simile.
        "it feels like I have the flu all the time, does exercise help the fatigue?",
        # Soreness the day after, asking what to do next time: the pain topic's question.
        "his arms are sore the day after, should he sit it out next time?",
        # Asking what sets flares off, to plan exercise around them.
        "what sets her flares off? should she keep a diary of her exercise?",
    ],
)
def test_negated_past_and_idioms_are_not_flagged(
    detector: Detector, analyzer: Analyzer, text: str
) -> None:
    report = detector.detect(analyzer.nlp(text))
    assert not report.flagged
    assert report.uncertain == ()


def test_hypothetical_is_uncertain_not_flagged(detector: Detector, analyzer: Analyzer) -> None:
    report = detector.detect(analyzer.nlp("what if my pee goes dark after exercise?"))
    assert not report.flagged
    assert report.uncertain == ("dark_urine",)


def test_a_belief_reported_about_exercise_is_uncertain_not_flagged(
    detector: Detector, analyzer: Analyzer
) -> None:
    text = "my aunt won't exercise, she thinks it makes the weakness worse. is she right?"
    report = detector.detect(analyzer.nlp(text))
    assert not report.flagged
    assert report.uncertain == ("worsening_weakness",)


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        (
            "I'm terrified that any cardio will leave me unable to breathe or use my arms",
            "breathless",
        ),
        ("so nervous the bike could give me chest pain again", "chest_pain"),
    ],
)
def test_dread_of_what_exercise_will_do_is_uncertain(
    detector: Detector, analyzer: Analyzer, text: str, sign: str
) -> None:
    report = detector.detect(analyzer.nlp(text))
    assert not report.flagged
    assert report.uncertain == (sign,)


def test_dread_of_what_is_happening_is_a_sign(detector: Detector, analyzer: Analyzer) -> None:
    report = detector.detect(analyzer.nlp("I'm terrified, my chest is so tight right now"))
    assert report.urgency == Urgency.EMERGENCY


def test_a_real_sign_beside_a_negated_one_is_flagged(
    detector: Detector, analyzer: Analyzer
) -> None:
    report = detector.detect(analyzer.nlp("no chest pain, but my wee has gone dark brown"))
    assert [f.sign for f in report.findings] == ["dark_urine"]


def test_highest_urgency_wins(detector: Detector, analyzer: Analyzer) -> None:
    report = detector.detect(analyzer.nlp("I'm flaring and my chest feels tight and heavy"))
    assert report.urgency == Urgency.EMERGENCY
    assert {f.sign for f in report.findings} == {"flare", "chest_pain"}


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        # Phrases starting with a pattern may start at any token, here one no word starts.
        ("at 180/110 should I still stretch today?", "high_blood_pressure"),
        ("the bike took my heart rate to 165", "racing_heart"),
        # A misspelt first word is matched by the word it misspells.
        ("I have chesst pain when I walk", "chest_pain"),
    ],
)
def test_a_phrase_is_found_wherever_it_may_start(
    detector: Detector, analyzer: Analyzer, text: str, sign: str
) -> None:
    report = detector.detect(analyzer.nlp(text))
    assert sign in {f.sign for f in report.findings}
