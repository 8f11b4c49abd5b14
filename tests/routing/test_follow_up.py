"""The wording classes that make a question lean on the conversation before it."""

from __future__ import annotations

import pytest

from bot.follow_up import (
    about_the_assistant,
    about_the_medicine,
    adds_a_condition,
    asks_about_a_dose,
    asks_something,
    before_or_after_it,
    joins_on,
    leans_back,
    names_an_activity,
    points_back,
    question_clause,
    refers_back,
)
from bot.routing import subject_of


@pytest.mark.parametrize(
    ("text", "clause"),
    [
        ("is it safe for my son as well? he's 9", "is it safe for my son as well?"),
        ("ok thanks, and is it ok for IBM too?", "and is it ok for IBM too?"),
        ("she loves it", "she loves it"),
        # A short tail that only carries the mark is detail.
        (
            "is there a list of kinds of movement I can pick from, with polymyositis?",
            "is there a list of kinds of movement I can pick from,",
        ),
        # A question opening with a filler, typed without its mark.
        ("so how long do I rest, the class is at 9", "so how long do I rest,"),
    ],
)
def test_the_asking_clause_is_judged_not_the_detail_after_it(text: str, clause: str) -> None:
    assert question_clause(text) == clause


@pytest.mark.parametrize(
    "text",
    [
        "and on the days I feel rough?",  # opens with a joining word
        "even with a cold?",
        "what if I skip a week?",
        "could she try it as well, she's 12",  # closes with one, detail after a comma
        "would my husband be ok doing that?",  # points back
        "is it safe for my son as well? he's 9",
        "will they help?",
        "is there a gentler version?",
        "could I cycle instead?",
        "and do they make any real difference or is it all pointless?",  # 12 words
        "I've got polymyositis myself, could I join the same class?",
        "my knees won't let me stand that long, is there a seated way",
        "what should I actually be doing there?",  # a place said before
        "what actually happens at a session?",  # a session of the kind said before
        "I want to try couch to 5k but I have polymyositis. am I mad?",  # judging what was told
    ],
)
def test_a_short_question_that_points_back_or_joins_on_joins_on(text: str) -> None:
    assert joins_on(text)
    assert leans_back(text)


@pytest.mark.parametrize(
    "text",
    [
        "is it safe to exercise with DM?",  # "it ... to" asks afresh
        "can my daughter exercise?",  # someone else alone is weak evidence
        "how soon will I notice?",
        "and she loved the swimming lessons we took last summer at the beach",  # no question
        "is that exercise something my whole family could do with me every single day?",  # long
        "are there exercises for the hands?",  # "there" that only says something exists
        "hi there, can I swim with IBM?",
    ],
)
def test_a_question_with_its_own_subject_does_not_join_on(text: str) -> None:
    assert not joins_on(text)


@pytest.mark.parametrize(
    "text",
    [
        "can he keep playing",
        "how soon will I notice?",
        "why?",
        "how long per go?",
        "how will I know when to stop?",
        "morning or evening?",
        "in the house or outside?",
    ],
)
def test_someone_else_or_only_when_or_why_leans_back(text: str) -> None:
    assert leans_back(text)


@pytest.mark.parametrize(
    "text", ["he loves football", "thanks", "no", "what is your name?", "hello?"]
)
def test_statements_and_bare_chat_do_not_lean_back(text: str) -> None:
    assert not leans_back(text)


def test_speaking_to_the_assistant_is_recognised() -> None:
    assert about_the_assistant("can you do that?")
    assert not about_the_assistant("can he do that?")


@pytest.mark.parametrize(
    ("answered", "subject"),
    [
        (("hydrotherapy", "routine_and_rest"), "hydrotherapy"),
        (("ibm", "research_evidence", "resources"), "ibm"),
        (("strength_training", "pain_fatigue_ck"), "pain_fatigue_ck"),
        (("routine_and_rest",), "routine_and_rest"),
        (("children_jdm", "flares_and_steroids"), "children_jdm"),  # a condition on the subject
        (("flares_and_steroids", "routine_and_rest"), "flares_and_steroids"),
        ((), None),
    ],
)
def test_the_subject_is_the_latest_topic_that_is_not_only_an_aspect(
    answered: tuple[str, ...], subject: str | None
) -> None:
    assert subject_of(answered) == subject


@pytest.mark.parametrize(
    ("text", "adds"),
    [
        ("and on steroids?", True),
        ("even on a high dose of prednisone?", True),  # being on a dose is the condition
        ("and while she's still on steroids?", True),
        ("what if I'm on methotrexate?", True),
        ("how quickly can I come off it?", False),  # asks about the medicine itself
        ("should I stay off statins for good?", False),
        ("what about my dose?", False),
        ("what if it never goes away?", False),  # no treatment condition
        ("should I ask to lower my dose?", False),
        # Being on a treatment told first, then asking only whether that matters.
        ("she's on a high dose of prednisone at the moment, does that matter?", True),
        ("I'm taking methotrexate. Is that a problem?", True),
        ("I'm on prednisone though, does that change it?", True),
        ("does that matter?", False),  # no treatment told
        ("she's on prednisone", True),  # told, not asked
        ("I'm still on pred though, tapering", True),
        ("I'm on pred, should I taper?", False),  # asks about the medicine
        ("I'm still on 20mg though", True),
        ("she's on a high dose of prednisone, should she lower it?", False),
    ],
)
def test_a_treatment_condition_added_to_the_last_question(text: str, adds: bool) -> None:
    assert adds_a_condition(text) is adds


@pytest.mark.parametrize(
    ("text", "dangles"),
    [
        ("how many days before?", True),
        ("how long before?", True),
        ("how soon after?", True),
        # "it" is the thing discussed (a CK level): how long it stays so after the event.
        ("how long does it stay up after?", True),
        ("how long is it raised afterwards?", True),
        # What to do that long before it, typed without a question mark.
        ("so how many days before do I stop, its on monday morning", True),
        ("how long should I rest after?", False),
        ("how long should I rest after a session?", False),
        ("how often?", False),
    ],
)
def test_how_long_before_or_after_leans_on_the_event_discussed(text: str, dangles: bool) -> None:
    assert before_or_after_it(text) is dangles


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("is trampolining ok?", True),
        ("kayaking?", True),
        ("can he go climbing?", True),
        ("and bouldering too?", True),
        ("how's it going?", False),
        ("is swelling ok?", False),  # a symptom, no activity
        ("anything else?", False),
    ],
)
def test_a_short_question_on_an_activity_word(text: str, names: bool) -> None:
    assert names_an_activity(text) is names


def test_medicine_questions_are_told_from_conditions() -> None:
    assert about_the_medicine("how quickly can I come off it?")
    assert about_the_medicine("can I taper faster if I exercise?")
    assert about_the_medicine("should I stay off statins for good?")
    assert not about_the_medicine("can I stay on it for my walks?")  # "it": the walking
    assert not about_the_medicine("and on steroids?")


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("should she take more or less of it on the days she exercises?", True),
        ("can I take extra on training days?", True),
        ("do I take less of it before a session?", True),
        # More of something that is not the medicine.
        ("should I take more rest days?", False),
        ("should I take more breaks between sets?", False),
    ],
)
def test_taking_more_or_less_of_a_medicine_is_a_dose_question(text: str, asks: bool) -> None:
    assert asks_about_a_dose(text) is asks
    assert about_the_medicine(text) is asks


@pytest.mark.parametrize(
    ("text", "points"),
    [
        ("show me some", True),
        ("can I try some of those?", True),
        ("which one?", True),
        ("is that ok?", True),
        ("is there one I can do at home?", True),
        # "some" and "one" before a noun are no pronouns: they point at nothing before.
        ("where can I get some support?", False),
        ("is there one exercise I should start with?", False),
    ],
)
def test_a_pronoun_points_back_a_determiner_does_not(text: str, points: bool) -> None:
    assert points_back(text) is points


@pytest.mark.parametrize(
    ("text", "refers"),
    [
        # "it" of "is it too late" stands for nothing said before.
        ("is it too late for physio to help her get stronger?", False),
        ("is it too hard for her?", True),
    ],
)
def test_is_it_too_late_refers_to_nothing_before(text: str, refers: bool) -> None:
    assert refers_back(text) is refers


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("pilates too or is that a no", True),
        ("weights ok or not", True),
        ("I do pilates or not much else", False),
        ("either now or no time", False),
    ],
)
def test_an_or_not_tag_asks_without_the_mark(text: str, asks: bool) -> None:
    assert asks_something(text) is asks
