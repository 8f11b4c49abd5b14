"""Every composed reply carries both disclaimers and the citations of the entries it uses."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.guide import Guide
from bot.knowledge.schema import SUBTYPES, KnowledgeSet


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_every_entry_and_topic_gets_disclaimers_and_citations(
    data: st.DataObject, guide: Guide, knowledge: KnowledgeSet
) -> None:
    entries = data.draw(
        st.lists(st.sampled_from(knowledge.entries), min_size=1, max_size=3, unique=True)
    )
    topic = data.draw(st.sampled_from(sorted(knowledge.topics)))

    reply = guide.composer.answer(topic, entries)

    for disclaimer in knowledge.disclaimers.values():
        assert disclaimer.text in reply.text
    assert reply.payload["disclaimers"] == ["consult_doctor", "pregnancy"]
    cited = {sid for e in entries for sid in e.sources}
    assert {s["id"] for s in reply.payload["sources"]} == cited
    for sid in cited:
        assert knowledge.sources[sid].short in reply.text
    assert reply.payload["entries"] == [e.id for e in entries]
    assert reply.payload["type"] == "answer"
    assert reply.payload["topic"] == topic


@settings(max_examples=200, deadline=None)
@given(
    data=st.data(),
    subtype=st.sampled_from((None, *SUBTYPES)),
    text=st.text(max_size=80),
)
def test_every_question_is_answered_with_citations(
    data: st.DataObject, guide: Guide, knowledge: KnowledgeSet, subtype: str | None, text: str
) -> None:
    topic = data.draw(st.sampled_from(sorted(knowledge.topics)))
    reply = guide.answer(topic, text, subtype)
    assert reply.payload["entries"], "every topic must yield an answer"
    assert reply.payload["sources"]
    for disclaimer in knowledge.disclaimers.values():
        assert disclaimer.text in reply.text
    used = [e for e in knowledge.entries if e.id in reply.payload["entries"]]
    assert all(e.topic == topic for e in used)
    if subtype is not None and any(e.applies_to(subtype) for e in knowledge.entries_of(topic)):
        assert all(e.applies_to(subtype) for e in used)


def test_buttons_lead_to_their_topics(guide: Guide, knowledge: KnowledgeSet) -> None:
    for topic in knowledge.topics.values():
        reply = guide.answer(topic.id)
        following = reply.buttons[: len(topic.next)]
        assert [b.title for b in following] == [knowledge.topics[t].button for t in topic.next]
        for button, target in zip(following, topic.next, strict=True):
            intent, _, entities = button.payload[1:].partition("{")
            assert guide.router.topic_for(intent, _entities(entities)) == target
        # The rest tailor this topic to a subtype, keeping the topic.
        for button in reply.buttons[len(topic.next) :]:
            intent, _, entities = button.payload[1:].partition("{")
            assert intent == "inform"
            assert guide.router.topic_for(intent, _entities(entities), topic.id) == topic.id


def test_tailoring_is_offered_only_where_subtypes_differ(guide: Guide) -> None:
    titles = [b.title for b in guide.answer("exercise_safety").buttons]
    assert "For IBM" in titles
    assert "For a child with JDM" in titles
    assert not [b for b in guide.answer("ibm").buttons if b.payload.startswith("/inform")]
    assert not [
        b for b in guide.answer("exercise_safety", subtype="IBM").buttons if "For" in b.title
    ]


def test_pregnancy_claims_any_exercise_question(guide: Guide) -> None:
    router = guide.router
    assert (
        router.topic_for(
            "ask_exercise_type",
            {"exercise_type": "pilates"},
            None,
            "I'm pregnant, can I still do pilates?",
        )
        == "pregnancy"
    )
    assert (
        router.topic_for("ask_exercise_safety", {}, None, "is exercise safe after giving birth")
        == "pregnancy"
    )
    assert (
        router.topic_for(
            "ask_exercise_type", {"exercise_type": "pilates"}, None, "can I do pilates"
        )
        == "pilates"
    )
    assert router.topic_for("greet", {}, None, "hi, I'm pregnant") is None


def _entities(raw: str) -> dict[str, str]:
    entities: dict[str, str] = json.loads("{" + raw) if raw else {}
    return entities


def test_an_answer_needs_an_entry(guide: Guide) -> None:
    with pytest.raises(ValueError, match="needs at least one entry"):
        guide.composer.answer("pilates", [])


def test_fallback_suggests_the_two_likeliest_topics(guide: Guide) -> None:
    reply = guide.fallback(
        ["greet", "ask_pilates_typo", "ask_routine", "ask_exercise_safety"], {}, None, None
    )
    assert reply.payload["stage"] == 1
    assert [b.payload for b in reply.buttons] == [
        "/ask_routine",
        "/ask_exercise_safety",
        "/nlu_fallback",
    ]


def test_fallback_tops_up_with_starter_topics(guide: Guide) -> None:
    reply = guide.fallback(["greet", "chitchat"], {}, None, None)
    assert len(reply.buttons) == 3
    assert reply.buttons[-1].title == "Something else"


def test_second_miss_offers_a_volunteer(guide: Guide) -> None:
    reply = guide.fallback(["ask_routine"], {}, None, previous_stage=1)
    assert reply.payload["stage"] == 2
    assert reply.buttons[0].payload == "/ask_human"
