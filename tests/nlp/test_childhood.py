"""Dermatomyositis said of a child is juvenile dermatomyositis, and JDM in an adult is DM."""

from __future__ import annotations

import pytest

from bot.nlp.childhood import subtype_meant


@pytest.mark.parametrize(
    "text",
    [
        "our daughter got DM just before she turned 5, will she skate again?",
        "my little boy has dermatomyositis, can he do PE?",
        "I had DM as a kid and I'm scared of exercise now",
        "my 9 year old son was diagnosed with DM last spring",
        "DM in our 12yo, is swimming ok?",
    ],
)
def test_dermatomyositis_in_a_child_is_jdm(text: str) -> None:
    assert subtype_meant("DM", text) == "JDM"


@pytest.mark.parametrize(
    ("subtype", "text"),
    [
        ("DM", "I have DM and two kids to run after, can I still exercise?"),
        ("DM", "my daughter is 34 and has DM, can she lift weights?"),
        ("DM", "I was diagnosed with DM at 45, what exercise helps?"),
        ("IBM", "my son says my IBM is getting worse"),
        ("DM", "I have DM, is 5 minutes of walking enough at 10 am?"),
        ("DM", "with DM my plan is 3 sets twice a week"),
        # The writer's own dermatomyositis, though a child is named.
        ("DM", "my DM showed up right after I had my daughter, when can I start exercising?"),
        ("JDM", "our 9 year old has JDM, can she swim?"),
        ("JDM", "im 16 with JM and my friends all do sport"),
        (None, "my little girl loves swimming"),
    ],
)
def test_other_subtypes_and_adults_keep_theirs(subtype: str | None, text: str) -> None:
    assert subtype_meant(subtype, text) == subtype


@pytest.mark.parametrize(
    "text",
    [
        "had JDM since I was 14 and I'm 30 now. how am I meant to exercise on bad days?",
        "I was diagnosed with JDM at 19, which they said was rare for the age",
    ],
)
def test_jdm_in_an_adult_is_answered_as_dm(text: str) -> None:
    assert subtype_meant("JDM", text) == "DM"
