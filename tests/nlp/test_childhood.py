"""Dermatomyositis said of a child is juvenile dermatomyositis."""

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
        (None, "my little girl loves swimming"),
    ],
)
def test_other_subtypes_and_adults_keep_theirs(subtype: str | None, text: str) -> None:
    assert subtype_meant(subtype, text) == subtype
