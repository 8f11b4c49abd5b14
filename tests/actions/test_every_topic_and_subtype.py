"""Every topic x subtype pair is answered through the action server, never a crash.

"My child has JDM, what strength training can she do?" once failed: strength training has no
entry for JDM and no general one. The actions run here as the action server runs them, through
rasa-sdk's ActionExecutor, with the subtype named in the words as well as in the entity.
"""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import ActionExecutor

from bot.knowledge.files import read_knowledge
from bot.knowledge.schema import SUBTYPES, KnowledgeSet
from bot.settings import load_settings
from tests.actions.conftest import action_call

SUBTYPE_WORDS = {
    "PM": "polymyositis",
    "DM": "dermatomyositis",
    "IBM": "IBM",
    "JDM": "JDM",
    "IMNM": "necrotising myopathy",
}
TOPICS = sorted(read_knowledge(load_settings().knowledge_dir).topics)


def _call(topic: str, subtype: str | None, title: str) -> dict[str, Any]:
    """The action server's request for a question about ``topic`` from someone with ``subtype``."""
    if subtype is None:
        return action_call(
            "action_answer", "inform", f"what about {title.lower()}?", {}, {"last_topic": topic}
        )
    # A partner, not a child: dermatomyositis in a child is JDM (bot.nlp.childhood).
    text = f"My partner has {SUBTYPE_WORDS[subtype]}, what about {title.lower()} for her?"
    return action_call(
        "action_answer", "inform", text, {"myositis_type": subtype}, {"last_topic": topic}
    )


@pytest.mark.parametrize("subtype", [*SUBTYPES, None])
@pytest.mark.parametrize("topic", TOPICS)
async def test_every_pair_gets_a_composed_answer(
    executor: ActionExecutor, knowledge: KnowledgeSet, topic: str, subtype: str | None
) -> None:
    response = await executor.run(_call(topic, subtype, knowledge.topics[topic].title))

    assert response is not None
    (message,) = response["responses"]
    payload = message["custom"]
    assert payload["type"] == "answer"
    assert payload["entries"]
    assert payload["sources"]
    assert payload["disclaimers"] == ["consult_doctor", "pregnancy"]
    for disclaimer in knowledge.disclaimers.values():
        assert disclaimer.text in message["text"]
    used = [e for e in knowledge.entries if e.id in payload["entries"]]
    assert all(e.topic == payload["topic"] for e in used)
    if any(e.applies_to(subtype) for e in knowledge.entries_of(payload["topic"])):
        assert all(e.applies_to(subtype) for e in used)
    slots = {e["name"]: e["value"] for e in response["events"] if e["event"] == "slot"}
    assert slots["last_topic"] == payload["topic"]


async def test_a_child_with_jdm_asking_about_strength_training(
    executor: ActionExecutor, knowledge: KnowledgeSet
) -> None:
    call = _call("strength_training", "JDM", "strength training")
    call["tracker"]["latest_message"]["text"] = (
        "My child has JDM, what strength training can she do?"
    )
    response = await executor.run(call)

    assert response is not None
    payload = response["responses"][0]["custom"]
    assert payload["type"] == "answer"
    # The strength-training entry written for every group answers, and it speaks of JDM.
    assert payload["topic"] == "strength_training"
    used = [e for e in knowledge.entries if e.id in payload["entries"]]
    assert used
    assert all(e.applies_to("JDM") for e in used)
    assert "JDM" in response["responses"][0]["text"]
