"""`make eval`'s harness against the running assistant: one sender per conversation, read right."""

from __future__ import annotations

import pytest

from bot.evaluation.end_to_end import RestChannel, converse
from bot.serve import Stack

pytestmark = pytest.mark.e2e


def test_each_conversation_keeps_one_sender_and_each_single_message_a_fresh_one(
    stack: Stack,
) -> None:
    single, other_single, conversation = converse(
        RestChannel.of(stack),
        [
            ["is hydrotherapy good for myositis?"],
            ["is hydrotherapy good for myositis?"],
            ["is hydrotherapy good for myositis?", "is hydrotherapy good for myositis?"],
        ],
    )
    # A fresh conversation opens with the welcome; a second message in the same one does not.
    for replies in (single, other_single, conversation[:1]):
        assert replies[0].types[0] == "welcome"
        assert (replies[0].kind, replies[0].topics) == ("answer", ("hydrotherapy",))
    assert "welcome" not in conversation[1].types
    assert (conversation[1].kind, conversation[1].topics) == ("answer", ("hydrotherapy",))
