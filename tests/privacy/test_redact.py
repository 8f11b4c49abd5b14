"""Identifiers are taken out of users' words; the health details they asked about stay."""

from __future__ import annotations

import pytest

from bot.privacy.redact import redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("email me at ann.lee+myo@example.org please", "email me at [email removed] please"),
        ("call 0412 345 678 after 5", "call [number removed] after 5"),
        ("my number is +61 2 9876 5432.", "my number is [number removed]."),
        ("(02) 9876-5432 is home", "[number removed] is home"),
        ("Medicare 2123456701 1", "Medicare [number removed]"),
        ("whatsapp +447700900123", "whatsapp [number removed]"),
    ],
)
def test_identifiers_are_removed(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "my CK was 12000 last week",
        "I walk 3 times a week for 20 minutes",
        "diagnosed on 2023-04-15 with IBM",
        "Lifeline is 13 11 14",
        "is 000 the right number?",
        "I'm 45 and have had DM since 2019",
    ],
)
def test_health_details_and_short_numbers_stay(text: str) -> None:
    assert redact(text) == text
