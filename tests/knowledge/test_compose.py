"""Every composed reply carries both disclaimers and the citations of the entries it uses."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.compose import SOURCES_SHOWN
from bot.guide import Guide, composer_for
from bot.knowledge.schema import SUBTYPES, KnowledgeSet
from bot.settings import Settings


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
    for position, source in enumerate(reply.payload["sources"]):
        assert (source["short"] in reply.text) == (position < SOURCES_SHOWN)
    more = guide.composer.more(reply.payload["entries"])
    offered = reply.buttons[0].title == "Tell me more"
    assert offered == (len(cited) > SOURCES_SHOWN or any(e.detail for e in entries))
    if offered:
        assert more.payload["type"] == "more"
        assert all(e.detail in more.payload["body"] for e in entries if e.detail)
        assert all(d.text in more.text for d in knowledge.disclaimers.values())
        assert more.payload["sources"] == reply.payload["sources"]
        assert all(s["short"] in more.text for s in more.payload["sources"]), "one tap away"
    else:
        assert more.payload["type"] == "more"
        assert more.payload["more_of"] == []
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
    # A topic with nothing for the subtype may hand over to the subtype's own topic.
    answered = reply.payload["topic"]
    assert answered == topic or answered == guide.router.vocabulary.topic_for(
        "myositis_type", subtype
    )
    used = [e for e in knowledge.entries if e.id in reply.payload["entries"]]
    assert all(e.topic == answered for e in used)
    if subtype is not None and any(e.applies_to(subtype) for e in knowledge.entries_of(answered)):
        assert all(e.applies_to(subtype) for e in used)


def test_buttons_lead_to_their_topics(guide: Guide, knowledge: KnowledgeSet) -> None:
    for topic in knowledge.topics.values():
        reply = guide.answer(topic.id)
        buttons = [b for b in reply.buttons if not b.payload.startswith("/tell_me_more")]
        following = buttons[: len(topic.next)]
        assert [b.title for b in following] == [knowledge.topics[t].button for t in topic.next]
        for button, target in zip(following, topic.next, strict=True):
            intent, _, entities = button.payload[1:].partition("{")
            assert guide.router.topic_for(intent, _entities(entities)) == target
        # The rest tailor this topic to a subtype, keeping the topic.
        for button in buttons[len(topic.next) :]:
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


@pytest.mark.parametrize("topic", ["hydrotherapy", "routine_and_rest", "pain_fatigue_ck"])
def test_advice_for_imnm_says_imnm_has_not_been_studied(guide: Guide, topic: str) -> None:
    # Content review C3 and S8: general advice shown to someone with IMNM says where it comes from.
    note = guide.composer.knowledge.messages["not_studied_in_imnm"]
    assert guide.answer(topic, subtype="IMNM").payload["body"][-1] == note
    assert note not in guide.answer(topic, subtype="PM").payload["body"]
    assert note not in guide.answer(topic).payload["body"]


def test_an_entry_that_names_imnm_gets_no_second_note(guide: Guide) -> None:
    body = guide.answer("imnm", subtype="IMNM").payload["body"]
    assert guide.composer.knowledge.messages["not_studied_in_imnm"] not in body
    assert any("not been studied in IMNM" in paragraph for paragraph in body)


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


# The content review's retrieval probes (§5.1, §5.3 N6, §7 C1, C2): each question, asked by
# someone with that subtype, gets the entry the review named, and the reply carries the caveat it
# asked for.
REVIEW_PROBES = [
    (
        "exercise_safety",
        "I've just been diagnosed with polymyositis and my disease is active. Is exercise safe?",
        "PM",
        "safety-pm-dm-active-disease",
        "without your doctor's OK",
    ),
    (
        "flares_and_steroids",
        "I have dermatomyositis and my disease is active, can I exercise?",
        "DM",
        "flares-and-steroids-active-disease-studies",
        "without your doctor's OK",
    ),
    (
        "ibm",
        "Should I try blood flow restriction training with a cuff?",
        "IBM",
        "ibm-blood-flow-restriction",
        "ask your physio or doctor first",
    ),
    (
        "exercise_safety",
        "What are the warning signs to stop exercising?",
        None,
        "safety-warning-signs",
        "Pause and check",
    ),
    (
        "exercise_safety",
        "Is it safe for my son with JDM to exercise?",
        "JDM",
        "safety-jdm-for-parents",
        "have your child stop and get advice",
    ),
    (
        "strength_training",
        "Does weight training reduce inflammation?",
        None,
        "strength-training-resistance-study",
        "does not replace your treatment",
    ),
    (
        "exercise_benefits",
        "Can exercise reduce inflammation?",
        None,
        "benefits-anti-inflammatory",
        "does not replace your treatment",
    ),
    (
        "exercise_benefits",
        "Will exercise help my IBM?",
        "IBM",
        "benefits-ibm",
        "no gain in function",
    ),
    ("exercise_safety", "and for IMNM?", "IMNM", "safety-general", "not been studied in IMNM"),
    (
        "which_professional",
        "Who can help me exercise?",
        None,
        "which-professional-overview",
        "tai chi",
    ),
    (
        "which_professional",
        "can a personal trainer at the gym help me or do I need someone medical?",
        None,
        "which-professional-physio-and-ep",
        "not just any personal trainer",
    ),
    (
        "strength_training",
        "Can my daughter with JDM do weights?",
        "JDM",
        "strength-training-for-everyone",
        "children with JDM",
    ),
    (
        "strength_training",
        "is weight training ok?",
        "IMNM",
        "strength-training-for-everyone",
        "not been studied in IMNM",
    ),
    (
        "aerobic_exercise",
        "Can my son with JDM go running?",
        "JDM",
        "aerobic-exercise-jdm",
        "children with JDM",
    ),
]


@pytest.mark.parametrize(("topic", "text", "subtype", "entry_id", "caveat"), REVIEW_PROBES)
def test_the_reviews_probes_reach_the_entry_and_its_caveat(
    guide: Guide, topic: str, text: str, subtype: str | None, entry_id: str, caveat: str
) -> None:
    _, entries = guide.resolve(topic, text, subtype)
    assert entries[0].id == entry_id
    body = " ".join(" ".join(guide.answer(topic, text, subtype).payload["body"]).split())
    assert caveat in body


def test_the_payload_names_the_version_of_each_entry_used(
    knowledge: KnowledgeSet, settings: Settings
) -> None:
    first, second, *rest = knowledge.entries
    published = replace(knowledge, entries=(replace(first, version=4), second, *rest), version=9)
    composer = composer_for(published, settings)

    reply = composer.answer(first.topic, published.entries[:2])

    assert reply.payload["entries"] == [first.id, second.id]
    assert reply.payload["entry_versions"] == {first.id: 4, second.id: 1}
    assert reply.payload["kb_version"] == 9
