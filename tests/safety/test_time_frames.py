"""When a sign happened: the story before diagnosis, a later sentence that puts it in the past, a
limitation that has not changed, and a recent time frame that covers its whole sentence.

red-flags.yml names new or worsening signs: weakness that keeps getting worse, everyday tasks
becoming much harder, new or worsening trouble swallowing. A limitation told as the reason for an
exercise question, with nothing to say it changed, is the disease's course, not one of them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.knowledge.schema import KnowledgeError
from bot.nlp.analyzer import Analyzer
from bot.safety.detector import Detector
from bot.safety.lexicon import Urgency, read_lexicon
from bot.settings import Settings


@pytest.mark.parametrize(
    "text",
    [
        "before my diagnosis I couldn't catch my breath on the hill. what can I start with?",
        "before treatment I choked on my food most nights, is there an exercise for swallowing?",
        "before I got diagnosed my pee went dark after every walk. which exercise is safe now?",
        "before my dermatomyositis diagnosis I was short of breath on the stairs",
        "when I was first diagnosed I couldn't get out of a chair without help",
    ],
)
def test_the_time_before_diagnosis_or_treatment_is_the_past(
    detector: Detector, analyzer: Analyzer, text: str
) -> None:
    report = detector.detect(analyzer.nlp(text))
    assert not report.findings
    assert report.settled


@pytest.mark.parametrize(
    "text",
    [
        "I was short of breath on the stairs and couldn't lift my arms. that was months ago and "
        "treatment has settled things down. how do I get started?",
        "food kept going down the wrong way. that's all gone now with speech therapy. which "
        "exercises help the throat?",
        "my legs would cramp after every walk. it was years ago, before the steroids. is walking "
        "good for me?",
        "I was out of breath on every hill. it's been fine since I started IVIG. can I jog?",
        "I was out of breath on every hill. that's fine now with treatment. can I jog?",
        "my pee went dark after the gym. that was last year and it's never happened since. is "
        "the gym ok?",
        # "its", typed without the apostrophe.
        "my calves cramped after the first class. its all gone now. should I go again?",
        # "back" said of strength, not of the sign.
        "my only flare was after my daughter was born. that's settled now and I want my "
        "strength back to chase a toddler, where do I start?",
    ],
)
def test_a_later_sentence_can_put_a_sign_in_the_past(
    detector: Detector, analyzer: Analyzer, text: str
) -> None:
    report = detector.detect(analyzer.nlp(text))
    assert not report.findings
    assert report.settled


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        # The later sentence says it is still there, or came back, or is not about the sign.
        ("I was short of breath on the stairs. that was months ago and it's back", "breathless"),
        ("I had a flare after the birth. that settled and now it has come back", "flare"),
        ("I had a flare after the birth. that was months ago and it is back again", "flare"),
        (
            "I choked on my dinner. that was an hour ago, I still can't swallow",
            "swallowing_choking",
        ),
        ("my pee is dark brown after the walk. my sister had that years ago", "dark_urine"),
        ("I choke on my food at dinner. it was fine a few months ago", "swallowing_choking"),
        ("my pee is dark brown after the walk. that never happened months ago", "dark_urine"),
    ],
)
def test_a_later_sentence_that_does_not_settle_the_sign_leaves_it(
    detector: Detector, analyzer: Analyzer, text: str, sign: str
) -> None:
    assert sign in {f.sign for f in detector.detect(analyzer.nlp(text)).findings}


@pytest.mark.parametrize(
    "text",
    [
        "my hand got weak when my myositis flared over ten years ago, what else can I do for it?",
        "I had a flare more than five years ago and my grip never came back. any hand exercises?",
    ],
)
def test_more_than_some_years_ago_is_the_past(
    detector: Detector, analyzer: Analyzer, text: str
) -> None:
    assert not detector.detect(analyzer.nlp(text)).findings


def test_a_month_named_as_when_a_sign_happened_is_the_past(
    detector: Detector, analyzer: Analyzer
) -> None:
    text = "I had a bad flare in october and was on high dose pred. which exercises should I start?"
    assert not detector.detect(analyzer.nlp(text)).findings


@pytest.mark.parametrize(
    "text",
    [
        "I can't get up off the floor without help. are there exercises that would make it easier?",
        "I can't lift my arms above my head. what exercises can I do sitting down?",
    ],
)
def test_a_limitation_with_no_sign_of_change_is_not_a_warning_sign(
    detector: Detector, analyzer: Analyzer, text: str
) -> None:
    assert not detector.detect(analyzer.nlp(text)).findings


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("I can't lift my arms above my shoulders after the session", "exercised_muscle_pain"),
        ("since the weekend I can't get up off the floor", "worsening_weakness"),
        ("I can't get up off the floor any more", "worsening_weakness"),
        ("everything is harder since the exercises", "exercised_muscle_pain"),
    ],
)
def test_a_limitation_that_changed_or_followed_exercise_still_counts(
    detector: Detector, analyzer: Analyzer, text: str, sign: str
) -> None:
    assert sign in {f.sign for f in detector.detect(analyzer.nlp(text)).findings}


@pytest.mark.parametrize(
    ("text", "sign", "urgency"),
    [
        (
            "in the last couple of weeks she has gone from struggling with the stairs to not "
            "being able to get out of her chair",
            "worsening_weakness",
            Urgency.SAME_DAY,
        ),
        (
            "since monday my daughter cant get up off the floor or climb onto the bus",
            "worsening_weakness",
            Urgency.SAME_DAY,
        ),
        (
            "over the past few days my husband can't roll over in bed or lift his arms to shave, "
            "and he needs sips of water to get any food down",
            "swallowing_choking",
            Urgency.EMERGENCY,
        ),
    ],
)
def test_a_recent_time_frame_covers_its_whole_sentence(
    detector: Detector, analyzer: Analyzer, text: str, sign: str, urgency: Urgency
) -> None:
    report = detector.detect(analyzer.nlp(text))
    assert sign in {f.sign for f in report.findings}
    assert report.urgency == urgency


def test_a_recent_time_frame_does_not_make_a_good_change_a_sign(
    detector: Detector, analyzer: Analyzer
) -> None:
    text = "in the last few weeks I've gone from a walker to climbing the stairs on my own"
    assert not detector.detect(analyzer.nlp(text)).findings


def test_a_later_sentence_does_not_put_a_crisis_in_the_past(
    detector: Detector, analyzer: Analyzer
) -> None:
    text = "I just want to end it all. that's all gone now, how do I start exercising?"
    assert detector.detect(analyzer.nlp(text)).crisis


@pytest.mark.parametrize("key", ["sentence_wide", "time_markers"])
def test_a_sentence_wide_concept_or_time_marker_must_be_a_concept(
    settings: Settings, tmp_path: Path, key: str
) -> None:
    raw = yaml.safe_load((settings.knowledge_dir / "safety.yml").read_text(encoding="utf-8"))
    raw[key] = ["no_such_concept"]
    path = tmp_path / "safety.yml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(KnowledgeError):
        read_lexicon(path)


@pytest.mark.parametrize(
    "text",
    [
        "since my diagnosis I can't get up off the floor without help. what exercises would help?",
        "I haven't been able to lift my arms above my head since I was diagnosed in 2019",
        "I can't climb the stairs at home since 2018. would a stationary bike be better?",
        "I've struggled to get out of a chair for years, are sit to stand exercises any good?",
    ],
)
def test_a_limitation_since_long_ago_is_not_a_change(
    detector: Detector, analyzer: Analyzer, text: str
) -> None:
    assert not detector.detect(analyzer.nlp(text)).findings


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("since my diagnosis my legs keep getting weaker and weaker", "worsening_weakness"),
        ("since my diagnosis I have choked on my food twice", "swallowing_choking"),
        ("I can't get up off the floor since the session", "exercised_muscle_pain"),
        (
            "I've had myositis for years and since sunday I can't climb the stairs",
            "worsening_weakness",
        ),
    ],
)
def test_a_sign_beside_a_long_standing_time_still_counts(
    detector: Detector, analyzer: Analyzer, text: str, sign: str
) -> None:
    assert sign in {f.sign for f in detector.detect(analyzer.nlp(text)).findings}


@pytest.mark.parametrize(
    "text",
    [
        "I can't lift my arms above my head, what exercises can I do sitting down?",
        "since my diagnosis I can't get up off the floor without help, what exercises would help?",
        "I struggle to get out of a low chair, are there exercises that would help with that?",
    ],
)
def test_exercise_asked_for_is_not_a_session_that_made_a_task_harder(
    detector: Detector, analyzer: Analyzer, text: str
) -> None:
    assert not detector.detect(analyzer.nlp(text)).findings


@pytest.mark.parametrize(
    "text",
    [
        "after the gym I can't get up off the floor, what exercises should I do instead?",
        "my physio class wiped me out and I can't climb the stairs, which exercises are gentler?",
    ],
)
def test_a_session_named_beside_the_question_still_counts(
    detector: Detector, analyzer: Analyzer, text: str
) -> None:
    assert "exercised_muscle_pain" in {f.sign for f in detector.detect(analyzer.nlp(text)).findings}


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("I can't eat without choking", "swallowing_choking"),
        ("I can't walk to the letterbox without stopping to catch my breath", "breathless"),
        ("she can't lie flat without gasping for air", "breathless"),
        ("I never get through a meal without food going down the wrong way", "swallowing_choking"),
        ("my son cannot climb the stairs without chest pain", "chest_pain"),
    ],
)
def test_cannot_without_a_sign_asserts_the_sign(
    detector: Detector, analyzer: Analyzer, text: str, sign: str
) -> None:
    assert sign in {f.sign for f in detector.detect(analyzer.nlp(text)).findings}


@pytest.mark.parametrize(
    "text",
    [
        "I walked for 20 minutes without any chest pain",
        "I can't walk far without my stick and I have no chest pain",
        "I did the whole class without getting out of breath",
        "I can't believe I got through the class without being short of breath",
    ],
)
def test_without_a_sign_alone_still_denies_it(
    detector: Detector, analyzer: Analyzer, text: str
) -> None:
    assert not detector.detect(analyzer.nlp(text)).findings


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("I can't believe I get so out of breath on the stairs now", "breathless"),
        ("I don't know why my pee is dark brown after hydro", "dark_urine"),
        ("no idea why but I choke on my food every night", "swallowing_choking"),
    ],
)
def test_a_negation_of_something_else_does_not_deny_the_sign(
    detector: Detector, analyzer: Analyzer, text: str, sign: str
) -> None:
    assert sign in {f.sign for f in detector.detect(analyzer.nlp(text)).findings}


@pytest.mark.parametrize(
    "text",
    [
        "I used to manage the stairs fine, now I can't",
        "last year I could climb the stairs, now I can't get up them at all",
        "a few months ago she was fine with the stairs, now she can't do them any more",
    ],
)
def test_a_task_named_in_the_past_and_lost_now_is_a_sign(
    detector: Detector, analyzer: Analyzer, text: str
) -> None:
    assert "worsening_weakness" in {f.sign for f in detector.detect(analyzer.nlp(text)).findings}


@pytest.mark.parametrize(
    "text",
    [
        "I had chest pain on the bike last year",
        "years ago I couldn't climb the stairs, my legs were so weak",
        "I used to choke on my food, before the speech therapy",
        "years ago I couldn't climb the stairs, now I can do two flights",
    ],
)
def test_a_sign_wholly_in_the_past_is_not_one(
    detector: Detector, analyzer: Analyzer, text: str
) -> None:
    assert not detector.detect(analyzer.nlp(text)).findings


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("my cough went away but now my chest is tight and painful", "chest_pain"),
        ("the rash all cleared up but my pee is dark brown today", "dark_urine"),
        ("the fever settled, now I'm choking on my drinks", "swallowing_choking"),
    ],
)
def test_something_else_passing_before_a_contrast_does_not_settle_the_sign(
    detector: Detector, analyzer: Analyzer, text: str, sign: str
) -> None:
    assert sign in {f.sign for f in detector.detect(analyzer.nlp(text)).findings}


@pytest.mark.parametrize(
    "text",
    [
        "I had chest pain on Monday but it's all cleared up",
        "my pee went dark after the gym, it went away by the next day",
    ],
)
def test_a_sign_that_passed_after_it_is_told_is_still_settled(
    detector: Detector, analyzer: Analyzer, text: str
) -> None:
    assert not detector.detect(analyzer.nlp(text)).findings


def test_strength_that_has_not_come_back_is_no_resolution(
    detector: Detector, analyzer: Analyzer
) -> None:
    text = "my strength has not come back since the flare and the pain in my thighs is severe"
    assert "severe_pain" in {f.sign for f in detector.detect(analyzer.nlp(text)).findings}


@pytest.mark.parametrize(
    "text",
    [
        "two years ago my husband nearly died of it, he couldn't swallow without choking. what "
        "exercise keeps him strong now?",
        "my aunt was in hospital with rhabdo after a boot camp class last year, her urine went "
        "brown. is boot camp too much for me?",
    ],
)
def test_a_past_time_sets_a_sign_told_in_the_past_tense_in_the_past(
    detector: Detector, analyzer: Analyzer, text: str
) -> None:
    report = detector.detect(analyzer.nlp(text))
    assert not report.findings
    assert report.dismissed


@pytest.mark.parametrize(
    "text",
    [
        # A few days back is recent, not a past that has passed.
        "3 days ago my pee went brown after the gym",
        # The sign told as now, in the same clause as the past time.
        "two years ago I had a flare and now I can't swallow without choking",
        # A contrast between the past time and the sign.
        "a year ago I was cycling, but this morning my pee went dark brown",
        # Not told in the past tense.
        "months ago they diagnosed me, I choke on every meal",
        # A new time after the past one, in the same clause.
        "my CK was sky high last month and since this morning's swim my pee is dark brown",
    ],
)
def test_a_past_time_leaves_a_sign_told_as_now_or_lately(
    detector: Detector, analyzer: Analyzer, text: str
) -> None:
    assert detector.detect(analyzer.nlp(text)).findings
