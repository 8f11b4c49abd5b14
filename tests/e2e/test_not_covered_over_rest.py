"""Over the REST channel, with the trained model: subjects our sources leave out are said to be.

The content review's examples (section 7, "Outside the sources") and a second wording of each
reach the "not covered" reply whatever intent the model gives them; a warning sign still wins.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import Chat

pytestmark = pytest.mark.e2e


def payloads(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m["custom"] for m in messages if "custom" in m]


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        (
            "Should I do breathing exercises to strengthen my breathing muscles?",
            "breathing-muscle-training",
        ),
        ("would breathing muscle training help my myositis?", "breathing-muscle-training"),
        ("I have dermatomyositis, is it ok to exercise outside in the sun?", "dm-skin-and-sun"),
        ("Is it safe for me to go for walks in the sunshine with DM?", "dm-skin-and-sun"),
        ("Should I use a walking stick or a walker when I exercise?", "mobility-aids"),
        ("If I use a wheelchair more, will my muscles get weaker?", "mobility-aids"),
        ("Is using a mobility scooter bad for my leg strength?", "mobility-aids"),
        ("is it safe to go hiking with lung involvement?", "lung-or-heart-involvement"),
        ("Can I do cardio if myositis affects my heart?", "lung-or-heart-involvement"),
    ],
)
def test_the_reviews_examples_get_the_not_covered_reply(
    chat: Chat, sender: str, text: str, subject: str
) -> None:
    messages = chat(sender, text)

    at, reply = next(
        (i, m["custom"])
        for i, m in enumerate(messages)
        if "custom" in m and m["custom"]["type"] != "welcome"
    )
    assert reply["type"] == "not_covered"
    assert reply["subject"] == subject
    assert reply["disclaimers"] == ["consult_doctor", "pregnancy"]
    # REST sends the text with its buttons, then the payload.
    assert "do not cover" in messages[at - 1]["text"]
    assert any(b["payload"] == "/ask_human" for b in messages[at - 1]["buttons"])


def test_a_warning_sign_with_the_question_still_comes_first(chat: Chat, sender: str) -> None:
    messages = chat(
        sender, "I get out of breath walking. Should I do breathing exercises for my lungs?"
    )
    kinds = [p["type"] for p in payloads(messages)]
    assert "red_flag" in kinds, kinds
    assert "not_covered" not in kinds, kinds
