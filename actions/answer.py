"""Answers every exercise question from the knowledge base."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from typing_extensions import override

from actions.base import ReplyAction
from actions.conversation import fallback
from actions.medicine import asks_about_a_named_medicine
from actions.tracker_view import Turn, welcomed_this_session
from bot.compose import SMALL_TALK_INTENTS, Reply, ReplyType
from bot.guide import Guide
from bot.nlp.intents import FALLBACK_INTENT
from bot.routing import FOLLOW_UP_INTENT, subject_of

# The intent of a message the classifier was too unsure of to place.
UNSURE = FALLBACK_INTENT


class ActionAnswer(ReplyAction):
    """Resolve the topic from intent, entities and context; answer through the composer.

    A question on a subject our sources leave out gets the "not covered" reply instead, whatever
    topic or fallback its words would otherwise lead to.
    """

    action_name = "action_answer"

    @override
    def respond(self, guide: Guide, turn: Turn, tracker: Tracker) -> tuple[Reply, list[EventType]]:
        """Answer the message's main question; offer its other questions' topics as buttons.

        With several questions, the main one (`Router.main_question`) is the focus, so that its
        words, not those of the other questions, outrank the intent.
        """
        if turn.language is not None:
            # "mag ik zwemmen in warm water?" names the pool in English words, but an answer in
            # English is no answer: the line in the reader's language, with the emergency number.
            return fallback(guide, turn), []
        not_covered = guide.not_covered(turn.question, turn.text)
        if not_covered is not None:
            return not_covered, []
        if asks_about_a_named_medicine(turn, tracker):
            return guide.composer.out_of_scope(), []
        topics = [guide.question_topic(q, turn.likely_intents) for q in turn.questions]
        main = (
            guide.router.main_question(turn.intent, turn.questions, topics)
            if turn.questions
            else None
        )
        focus = turn.focus if main is None else main.entities
        # A follow-up continues the conversation's subject, not an aspect of it asked last.
        context = subject_of(turn.answered_topics) or turn.last_topic
        topic = guide.router.topic_for(
            turn.intent,
            turn.entities,
            context,
            turn.text,
            focus,
            turn.subtype,
            ranked=turn.likely_intents,
            question=turn.asking if main is None else main,
        )
        if topic is None and turn.intent == FOLLOW_UP_INTENT:
            # Read as a follow-up, but there is nothing to follow: the classifier's next likely
            # intent may still place it ("do I tell my doctor I exercise?" as a first message).
            topic = next(
                (
                    t
                    for i in turn.likely_intents
                    if i != FOLLOW_UP_INTENT
                    and (t := guide.router.topic_for(i, turn.entities, None, turn.text, focus))
                ),
                None,
            )
        if topic is None and turn.intent == UNSURE and turn.asking is not None and turn.plain:
            # A long story the classifier could not place as a whole: its question sentence may
            # still show the topic by its own words, or by the entry that best matches them when
            # the classifier also gave that topic a fair chance (`Guide.question_topic`).
            topic = guide.question_topic(turn.asking, turn.likely_intents)
        if topic is None:
            return self.otherwise(guide, turn), []
        reply = guide.answer(topic, turn.text, turn.subtype, [t for t in topics if t])
        answered = reply.payload["topic"]
        return reply, [SlotSet("last_topic", answered), SlotSet("myositis_type", turn.subtype)]

    def otherwise(self, guide: Guide, turn: Turn) -> Reply:
        """The reply when the message asks about no topic: the two-stage fallback."""
        return fallback(guide, turn)


class ActionWelcome(ActionAnswer):
    """Introduce the assistant, with both disclaimers (the small-talk action does it when asked).

    The welcome is sent once a session: a greeting after it gets a short hello instead, unless it
    is a follow-up question the classifier took for a greeting ("even a high dose?", "morning or
    evening?"), which continues the conversation's subject like any follow-up.
    """

    action_name = "action_welcome"

    @override
    def respond(self, guide: Guide, turn: Turn, tracker: Tracker) -> tuple[Reply, list[EventType]]:
        if turn.intent != "greet":
            return guide.composer.welcome(), []
        reply, events = super().respond(guide, turn, tracker)
        # "hi, can you help with my husband's hands?" opening a session: the answer (the welcome
        # goes ahead of a session's first reply anyway); a plain "hello" gets the welcome.
        if welcomed_this_session(tracker) or reply.payload["type"] == ReplyType.ANSWER.value:
            return reply, events
        return guide.composer.welcome(), []

    @override
    def otherwise(self, guide: Guide, turn: Turn) -> Reply:
        return guide.composer.greet_again()


class ActionFallback(ActionAnswer):
    """When the assistant is unsure, suggest the likeliest topics; on a second miss, a person.

    A short message that names a kind of exercise ("bike?") is answered instead.
    """

    action_name = "action_fallback"


class ActionSmallTalk(ActionAnswer):
    """Answer thanks, goodbye, "are you a bot?", "what can you do?" and off-topic messages.

    These were static domain responses, which carried no payload; now every reply has one. A
    message that names a kind of exercise ("weights ok") is answered as a question about it, and
    keyboard mashing taken for "yes" or "no" gets the fallback. "What can you do?" gets the
    welcome, but "can you tell me about tai chi?" is answered as a question about tai chi.
    """

    action_name = "action_small_talk"

    @override
    def otherwise(self, guide: Guide, turn: Turn) -> Reply:
        if turn.intent == "ask_capabilities":
            return guide.composer.welcome()
        if turn.gibberish:
            return fallback(guide, turn)
        if turn.intent in SMALL_TALK_INTENTS:
            return guide.composer.small_talk(turn.intent)
        return guide.composer.off_topic()
