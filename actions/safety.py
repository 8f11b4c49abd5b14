"""Warning signs, crisis and medical questions: safety replies that never carry exercise advice."""

from __future__ import annotations

from dataclasses import replace

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from typing_extensions import override

from actions.answer import ActionAnswer
from actions.base import ReplyAction
from actions.medicine import medicine_named
from actions.tracker_view import Turn
from bot.compose import Reply
from bot.follow_up import (
    about_the_medicine,
    adds_a_condition,
    adds_on,
    asks_whether_it_changes,
    corrects_the_subtype,
    joins_on,
    leans_back,
    question_clause,
    tells_a_steroid_condition,
)
from bot.guide import Guide
from bot.nlp.english import is_question
from bot.routing import ENTITY_INTENTS, FOLLOW_UP_INTENT, TOPIC_INTENTS, Question, asks_how_much
from bot.safety.lexicon import Urgency

# The intent of a question of how hard, how long or how often to exercise.
ROUTINE = "ask_routine"
# Cited when the urgency comes from the user's own button, with no sign found in words.
GENERAL_WARNING_SOURCES = ("mda-quest-warning", "tma-physical-therapy")


class ActionSafety(ReplyAction):
    """Reply to a warning sign or thoughts of self-harm first, by urgency, and record it.

    The safety net in the NLU pipeline found the sign (or the crisis) by rules; when only the
    classifier thinks a warning sign was reported, the action asks one short question instead of
    guessing an urgency, unless the message is a question on a subject our sources leave out
    ("should I train my breathing muscles?"), with no sign the rules found even in a hypothetical
    clause: that gets the "not covered" reply, which also says where to get help now. Nor does a
    short question leaning on an answer just given, in which the rules found no sign at all ("she
    feels the cold terribly, does the water temperature matter?" after an answer on the pool),
    or naming what it asks about ("would the pool be easier on my breathing?" after an answer),
    nor a short statement adding to it ("and the backs of my knees feel tight too"): the
    classifier read unfamiliar words as alarm, and the message continues the subject.
    """

    action_name = "action_safety"

    @override
    def respond(self, guide: Guide, turn: Turn, tracker: Tracker) -> tuple[Reply, list[EventType]]:
        composer = guide.composer
        report = turn.safety
        if report.get("crisis") or turn.intent == "crisis":
            return composer.crisis(), [SlotSet("safety_flag", "crisis")]
        urgency = report.get("urgency") or turn.entities.get("urgency")
        if urgency in {u.value for u in Urgency}:
            sources = report.get("sources") or GENERAL_WARNING_SOURCES
            reply = composer.red_flag(Urgency(urgency), sources)
            return reply, [SlotSet("safety_flag", urgency), *_subject_named(guide, turn)]
        if not report.get("uncertain"):
            asks = is_question(turn.question)
            not_covered = guide.not_covered(turn.question, turn.text) if asks else None
            if not_covered is not None:
                return not_covered, []
            # A question leaning on the answer, or naming what it asks about ("would the pool be
            # easier on my breathing?" after an answer on exercise with lung involvement).
            continues = (
                leans_back(turn.text) or _topic_named(guide, turn) is not None
                if asks
                else adds_on(turn.text)
            )
            if (turn.last_topic or turn.answered_topics) and continues:
                return ActionAnswer().respond(
                    guide, replace(turn, intent=FOLLOW_UP_INTENT), tracker
                )
        return composer.clarify_warning_sign(), []


def _subject_named(guide: Guide, turn: Turn) -> list[EventType]:
    """Remember what a warning-sign message named ("breathless after swimming"), if anything.

    The warning sign is the reply; a follow-up ("so can I still do it?") then continues the
    subject the message was about rather than finding nothing to continue.
    """
    topic = _topic_named(guide, turn)
    return [] if topic is None else [SlotSet("last_topic", topic)]


def _topic_named(guide: Guide, turn: Turn) -> str | None:
    """The topic the message's own words name (a kind of exercise, a body part), if any."""
    return guide.router.deciding_topic(Question(turn.text, turn.entities))


class ActionDeclineMedical(ReplyAction):
    """Decline questions about medicines, diagnosis and treatments kindly, with a referral.

    A question on a subject our sources leave out ("can I do cardio if myositis affects my
    heart?") gets the "not covered" reply, which names the subject and offers a volunteer. A
    follow-up that only continues an exercise answer is answered (`exercise_follow_up`).
    """

    action_name = "action_decline_medical"

    @override
    def respond(self, guide: Guide, turn: Turn, tracker: Tracker) -> tuple[Reply, list[EventType]]:
        intent = exercise_follow_up(turn, tracker)
        if intent is None and not turn.safety.get("medical"):
            # The classifier alone took it for medical, and it asks how hard or how long to go
            # ("what are the signs I've pushed past my limit?"): a question of routine.
            intent = ROUTINE if asks_how_much(question_clause(turn.question or turn.text)) else None
        if intent is not None:
            return ActionAnswer().respond(guide, replace(turn, intent=intent), tracker)
        not_covered = guide.not_covered(turn.question, turn.text)
        return (guide.composer.out_of_scope() if not_covered is None else not_covered), []


def exercise_follow_up(turn: Turn, tracker: Tracker) -> str | None:
    """The intent to answer a message taken for medical with, when it continues an exercise answer.

    "and on steroids?" after an answer on yoga asks whether yoga is fine on steroids: the
    medicine is the condition, not the question, so it gets the classifier's likeliest topic
    (exercising on steroids) or the conversation's subject. "should I stop before the next
    bloods then?", which the classifier alone took for medical (the safety net found no
    medicine in it), continues the subject, unless a medicine was named earlier ("should I stop
    then?" after "I'm on methotrexate, can I swim?" may mean the medicine). A question about the
    medicine itself ("how quickly can I come off it?", "should I lower my dose?") is still
    declined. A corrected subtype told with the test that showed it ("it's actually IMNM, the
    biopsy said so. does that change things?", "the second biopsy said it's IBM not poly") asks for
    the exercise answer again, and so does a
    subtype told where no rule found a medical question ("I should have said, I have IBM").
    """
    if not (turn.last_topic or turn.answered_topics) or not turn.text:
        return None
    if tells_a_steroid_condition(turn.text):
        # "I'm still on pred though, tapering": a condition told, whatever medicine words it has.
        return FOLLOW_UP_INTENT
    if about_the_medicine(turn.question or turn.text):
        return None
    if turn.safety.get("medical"):
        if "myositis_type" in turn.entities and (
            asks_whether_it_changes(turn.text) or corrects_the_subtype(turn.text)
        ):
            # "it's actually IMNM now, they redid the biopsy. does that change things?": the
            # diagnosis is told, and the exercise answer asked again for it.
            return FOLLOW_UP_INTENT
        if not adds_a_condition(turn.text):
            return None
        return next(
            (i for i in turn.likely_intents if i in TOPIC_INTENTS or i in ENTITY_INTENTS),
            FOLLOW_UP_INTENT,
        )
    if "myositis_type" in turn.entities:
        # "I should have said, I have IBM": the subtype told, which no rule found medical.
        return FOLLOW_UP_INTENT
    if medicine_named(tracker):
        return None
    return FOLLOW_UP_INTENT if joins_on(turn.text) else None
