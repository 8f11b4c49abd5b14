"""The composer: the one place that turns knowledge into what a user is sent.

Every reply it builds carries both disclaimers, and every entry it uses brings its citations, so no
path through the assistant can send guidance without them. It returns plain text that works on any
channel and a structured payload (the contract the widget, channels and console read).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from bot.knowledge.schema import REQUIRED_DISCLAIMERS, Entry, KnowledgeSet, Source, Subject
from bot.routing import Router
from bot.safety.lexicon import Urgency


class ReplyType(str, Enum):
    """What kind of reply a payload carries."""

    ANSWER = "answer"
    WELCOME = "welcome"
    # "Tell me more": the longer detail behind an answer, with all its sources.
    MORE = "more"
    # A greeting in a session that was already welcomed: hello, without the whole welcome again.
    GREETING = "greeting"
    FALLBACK = "fallback"
    OUT_OF_SCOPE = "out_of_scope"
    # A subject our sources leave out (knowledge/uncovered.yml): who to ask, and a volunteer.
    NOT_COVERED = "not_covered"
    RED_FLAG = "red_flag"
    CRISIS = "crisis"
    CLARIFY = "clarify"
    # Thanks, goodbye, "are you a bot?": the assistant's own short words.
    SMALL_TALK = "small_talk"
    # Not about exercise and myositis, and not a medical question either.
    OFF_TOPIC = "off_topic"
    ASK_HUMAN = "ask_human"
    HANDOFF = "handoff"
    VOLUNTEER = "volunteer"
    DELETE = "delete"
    # The servers could not answer (action server or database down): try again later.
    UNAVAILABLE = "unavailable"
    # The message broke a limit (too long, too many): nothing was read.
    LIMIT = "limit"


# Intents answered by one of the assistant's own short messages (small_talk_<intent>).
SMALL_TALK_INTENTS = (
    "goodbye",
    "thanks",
    "bot_challenge",
    "chitchat",
    "affirm",
    "deny",
    "feedback",
)

# Topics offered as buttons when the assistant introduces itself or did not understand.
STARTER_TOPICS = (
    "exercise_safety",
    "exercise_types",
    "getting_started",
    "which_professional",
    "ibm",
    "pregnancy",
)


# Sources shown with an answer before "and N more": the rest are one tap away (Tell me more).
SOURCES_SHOWN = 3
# Between a warning-sign reply's urgent advice and its disclaimers, on text channels.
DIVIDER = "----------"


@dataclass(frozen=True)
class Button:
    """A quick reply: the label shown and the message it sends."""

    title: str
    payload: str

    def as_dict(self) -> dict[str, str]:
        """Return the button in Rasa's format."""
        return {"title": self.title, "payload": self.payload}


@dataclass(frozen=True)
class Reply:
    """A composed reply: text for any channel, buttons, and the structured payload."""

    text: str
    payload: dict[str, Any]
    buttons: tuple[Button, ...] = field(default=())

    def with_compact_disclaimers(self) -> Reply:
        """The same reply with the disclaimers' short wording (the full one was already shown).

        Both disclaimers stay; only their wording is shorter.
        """
        payload = {**self.payload, "disclaimer_style": "compact"}
        return Reply("\n\n".join(reply_blocks(payload)), payload, self.buttons)

    def as_message(self) -> dict[str, Any]:
        """The reply as Rasa hands a bot message to an output channel."""
        return {
            "text": self.text,
            "buttons": [b.as_dict() for b in self.buttons],
            "custom": self.payload,
        }


class Composer:
    """Builds replies from knowledge entries, with disclaimers and citations always attached."""

    def __init__(
        self, knowledge: KnowledgeSet, router: Router, contacts: Mapping[str, str]
    ) -> None:
        self.knowledge = knowledge
        self.router = router
        self.contacts = dict(contacts)
        self.disclaimers = tuple(knowledge.disclaimers[d] for d in REQUIRED_DISCLAIMERS)
        self.entries = {e.id: e for e in knowledge.entries}

    def topic_buttons(self, topics: Sequence[str]) -> tuple[Button, ...]:
        """Return one quick reply per topic, labelled as a patient would ask."""
        return tuple(
            Button(self.knowledge.topics[t].button, self.router.button_payload(t)) for t in topics
        )

    def answer(
        self,
        topic: str,
        entries: Sequence[Entry],
        tailor_to: Sequence[str] = (),
        subtype: str | None = None,
        also: Sequence[str] = (),
    ) -> Reply:
        """Compose the answer to a question about ``topic`` from its best ``entries``.

        ``tailor_to`` names subtypes with entries of their own in this topic, offered as buttons
        when the user's subtype is unknown: the general answer comes first, never a question.
        ``also`` names the topics of the message's other questions: each other topic gets an
        "Also: <title>" button, first, since the user asked it (and a platform that shows few
        buttons keeps it); a follow-up button to the same topic is then left out.
        For someone with IMNM, where no exercise study exists, advice drawn from other kinds of
        myositis says so unless an entry already does.
        """
        if not entries:
            raise ValueError(f"an answer about '{topic}' needs at least one entry")
        paragraphs = [e.answer for e in entries]
        if subtype == "IMNM" and not any("IMNM" in e.answer for e in entries):
            paragraphs.append(self._text("not_studied_in_imnm"))
        tailor = [
            Button(self._text(f"tailor_{s}"), f'/inform{{"myositis_type": "{s}"}}')
            for s in tailor_to
        ]
        more = [self.more_button(entries)] if self.has_more(entries) else []
        others = [t for t in dict.fromkeys(also) if t != topic and t in self.knowledge.topics]
        asked = [
            Button(
                self._text("also", title=self.knowledge.topics[t].title),
                self.router.button_payload(t),
            )
            for t in others
        ]
        follow_ups = [t for t in self.knowledge.topics[topic].next if t not in others]
        return self._compose(
            ReplyType.ANSWER,
            topic,
            paragraphs=paragraphs,
            entries=entries,
            buttons=[*asked, *more, *self.topic_buttons(follow_ups), *tailor],
        )

    @staticmethod
    def has_more(entries: Sequence[Entry]) -> bool:
        """Whether "Tell me more" has something to add: a detail, or sources not shown first."""
        ids = {sid for e in entries for sid in e.sources}
        return any(e.detail for e in entries) or len(ids) > SOURCES_SHOWN

    def more_button(self, entries: Sequence[Entry]) -> Button:
        """The "Tell me more" button; its payload names the entries, so no memory is needed."""
        ids = json.dumps([e.id for e in entries], separators=(",", ":"))
        return Button(self._text("tell_me_more"), f'/tell_me_more{{"entries":{ids}}}')

    def more(self, entry_ids: Sequence[str]) -> Reply:
        """The longer detail of the entries behind an answer, with every source they cite.

        Unknown ids are skipped (content may have changed since the answer); with nothing to
        add, the user is told so and offered topics.
        """
        entries = [self.entries[i] for i in dict.fromkeys(entry_ids) if i in self.entries]
        if not entries or not self.has_more(entries):
            return self._message(
                ReplyType.MORE, "nothing_more", self.topic_buttons(STARTER_TOPICS), more_of=[]
            )
        details = [e.detail for e in entries if e.detail]
        topic = entries[0].topic
        return self._compose(
            ReplyType.MORE,
            topic,
            paragraphs=details or [self._text("all_sources")],
            entries=entries,
            buttons=self.topic_buttons(self.knowledge.topics[topic].next),
            extra={"more_of": [e.id for e in entries]},
        )

    def welcome(self) -> Reply:
        """Introduce the assistant: what it can and cannot do, with topics to tap."""
        return self._message(ReplyType.WELCOME, "welcome", self.topic_buttons(STARTER_TOPICS))

    def greet_again(self) -> Reply:
        """Answer a greeting after the welcome: one welcome a session is enough."""
        return self._message(ReplyType.GREETING, "greet_again", self.topic_buttons(STARTER_TOPICS))

    def fallback(self, suggestions: Sequence[str]) -> Reply:
        """First miss: "did you mean...?" with the likeliest topics and "Something else"."""
        buttons = [
            *self.topic_buttons(suggestions),
            Button(self._text("something_else"), "/nlu_fallback"),
        ]
        return self._message(ReplyType.FALLBACK, "fallback", buttons, stage=1)

    def second_fallback(self) -> Reply:
        """Second miss in a row: offer a volunteer, and the topics the assistant covers."""
        buttons = [
            Button(self._text("pass_to_volunteer"), "/ask_human"),
            *self.topic_buttons(STARTER_TOPICS),
        ]
        return self._message(ReplyType.FALLBACK, "fallback_second", buttons, stage=2)

    def out_of_scope(self) -> Reply:
        """Decline a medical question (medicines, diagnosis, treatments) kindly, with a referral."""
        return self._message(
            ReplyType.OUT_OF_SCOPE, "medical", self.topic_buttons(STARTER_TOPICS[:3])
        )

    def not_covered(self, subject: Subject) -> Reply:
        """Say plainly that our sources do not cover ``subject``: who to ask, and a volunteer.

        Nothing about the subject itself is said, since nothing about it can be checked.
        """
        return self._message(
            ReplyType.NOT_COVERED,
            "not_covered",
            [Button(self._text("pass_to_volunteer"), "/ask_human")],
            values={"subject": subject.name, "ask": subject.ask},
            subject=subject.id,
        )

    def small_talk(self, intent: str) -> Reply:
        """Answer small talk (``intent`` is one of SMALL_TALK_INTENTS) like any other reply."""
        return self._message(ReplyType.SMALL_TALK, f"small_talk_{intent}", intent=intent)

    def off_topic(self) -> Reply:
        """Say kindly what the assistant covers when a message is about something else."""
        return self._message(
            ReplyType.OFF_TOPIC, "off_topic", self.topic_buttons(STARTER_TOPICS[:3])
        )

    def other_language(self, language: str) -> Reply:
        """Say, in ``language`` where there is a line for it, that only English is understood.

        A fallback of stage 1, so that a second miss offers a volunteer.
        """
        key = f"other_language_{language}"
        key = key if key in self.knowledge.messages else "other_language"
        return self._message(ReplyType.FALLBACK, key, stage=1, language=language)

    def crisis(self) -> Reply:
        """Answer thoughts of self-harm: crisis line and emergency number, nothing else.

        It is about staying safe, not exercise, so it carries no exercise disclaimer.
        """
        return self._message(ReplyType.CRISIS, "crisis")

    def red_flag(self, urgency: Urgency, source_ids: Sequence[str] = ()) -> Reply:
        """Stop exercise advice and say how soon to get medical help, citing the guidance."""
        sources = [self.knowledge.sources[s] for s in dict.fromkeys(source_ids)]
        return self._compose(
            ReplyType.RED_FLAG,
            None,
            paragraphs=[self._text(f"red_flag_{urgency.value}")],
            entries=(),
            buttons=(),
            sources=sources,
            extra={"urgency": urgency.value, "emergency_number": self.contacts["emergency_number"]},
        )

    def clarify_warning_sign(self) -> Reply:
        """Ask, rather than guess, whether a possible warning sign is happening now.

        Each answer button leads straight to the safety reply of its urgency.
        """
        buttons = [
            Button(
                self._text(f"clarify_{u.value}"), f'/report_warning_sign{{"urgency": "{u.value}"}}'
            )
            for u in Urgency
        ]
        buttons.append(Button(self._text("clarify_no"), "/deny"))
        return self._message(ReplyType.CLARIFY, "clarify_warning_sign", buttons)

    def ask_human(self, open_now: bool, hours: str, next_opening: str) -> Reply:
        """Answer a request for a person: when someone will reply, and where urgent help is."""
        key = "ask_human_open" if open_now else "ask_human_closed"
        return self._message(
            ReplyType.ASK_HUMAN,
            key,
            values={"hours": hours, "next_opening": next_opening},
            volunteers_available=open_now,
        )

    def handoff_started(self, volunteer: str) -> Reply:
        """Tell the user a volunteer has joined, and that warning signs are still answered."""
        return self._message(
            ReplyType.HANDOFF,
            "handoff_started",
            values={"volunteer": volunteer},
            volunteer=volunteer,
        )

    def volunteer_reply(self, volunteer: str, text: str) -> Reply:
        """A volunteer's own words, labelled as theirs, with the disclaimers like every reply."""
        return self._compose(
            ReplyType.VOLUNTEER,
            None,
            paragraphs=[self._text("volunteer_says", volunteer=volunteer), text],
            entries=(),
            buttons=(),
            extra={"volunteer": volunteer},
        )

    def handoff_ended(self, volunteer: str) -> Reply:
        """Tell the user the automated guide is back."""
        return self._message(
            ReplyType.HANDOFF,
            "handoff_ended",
            self.topic_buttons(STARTER_TOPICS[:3]),
            values={"volunteer": volunteer},
            volunteer=None,
        )

    def confirm_delete(self) -> Reply:
        """Ask before deleting a conversation: it cannot be undone."""
        buttons = [
            Button(self._text("delete_yes"), '/delete_my_data{"confirm": "yes"}'),
            Button(self._text("delete_no"), "/deny"),
        ]
        return self._message(ReplyType.DELETE, "delete_confirm", buttons, deleted=False)

    def deleted(self) -> Reply:
        """Confirm the conversation is gone."""
        return self._message(ReplyType.DELETE, "delete_done", deleted=True)

    def _text(self, key: str, **values: str) -> str:
        return self.knowledge.messages[key].format(**self.contacts, **values)

    def unavailable(self) -> Reply:
        """The assistant cannot look the answer up now (its action server failed)."""
        return self._message(ReplyType.UNAVAILABLE, "unavailable")

    def not_saved(self) -> Reply:
        """The message could not be taken in (the conversation store failed): send it again."""
        return self._message(ReplyType.UNAVAILABLE, "not_saved")

    def too_long(self) -> Reply:
        """The message is over the length limit, so it was not read."""
        return self._message(ReplyType.LIMIT, "too_long")

    def slow_down(self) -> Reply:
        """The sender is over the rate limit, so the message was not read."""
        return self._message(ReplyType.LIMIT, "slow_down")

    def _message(
        self,
        kind: ReplyType,
        key: str,
        buttons: Sequence[Button] = (),
        values: Mapping[str, str] | None = None,
        **extra: Any,
    ) -> Reply:
        """A reply made of one of the assistant's own messages (no knowledge entry)."""
        paragraphs = [self._text(key, **(values or {}))]
        return self._compose(
            kind, None, paragraphs=paragraphs, entries=(), buttons=buttons, extra=extra
        )

    def sources_of(self, entries: Sequence[Entry]) -> list[Source]:
        """Return the sources cited by ``entries``, each once, in the order first cited."""
        ids = dict.fromkeys(sid for e in entries for sid in e.sources)
        return [self.knowledge.sources[sid] for sid in ids]

    def _compose(
        self,
        kind: ReplyType,
        topic: str | None,
        *,
        paragraphs: Sequence[str],
        entries: Sequence[Entry],
        buttons: Sequence[Button],
        sources: Sequence[Source] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> Reply:
        sources = self.sources_of(entries) if sources is None else sources
        disclaimers = () if kind is ReplyType.CRISIS else self.disclaimers
        payload = {
            "type": kind.value,
            "topic": topic,
            "title": self.knowledge.topics[topic].title if topic else None,
            "body": list(paragraphs),
            "entries": [e.id for e in entries],
            # Which wording the user saw: each entry's version and the knowledge base's.
            "entry_versions": {e.id: e.version for e in entries},
            "kb_version": self.knowledge.version,
            "evidence": entries[0].evidence if entries else None,
            "sources": [
                {"id": s.id, "short": s.short, "citation": s.citation, "url": s.url}
                for s in sources
            ],
            "disclaimers": [d.id for d in disclaimers],
            "disclaimer_texts": [d.text for d in disclaimers],
            "disclaimer_compact": [d.compact for d in disclaimers],
            "disclaimer_style": "full",
            **(extra or {}),
        }
        return Reply("\n\n".join(reply_blocks(payload)), payload, tuple(buttons))


def reply_blocks(
    payload: Mapping[str, Any], *, compact: bool = False, all_sources: bool = False
) -> list[str]:
    """Return a reply's text as paragraphs, in the order every channel shows them.

    The body comes first (for a warning sign, the advice to stop and get help), then the strength
    of the evidence, the sources and the disclaimers, which are never left out: ``compact`` (or
    the payload's ``disclaimer_style``) only picks their short wording. An answer lists its first
    `SOURCES_SHOWN` sources and says how many more "Tell me more" shows; a warning-sign reply
    puts a divider between the urgent advice and the rest. A crisis reply has no disclaimers.
    ``all_sources`` lists every source (text read off-line, such as a volunteer's e-mail).
    """
    blocks = list(payload["body"])
    if payload.get("type") == ReplyType.RED_FLAG.value:
        blocks.append(DIVIDER)
    if payload.get("evidence"):
        blocks.append("How strong is the evidence? " + payload["evidence"])
    if payload.get("sources"):
        blocks.append(sources_block(payload, all_sources=all_sources))
    compact = compact or payload.get("disclaimer_style") == "compact"
    disclaimers = payload["disclaimer_compact" if compact else "disclaimer_texts"]
    if disclaimers:
        blocks.append("Please note: " + " ".join(disclaimers))
    return blocks


def sources_block(payload: Mapping[str, Any], *, all_sources: bool = False) -> str:
    """The sources as text: all of them for "Tell me more", else the first few and a count."""
    sources = payload["sources"]
    every = all_sources or payload.get("type") == ReplyType.MORE.value
    shown = sources if every else sources[:SOURCES_SHOWN]
    text = f"Sources ({len(sources)}): " + "; ".join(
        f"{s['short']} {s['url']}" if s.get("url") else s["short"] for s in shown
    )
    hidden = len(sources) - len(shown)
    return text + (f'; and {hidden} more (ask "tell me more")' if hidden else "")
