"""Reads what the actions need from a tracker, in one place."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Tracker

from bot.follow_up import refers_back
from bot.nlp.childhood import subtype_meant
from bot.nlp.intents import FALLBACK_INTENT
from bot.nlp.sentences import asking_spans, sentence_spans
from bot.routing import Question


@dataclass(frozen=True)
class Turn:
    """The latest user message as the actions see it."""

    intent: str
    text: str
    entities: dict[str, str]
    subtype: str | None
    last_topic: str | None
    safety: dict[str, Any] = field(default_factory=dict)
    ranked_intents: tuple[str, ...] = ()
    previous_fallback_stage: int | None = None
    # The entities of the question sentence when the message tells a story first.
    focus: dict[str, str] | None = None
    # Intents the classifier gives a fair chance (LIKELY_CONFIDENCE), likeliest first.
    likely_intents: tuple[str, ...] = ()
    # The question sentences, when the message asks more than one.
    questions: tuple[Question, ...] = ()
    # The question sentence when the message tells a story first, else the whole text.
    question: str = ""
    # The language of a message clearly not in English, and keyboard mashing, as the safety net
    # found them in the Rasa server (bot.nlp.language.wording): read, not recomputed, here.
    language: str | None = None
    gibberish: bool = False
    # The last sentence that asks (even if it points back at the story: "I swim. Is that enough
    # or should I add weights?"); a message of one sentence is its own.
    asking: Question | None = None
    # The topics answered so far in the session, oldest first.
    answered_topics: tuple[str, ...] = ()
    # The assistant's reply just before this message, when it was a warning sign's advice.
    after_warning: dict[str, Any] | None = None

    @property
    def plain(self) -> bool:
        """Whether the message is plain English words (no other language, no keyboard mashing)."""
        return self.language is None and not self.gibberish


def latest_turn(tracker: Tracker) -> Turn:
    """Return the latest message's intent, words and canonical entities, plus remembered context.

    A button sends ``/intent{...}``: that is not the user's words, so it is not used as search text.
    """
    message = tracker.latest_message or {}
    text = message.get("text") or ""
    found = _as_meant(
        asked_about([e for e in message.get("entities", []) if "value" in e], text), text
    )
    entities = _by_label(found)
    spans = [] if text.startswith("/") else asking_spans(text)
    span = question_span(text, spans)
    subtype = entities.get(SUBTYPE) or tracker.get_slot(SUBTYPE)
    ranking = [r for r in message.get("intent_ranking") or [] if r.get("name") != FALLBACK_INTENT]
    wording = message.get("wording") or {}
    sent = bot_payloads(tracker)
    return Turn(
        intent=(message.get("intent") or {}).get("name") or "",
        text="" if text.startswith("/") else text,
        entities=entities,
        subtype=subtype,
        last_topic=tracker.get_slot("last_topic"),
        safety=message.get("safety") or {},
        language=wording.get("language"),
        gibberish=bool(wording.get("gibberish")),
        ranked_intents=tuple(r["name"] for r in ranking),
        previous_fallback_stage=_previous_fallback_stage(tracker),
        focus=None if span is None else _within(found, span),
        likely_intents=tuple(
            r["name"] for r in ranking if r.get("confidence", 0) >= LIKELY_CONFIDENCE
        ),
        questions=()
        if len(spans) < 2
        else tuple(Question(text[a:b].strip(), _within(found, (a, b))) for a, b in spans),
        question="" if text.startswith("/") else text if span is None else text[span[0] : span[1]],
        asking=_asking(text, spans, found),
        answered_topics=tuple(
            str(p["topic"]) for p in sent if p.get("type") == "answer" and p.get("topic")
        ),
        # The last reply's payload, if it was a warning sign's advice.
        after_warning=sent[-1] if sent and sent[-1].get("type") == "red_flag" else None,
    )


# Words just before a named thing that set it aside: "not just stretches", "rather than weights",
# or compare with it: "easier than walking", "necrotising myopathy compared to polymyositis",
# "any different from what people with polymyositis do?".
SET_ASIDE = re.compile(
    r"\b(?:not\s+(?:just|only)|rather\s+than|instead\s+of|other\s+than|apart\s+from|besides"
    r"|than|compared?\s+(?:to|with)|versus|vs|different\s+(?:from|to)|unlike|as\s+opposed\s+to"
    # "not the same as polymyositis".
    r"|(?:not|isn'?t|aren'?t)\s+the\s+same\s+as)"
    r"\.?\s+(?:\w+\s+){0,3}$",
    re.IGNORECASE,
)
# A subtype denied ("it's IBM not polymyositis", "it isn't PM"): the other one named is meant.
DENIED = re.compile(r"\b(?:not|isn'?t|wasn'?t|never\s+was)\s+(?:just\s+)?$", re.IGNORECASE)
SUBTYPE = "myositis_type"
# Walking as an ability, not as exercise: "I can walk to the mailbox and that's it", "stay
# walking longer", "she can barely walk", "she won't walk very far", "the way I walk", "could
# physical therapy get her walking again?". A statement of what someone can still do says how
# able they are (starting out, what exercise can do), so it must not send the message to aerobic
# exercise. A question about walking inverts ("can I walk?"): not matched.
ABILITY_BEFORE = re.compile(
    r"\b(?:can(?:'t|not)?|could(?:n't)?|won't|wouldn't|will\s+not|able\s+to|unable\s+to|stay"
    r"|still|barely|hardly|get\s+(?:her|him|me|them|you|us)"
    r"|(?:the\s+way|how)\s+(?:i|you|he|she|we|they))\s+$",
    re.IGNORECASE,
)
ABILITY_WORD = re.compile(r"^walk(?:s|ing)?$", re.IGNORECASE)
# A simile: "my legs feel like I've run a marathon" names no activity asked about.
SIMILE = re.compile(
    r"\b(?:feels?|felt|feeling|as\s+if|as\s+though)\s+(?:like\s+)?(?:i|i've|i'd|i\s+have|i\s+had"
    r"|she|she's|he|he's|they've)\s+(?:just\s+)?(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)
# The vocabulary's value for everyday activities (bowls, gardening, paddleboarding).
EVERYDAY_ACTIVITY = "other_activity"
# An intent below this confidence is no evidence of what a sentence of the message asks.
LIKELY_CONFIDENCE = 0.1


def asked_about(found: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    """The entities found, less those the message sets aside or compares with, given another.

    "I want my heart rate up again, not just stretches" asks about cardio: stretching is named
    only to be set aside, so it must not decide the topic; "it's IBM not polymyositis" means
    IBM. Walking named as an ability ("I can
    walk to the mailbox and back") and an activity named in a simile ("my legs feel like I've run
    a marathon") are no activity asked about, whatever else is named.
    """
    found = [e for e in found if not an_ability(e, text) and not _said_just_before(e, text, SIMILE)]
    kept = [
        e
        for e in found
        if not _said_just_before(e, text, SET_ASIDE)
        and not (e["entity"] == SUBTYPE and _said_just_before(e, text, DENIED))
    ]
    labels = {e["entity"] for e in kept}
    return [e for e in found if e in kept or e["entity"] not in labels]


def _as_meant(found: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    """The entities with the subtype the message means: "DM" said of a child is JDM."""
    return [
        {**e, "value": subtype_meant(str(e["value"]), text)} if e["entity"] == SUBTYPE else e
        for e in found
    ]


def an_ability(entity: dict[str, Any], text: str) -> bool:
    """Whether a found activity word states what someone is able to do ("I can walk to...")."""
    start, end = entity.get("start"), entity.get("end")
    if start is None or end is None or not ABILITY_WORD.match(text[start:end]):
        return False
    return _said_just_before(entity, text, ABILITY_BEFORE, reach=20)


def _said_just_before(
    entity: dict[str, Any], text: str, words: re.Pattern[str], reach: int = 40
) -> bool:
    """Whether ``words`` end just before where the entity was found ("not just stretches")."""
    start = entity.get("start")
    return start is not None and words.search(text[max(0, start - reach) : start]) is not None


def _asking(
    text: str, spans: list[tuple[int, int]], found: list[dict[str, Any]]
) -> Question | None:
    """The last sentence of the message that asks; the whole of a one-sentence message.

    "is there a sit down tai chi class?" asks about tai chi whatever intent the classifier gave:
    a single sentence is its own question sentence, as the last asking one of a story is.
    """
    if text.startswith("/"):
        return None
    if not spans:
        return (
            None
            if len(sentence_spans(text)) > 1
            else Question(text.strip(), _within(found, (0, len(text))))
        )
    return Question(text[spans[-1][0] : spans[-1][1]].strip(), _within(found, spans[-1]))


def _within(entities: list[dict[str, Any]], span: tuple[int, int]) -> dict[str, str]:
    """The canonical entities found inside ``span`` of the message."""
    return _by_label(
        [
            e
            for e in entities
            if span[0] <= e.get("start", span[0]) and e.get("end", span[1]) <= span[1]
        ]
    )


def _by_label(entities: list[dict[str, Any]]) -> dict[str, str]:
    """One canonical value per label: the last named, but never an everyday activity over a kind.

    "will I ride a bike or get on my paddleboard again?" is about cycling: a kind of exercise
    says more than an activity that leads only to the kinds in general.
    """
    chosen: dict[str, str] = {}
    for e in entities:
        label, value = e["entity"], str(e["value"])
        if value != EVERYDAY_ACTIVITY or chosen.get(label) in (None, EVERYDAY_ACTIVITY):
            chosen[label] = value
    return chosen


def question_span(text: str, asking: list[tuple[int, int]]) -> tuple[int, int] | None:
    """Where the question is in a message of several sentences (the last one asking), if any.

    ``asking`` are the message's asking sentences (`asking_spans`). "I can walk to the mailbox
    and back. Where do I start?" asks about starting, not walking: the story's words should not
    outrank the question's. A question that points back ("I gave up tennis. Could I take it up
    again?") is about the story, so then there is no focus.
    """
    if not asking or refers_back(text[asking[-1][0] : asking[-1][1]]):
        return None
    return asking[-1]


def _previous_fallback_stage(tracker: Tracker) -> int | None:
    """The fallback stage of the assistant's last reply, if that reply was a fallback."""
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            custom = (event.get("data") or {}).get("custom") or {}
            return int(custom.get("stage", 1)) if custom.get("type") == "fallback" else None
    return None


def session_is_silent(tracker: Tracker) -> bool:
    """Whether the assistant has said nothing yet in the current session."""
    return not any(e.get("event") == "bot" for e in _current_session(tracker))


def _current_session(tracker: Tracker) -> list[dict[str, Any]]:
    """The events since the latest session start (all of them if there is none)."""
    events = list(tracker.events)
    starts = [i for i, e in enumerate(events) if e.get("event") == "session_started"]
    return events[starts[-1] + 1 :] if starts else events


def bot_payloads(tracker: Tracker) -> list[dict[str, Any]]:
    """The composer payloads the assistant sent in the current session, oldest first."""
    return [
        custom
        for e in _current_session(tracker)
        if e.get("event") == "bot"
        and isinstance(custom := (e.get("data") or {}).get("custom"), dict)
    ]


def earlier_user_texts(tracker: Tracker) -> list[str]:
    """What the user wrote before the latest message in the current session, oldest first."""
    texts = [
        str(e.get("text") or "") for e in _current_session(tracker) if e.get("event") == "user"
    ]
    return texts[:-1]


def welcomed_this_session(tracker: Tracker) -> bool:
    """Whether the welcome was already sent in the current session (it is sent once a session)."""
    return any(p.get("type") == "welcome" for p in bot_payloads(tracker))


def answers_message(tracker: Tracker) -> bool:
    """Whether the action runs in reply to a user message, rather than before Rasa reads one.

    Rasa starts a session before it logs the message that opens it: then the latest user
    message, if any, belongs to an earlier turn, before the last time the assistant listened.
    """
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            return True
        if kind == "session_started" or (kind == "action" and event.get("name") == "action_listen"):
            return False
    return False


def entity_values(tracker: Tracker, name: str) -> list[str]:
    """Every value of entity ``name`` in the latest message (Rasa splits a list into several)."""
    entities = (tracker.latest_message or {}).get("entities") or []
    return [str(e["value"]) for e in entities if e.get("entity") == name and "value" in e]


def full_disclaimers_shown(tracker: Tracker) -> bool:
    """Whether a reply in this session already showed the disclaimers in their full wording."""
    return any(
        p.get("disclaimer_texts") and p.get("disclaimer_style", "full") == "full"
        for p in bot_payloads(tracker)
    )
