"""Over the REST channel, with the trained model: what is declined as medical and what is answered.

A story full of medical words before an exercise question does not make the question medical;
asking whether one has a condition, or about a medicine's dose, does; asking for other people
with myositis (a support group) or what one can do in bed is no medical question at all.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import Chat

pytestmark = pytest.mark.e2e


def reply(messages: list[dict[str, Any]]) -> dict[str, Any]:
    """The reply's payload, past the welcome a session opens with."""
    return next(m["custom"] for m in messages if "custom" in m and m["custom"]["type"] != "welcome")


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        (
            "they did a muscle biopsy and an MRI before they were sure it was myositis. my hands"
            " are what bother me now, I drop things. what would help with that?",
            "hand_exercises",
        ),
        ("how do I find other people with myositis to talk to, like a support group?", "resources"),
        ("are there any myositis meetups in Ireland?", "resources"),
        ("which websites can I trust for exercise advice with myositis?", "resources"),
    ],
)
def test_an_exercise_or_resources_question_is_answered(
    chat: Chat, sender: str, text: str, topic: str
) -> None:
    payload = reply(chat(sender, text))
    assert payload["type"] == "answer", payload
    assert payload["topic"] == topic


def test_asking_whether_one_has_a_condition_is_declined(chat: Chat, sender: str) -> None:
    payload = reply(chat(sender, "my thumbs are weak like my aunt's. could I have IBM like her?"))
    assert payload["type"] == "out_of_scope", payload


def test_a_dose_question_after_naming_a_medicine_is_declined(chat: Chat, sender: str) -> None:
    assert reply(chat(sender, "I take prednisolone, is swimming ok?"))["type"] == "answer"
    payload = reply(chat(sender, "what dosage is safe to exercise on?"))
    assert payload["type"] == "out_of_scope", payload


def test_what_to_do_in_bed_continues_a_subtype(chat: Chat, sender: str) -> None:
    assert reply(chat(sender, "I have IMNM, can I exercise?"))["type"] == "answer"
    payload = reply(chat(sender, "what can I do while I'm stuck in bed?"))
    assert payload["type"] == "answer", payload
    assert payload["topic"] == "imnm"
