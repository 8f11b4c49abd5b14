"""Maps what the NLU understood (intent, entities, the last topic) to a knowledge topic, and back.

The same table decides where a typed question goes and what a quick-reply button sends, so a button
always leads to the topic it names.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from bot.follow_up import (
    ONLY_HOW_OR_WHY,
    about_the_assistant,
    asks_for_another,
    asks_something,
    asks_what_to_do,
    asks_whether_it_changes,
    before_or_after_it,
    corrects_the_subtype,
    joins_on,
    leans_back,
    names_an_activity,
    objects,
    question_clause,
    tells_a_steroid_condition,
    tells_what_was_said,
)
from bot.knowledge.vocabulary import Vocabulary
from bot.nlp.intents import FALLBACK_INTENT

TOPIC_INTENTS: Mapping[str, str] = {
    "ask_exercise_safety": "exercise_safety",
    "ask_exercise_benefits": "exercise_benefits",
    "ask_research_evidence": "research_evidence",
    "ask_exercise_types": "exercise_types",
    "ask_swallowing": "swallowing",
    "ask_routine": "routine_and_rest",
    "ask_getting_started": "getting_started",
    "ask_which_professional": "which_professional",
    "ask_pregnancy": "pregnancy",
    "ask_flares_steroids": "flares_and_steroids",
    "ask_pain_fatigue_ck": "pain_fatigue_ck",
    "ask_resources": "resources",
}
# Intents whose topic comes from an entity: (entity label, topic when the entity is missing).
ENTITY_INTENTS: Mapping[str, tuple[str, str]] = {
    "ask_exercise_type": ("exercise_type", "exercise_types"),
    "ask_subtype": ("myositis_type", "exercise_safety"),
}
FOLLOW_UP_INTENT = "inform"
GUIDANCE_INTENTS = frozenset(TOPIC_INTENTS) | frozenset(ENTITY_INTENTS) | {FOLLOW_UP_INTENT}
# Broad topics: a question that also names a kind of exercise is about that kind ("is swimming
# safe?" goes to hydrotherapy), since the named word decides more than the coarse intent.
COARSE_TOPICS = frozenset(
    {"exercise_safety", "exercise_benefits", "exercise_types", "getting_started"}
)
# Intents a short message often gets when it is really a question about what it names ("bike?",
# "weights ok", "can you tell me about tai chi?"): naming a kind of exercise makes it that question.
UNSURE_INTENTS = frozenset(
    {FALLBACK_INTENT, "out_of_scope", "affirm", "chitchat", "ask_capabilities"}
)
# Topics a named kind of exercise also outranks: "are there exercises for grip?" wants the hand
# exercises, not the reading list the question's shape suggests.
NAMED_OUTRANKS = COARSE_TOPICS | {"resources"}
# Chat intents a short follow-up question is often filed under ("is that normal?" read as "no",
# "even a high dose?" as a greeting): they continue the last topic when the words lean back on it.
CHAT_FOLLOW_UPS = frozenset({"deny", "feedback", "greet"})
# "are you a bot?": a short question on an unknown activity ("is boxing ok?") often gets it.
BOT_CHALLENGE = "bot_challenge"
# Topics that answer one aspect of whatever is being discussed (how often, who can help, the
# studies, where to read more): after one, a follow-up still asks about the subject before it.
ASPECT_TOPICS = frozenset(
    {"routine_and_rest", "which_professional", "research_evidence", "resources"}
)
# The words in which a question asks for a person: who can help, not what to do.
ASKS_FOR_SOMEONE = re.compile(
    r"\b(?:who|whom|someone|somebody|anyone|anybody|person|specialist|team|refer\w*)\b",
    re.IGNORECASE,
)
# The intents of those topics.
ASPECT_INTENTS = frozenset(i for i, t in TOPIC_INTENTS.items() if t in ASPECT_TOPICS)
# The words in which a question asks for the studies themselves ("is there research showing
# weights help?"): then the studies are what it asks, whatever exercise it names.
RESEARCH_WORDS = re.compile(
    r"\b(?:research|stud(?:y|ies)|evidence|proof|proven|trials?|scien(?:ce|tific))\b"
    r"|\bwhat(?:'s|\s+is)\s+(?:that|it|this)\s+based\s+on\b",
    re.IGNORECASE,
)
# The words in which a broad question asks how much: too much, overdoing it, (doing) enough;
# not "strong enough to lift my grandson".
HOW_MUCH_WORDS = re.compile(
    r"\b(?:too\s+(?:much|hard|often|long|far)|over\s*(?:do(?:ing|ne|es)?|did)\b"
    # How long or how often sessions are ("how long do you make your sessions?"), or a week of
    # them ("give me an idea of a week of exercise").
    r"|how\s+(?:long|often)\s+(?:\w+\s+){0,4}(?:sessions?|workouts?)\b"
    r"|\ba\s+(?:typical\s+|normal\s+|good\s+)?week\s+of\s+(?:exercis\w*|training|workouts?)"
    r"|over[-\s]?(?:exercis\w*|train\w*)|how\s+much\s*[?.!]*\s*$|how\s+much\s+(?:less|more)\b"
    r"|(?:my|own|her|his|their|your)\s+limits?\b"
    # How hard a session should feel ("how puffed am I supposed to get?"), and rest breaks in one
    # ("how long before I take a break?").
    r"|how\s+(?:puffed|out\s+of\s+breath|breathless|hard)\s+(?:\w+\s+){0,3}(?:get|go|be|push|feel)\b"
    r"|(?:take|have|need)\s+a\s+(?:rest|break|breather)\b"
    # Minutes asked for ("what does start low mean in actual minutes?").
    r"|how\s+many\s+minutes\b|\bin\s+(?:actual\s+|real\s+)?minutes\b"
    r"|(?:do|doing|get|getting)\s+enough\b|enough\s*[?.!]*\s*$)",
    re.IGNORECASE,
)
# Fitting exercise into a day ("how can he fit exercise in?", "how do I fit a bit of activity
# into her day?"): when to exercise, a question of routine; not "fit in with the class".
FITTING_IN = re.compile(r"\bfit(?:ting)?\s+(?:\w+\s+){0,4}in(?:to)?\b(?!\s+with)", re.IGNORECASE)
# Strength training's topic: what its measures are asked of ("how many sets then?", "how heavy
# should I go?"), not routines in general, and what exercises for a part of the body with no
# topic of its own ("which exercises for the legs?") do.
STRENGTHENING = "strength_training"
STRENGTH_MEASURES = re.compile(r"\bhow\s+(?:many\s+sets|heavy)\b", re.IGNORECASE)
# Asking whether it is too late to start ("she's 74, is it too late for her?"): how to start.
TOO_LATE = re.compile(r"\btoo\s+(?:late|old)\b", re.IGNORECASE)
# How soon exercise does good ("how long before it helps?", "how soon would I feel it working?"):
# its benefits, whose entry tells how soon the studies saw gains, not how long a session should be.
HOW_SOON_IT_HELPS = re.compile(
    r"\bhow\s+(?:long|soon|quickly|fast)\b[^?.!]*\b(?:helps?|helping|works?|working|see|notice"
    r"|results?"
    r"|progress|improve\w*|stronger|difference|benefit\w*|comes?\s+back|coming\s+back)\b",
    re.IGNORECASE,
)
# Asking where to read more ("where can he read more about pacing himself?"): the resources.
READS_MORE = re.compile(
    r"\b(?:read|learn|find\s+out)\s+more\b|\bwhere\s+(?:can|could|do|should)\s+\w+\s+(?:read|learn)\b",
    re.IGNORECASE,
)
# Finding a professional who knows the disease ("how do you find one who actually knows it?"
# after naming a physio): who can help.
FINDS_SOMEONE = re.compile(
    r"\b(?:find|get|see)\s+(?:one|someone|somebody|a\s+\w+)\s+who\b", re.IGNORECASE
)
# Asking who shows or teaches the exercises ("who shows you how to do them properly?"), however
# the classifier read it: who can help.
WHO_SHOWS = re.compile(
    r"\bwho\s+(?:\w+\s+){0,2}(?:shows?|showed|teach(?:es)?|taught|guides?|supervises?|trains?)\b",
    re.IGNORECASE,
)
# Someone helping someone ("how can I help her get some exercise?", "can I help him with his
# exercises?", "my wife wants to know how she can help me"): a carer asking how to start, not
# whether exercise helps ("will they help her?" asks that, of exercises or of professionals).
HELPS_SOMEONE = re.compile(
    r"\b(?:i|we|she|he)\s+(?:\w+\s+){0,2}help\s+(?:me|us|her|him|them|my)\b"
    r"|\bhow\s+(?:to|(?:do|can|could)\s+(?:i|we|she|he))\s+help\b",
    re.IGNORECASE,
)
# Asking which exercises ("what exercises helped you most?"): the kinds of exercise.
WHICH_EXERCISES = re.compile(
    r"\b(?:what|which)\s+(?:(?:kinds?|sorts?|types?)\s+of\s+)?exercises?\b", re.IGNORECASE
)
# Asking which kinds there are ("is there a menu of different kinds of movement I can pick from?").
KINDS_OF = re.compile(
    r"\b(?:kinds?|sorts?|types?|menu|list)\s+of\s+(?:\w+\s+)?(?:exercises?|movements?|activity"
    r"|activities|sports?)\b",
    re.IGNORECASE,
)
# Asking for exercises for something ("whats the best exercise for...?", "any exercises to...?").
EXERCISES_FOR = re.compile(
    r"\b(?:best|good|any|some)\s+exercises?\b|\bexercises?\s+(?:for|to|that)\b", re.IGNORECASE
)
# The everyday moves weak thigh and hip muscles make hard: getting up out of a chair or off the
# floor, climbing stairs. Exercises for them are strengthening exercises.
EVERYDAY_MOVES = re.compile(
    r"\b(?:get(?:ting)?|stand(?:ing)?|push(?:ing)?)\s+(?:(?:myself|herself|himself|her|him)\s+)?"
    r"up\s+(?:out\s+of|from|off)\b"
    r"|\bout\s+of\s+(?:a|the|my|her|his|low)\s+(?:\w+\s+)?(?:chairs?|seats?|car|bed)\b"
    r"|\b(?:up|climb(?:ing)?)\s+(?:the\s+|a\s+flight\s+of\s+)?stairs\b",
    re.IGNORECASE,
)
# An everyday task told hard in a follow-up ("what about stairs, she finds them so hard"): the
# strength it takes is what is asked.
EVERYDAY_TASK = re.compile(
    r"\b(?:stairs|steps|kerbs?|curbs?|chairs?|getting\s+up|get\s+up|standing\s+up)\b",
    re.IGNORECASE,
)
TOLD_HARD = re.compile(
    r"\b(?:hard|harder|struggl\w*|difficult|tough|can'?t\s+manage|weak(?:er|ness)?)\b",
    re.IGNORECASE,
)
# Days when the disease is worse ("and on the bad days?", "what do I do on days like that?"):
# planning exercise around them is a question of routine and rest.
BAD_DAYS = re.compile(
    r"\b(?:bad|off|rough|worse|tired|low)\s+days?\b|\bdays?\s+like\s+(?:that|this|those)\b",
    re.IGNORECASE,
)
# A body part told to be weak in a follow-up ("what about the swing, my shoulders are still
# weak?"): strengthening it is what is asked.
WEAK = re.compile(r"\bweak(?:er|ness)?\b", re.IGNORECASE)
# A part of the body told as tight or stiff ("and the backs of my knees feel tight too"): what
# stretching is for.
STIFF = re.compile(
    r"\b(?:tight(?:er|ness)?|stiff(?:er|ness)?|(?:won'?t|can'?t|cannot)\s+straighten)\b",
    re.IGNORECASE,
)
STRETCHING = "stretching"
# Asking whether an everyday activity counts as exercise ("does an hour of weeding count as my
# exercise?", "would playing guitar count?"): the kinds of exercise answer it.
COUNTS_AS_EXERCISE = re.compile(
    r"\bcounts?\s+(?:as|towards?)\b|\bcount\s*[?.!]*\s*$", re.IGNORECASE
)
# Topics that answer a condition on whatever is being discussed ("and on steroids?", "is that ok
# in a flare?"): after one, "how do we build her back up?" is still about the subject before it.
CONDITION_TOPICS = frozenset({"flares_and_steroids"})
# Intents of messages the classifier could place nowhere: "you" in them is not the assistant
# ("did you find it helped?" on a forum), unlike in chat ("can you do that?").
UNPLACED = frozenset({FALLBACK_INTENT, "out_of_scope"})
# Entities whose topic outranks a broad intent, in order: what is named first decides.
NAMED_LABELS = ("exercise_type", "body_part", "concern")
# The named words that say which exercise a question is on (a concern says how someone is).
EXERCISE_LABELS = NAMED_LABELS[:2]
# Kinds of exercise done to a part of the body: strengthening or stretching a body part with a
# topic of its own ("exercises to strengthen the throat", "stretches for my fingers") is that
# topic; swimming with weak hands is still swimming.
DONE_TO_A_BODY_PART = frozenset({"strength_training", "stretching"})
# A concern is the weakest: a subtype with a topic of its own (IBM, JDM, IMNM) outranks it.
WEAKEST_NAMED = "concern"
# Subtypes' own topics written for people the other topics' studies left out: children (JDM).
# A child's routine, tiredness or start is answered from the children's topic, not from advice
# drawn from studies in adults.
OWN_AUDIENCE = frozenset({"children_jdm"})
# The adults' topics a question about such a child may be given when it names no exercise.
ADULT_READINGS = COARSE_TOPICS | {"routine_and_rest", "pain_fatigue_ck"}
# The exercise a child takes part in as sport or play (running, dancing, a walk round the
# shops): for a child with JDM, the children's topic, whose studies were done in children,
# answers it. Training a child is asked of its kind ("what strength training can she do?").
CHILDS_PLAY = frozenset({"aerobic_exercise"})
# A question someone asks of themselves: a grown-up who had JDM as a child asking "could I take
# up running?" asks as an adult.
ASKS_FOR_ONESELF = re.compile(r"\b(?:i|i'm|im|i've|ive|me)\b", re.IGNORECASE)
# Words that bear out a pregnancy reading without claiming every question that uses them ("I
# wasn't expecting that"): with none of these or of the topic's claims, "I look after my mum"
# read as a pregnancy question takes the classifier's next reading.
PREGNANCY_INTENT = "ask_pregnancy"
BEARS_OUT_PREGNANCY = re.compile(r"\b(?:expecting|bump|due\s+in|pregnan\w*)\b", re.IGNORECASE)
# How far down the classifier's ranking a second reading may come from: its top three.
SECOND_READINGS = 3


@dataclass(frozen=True)
class Question:
    """One question sentence of a message that asks several, with the entities found in it."""

    text: str
    entities: Mapping[str, str]


def subject_of(answered: Sequence[str]) -> str | None:
    """The subject a conversation is on: its latest answered topic that is not only an aspect.

    After "can I swim?", "how often?" (routine and rest) and "is it ok for teenagers too?", the
    teenagers question is about swimming, not about routines; after "and on steroids?", the
    next follow-up is still about swimming. With no subject yet, the latest topic (an aspect or
    a condition asked first, "I'm on prednisone, can I exercise?") is the subject.
    """
    for left_out in (ASPECT_TOPICS | CONDITION_TOPICS, ASPECT_TOPICS, frozenset[str]()):
        subjects = [t for t in answered if t not in left_out]
        if subjects:
            return subjects[-1]
    return None


class Router:
    """Resolves topics with the vocabulary's entity-to-topic links and the topics' claims."""

    def __init__(
        self,
        vocabulary: Vocabulary,
        claims: Mapping[str, Sequence[str]] | None = None,
        tailored: Mapping[str, frozenset[str]] | None = None,
    ) -> None:
        self.vocabulary = vocabulary
        # The subtypes each topic has entries of its own for (beyond those for all).
        self._tailored = tailored or {}
        # The topics bound to one body part (the hands, the throat).
        self._body_bound = frozenset(
            t.topic for t in vocabulary if t.label == "body_part" and t.topic is not None
        )
        self._claims = {
            topic: re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b", re.IGNORECASE)
            for topic, words in (claims or {}).items()
            if words
        }

    def topic_for(
        self,
        intent: str,
        entities: Mapping[str, str],
        last_topic: str | None = None,
        text: str = "",
        focus: Mapping[str, str] | None = None,
        subtype: str | None = None,
        ranked: Sequence[str] = (),
        question: Question | None = None,
    ) -> str | None:
        """Return the topic a message asks about, or None when it asks about none.

        A follow-up such as "what about swimming?" names an exercise type and goes to its topic;
        "and for IBM?" keeps the last topic (the subtype then tailors the answer). A topic that
        claims a word in the text (pregnancy) takes any exercise question that uses it. A named
        kind of exercise outranks a broad intent, and turns a short message the classifier was
        unsure of ("bike?") into a question about it; so does a subtype with a topic of its own
        ("parents of kids with JDM, how did you...?"), named or remembered (``subtype``). A short
        question that leans on the conversation (`bot.follow_up`) continues the last topic when
        the classifier gave it only a broad topic ("is it ok for my son too?"), no subject or a
        chat intent ("is that normal?", "can he keep playing?"). ``focus`` holds the entities of
        the question sentence of a long message (default: all of them): only those outrank an
        intent, so that a word in the story before the question does not decide; ``question`` is
        the last sentence that asks (even one that points back at the story; the main one of a
        message that asks several), and a question asking for the studies in its own words gets
        them ("is there proof...?"); ``ranked`` holds the intents the classifier gave a fair
        chance, likeliest first. A follow-up that names nothing asks the aspect (how much, who can
        help) the classifier saw next, if it saw one. A child's routine, tiredness or start goes
        to the children's topic (`OWN_AUDIENCE`) when the question names no exercise and the
        topic has no entries of its own for children; so do a child's sport and play
        (`CHILDS_PLAY`), named or not.
        """
        topic = self._resolved(intent, entities, last_topic, text, focus, subtype, ranked, question)
        meant = entities.get("myositis_type") or subtype or ""
        audience = self._own({"myositis_type": meant})
        if (
            audience in OWN_AUDIENCE
            and topic in CHILDS_PLAY
            and topic != last_topic
            and not ASKS_FOR_ONESELF.search(question_clause(text))
        ):
            # "our 16 year old's JDM has come back, can she keep dancing?"; "and for JDM?" after
            # an answer on aerobic exercise tailors that answer.
            return audience
        asked = entities if focus is None else focus
        if topic not in ADULT_READINGS or any(
            self.vocabulary.topic_for(label, asked.get(label)) not in (None, *COARSE_TOPICS)
            for label in EXERCISE_LABELS
        ):
            # A named kind of exercise keeps its topic; an everyday activity or sport ("can he
            # still play football at school?") leads only to the kinds in general, which the
            # children's topic answers better for a child.
            return topic
        # A topic with entries of its own for the child ("and for JDM?" after exercise safety)
        # is tailored to the child, not left.
        if audience not in OWN_AUDIENCE or self._tailored_to(str(topic), meant):
            return topic
        return audience

    def _resolved(
        self,
        intent: str,
        entities: Mapping[str, str],
        last_topic: str | None,
        text: str,
        focus: Mapping[str, str] | None,
        subtype: str | None,
        ranked: Sequence[str],
        question: Question | None,
    ) -> str | None:
        """The topic from intent, entities and context, as `topic_for` describes."""
        # The clause that asks, in the question sentence if there is one.
        clause = question_clause(text if question is None else question.text)
        # The entities of the question sentence (of the whole message when it has none).
        in_question = entities if focus is None else focus
        if (
            intent in GUIDANCE_INTENTS | CHAT_FOLLOW_UPS | {FALLBACK_INTENT}
            and "myositis_type" in entities
            and last_topic
            and (asks_whether_it_changes(text) or corrects_the_subtype(text))
        ):
            # A subtype corrected or added ("it's actually IMNM now, does that change things?",
            # "sorry, the neurologist says it's IBM not poly", "sorry not DM, it's anti-SRP"
            # read as "no"): its own topic, or the last one again, tailored to it.
            return self._own(entities) or last_topic
        if intent in GUIDANCE_INTENTS or intent == FALLBACK_INTENT:
            claimed = self._claimed(text)
            if claimed:
                return claimed
            if question is not None and RESEARCH_WORDS.search(clause):
                # "is there proof exercise doesn't push CK up?": the studies are what it asks.
                return TOPIC_INTENTS["ask_research_evidence"]
            if READS_MORE.search(clause):
                return TOPIC_INTENTS["ask_resources"]
            if "professional" in entities and FINDS_SOMEONE.search(clause):
                return TOPIC_INTENTS["ask_which_professional"]
            if COUNTS_AS_EXERCISE.search(clause) and not self._named(in_question):
                # An activity no kind of exercise names ("does weeding count?"): the kinds, or
                # the subtype's own topic for someone who has one.
                return self._own(entities) or self._kinds_for(subtype)
        if (
            last_topic is not None
            and intent in UNPLACED | CHAT_FOLLOW_UPS | {FOLLOW_UP_INTENT}
            and tells_a_steroid_condition(text)
        ):
            # "I'm still on 20mg though" after an answer: does it hold on steroids?
            return TOPIC_INTENTS["ask_flares_steroids"]
        named = self._named(in_question)
        # A subtype with a topic of its own (IBM, JDM, IMNM) decides after a named exercise.
        own = self._own(entities)
        if (
            named is None
            and self._broad(intent)
            and (asks_for_another(text) or (intent not in TOPIC_INTENTS and asks_what_to_do(text)))
        ):
            # "what should I do instead?": the other kinds of exercise, not the one discussed; so
            # does "what could I do at home then?" when the classifier found no topic in it.
            return own or self._kinds_for(subtype)
        if (
            named is None
            and "professional" not in entities
            and self._broad(intent)
            and HELPS_SOMEONE.search(clause)
        ):
            # A carer asking how to help ("how can I help him with exercises at home?", "how do
            # I help him do them?"), however the classifier read it: how to start.
            return TOPIC_INTENTS["ask_getting_started"]
        if intent == PREGNANCY_INTENT and not BEARS_OUT_PREGNANCY.search(text):
            # No claimed word either (claims were checked first): the next reading decides.
            following = _next_intent(intent, ranked, GUIDANCE_INTENTS)
            if following is not None:
                rest = [i for i in ranked if i != intent]
                return self._resolved(
                    following, entities, last_topic, text, focus, subtype, rest, question
                )
        if intent in TOPIC_INTENTS:
            topic = TOPIC_INTENTS[intent]
            if topic == TOPIC_INTENTS["ask_routine"] and HOW_SOON_IT_HELPS.search(clause):
                # "how long before it helps?" asks when the good comes, after any kind of
                # exercise: its benefits, not how long to exercise.
                return TOPIC_INTENTS["ask_exercise_benefits"]
            if topic == TOPIC_INTENTS["ask_routine"] and STRENGTH_MEASURES.search(clause):
                return STRENGTHENING
            # "how many days before?" after an answer on CK tests: before the test, no routine.
            if (
                topic in ASPECT_TOPICS
                and last_topic is not None
                and last_topic not in ASPECT_TOPICS
                and before_or_after_it(text)
            ):
                return last_topic
            beyond = self._asked_beyond_aspect(topic, question)
            if beyond:
                return beyond
            if self._subtype_says_more(topic, named, own, entities):
                return own
            if topic not in NAMED_OUTRANKS:
                return topic
            decided = named or (own if topic in COARSE_TOPICS else None)
            if decided or topic not in COARSE_TOPICS:
                return decided or topic
            if TOO_LATE.search(clause):
                # "she's 74, is it too late for her?" after an answer: whether to start at all,
                # whatever the subject was.
                return TOPIC_INTENTS["ask_getting_started"]
            # "will exercise make it worse?" after an answer on aches: the aches, not exercise
            # safety in general.
            if last_topic is not None and last_topic not in COARSE_TOPICS and joins_on(text):
                return last_topic
            # "which exercises for my legs?" from someone who said they have IBM: the IBM topic.
            return (
                self._own({"myositis_type": subtype} if subtype else {})
                or _asked_within(topic, clause, entities)
                or topic
            )
        if intent in UNSURE_INTENTS | CHAT_FOLLOW_UPS | {BOT_CHALLENGE} and asks_something(text):
            # "is aqua natal alright" read as "are you a bot?": a claimed word decides.
            claimed = self._claimed(text)
            if claimed:
                return claimed
        if intent in UNSURE_INTENTS:
            # "for those of you with IBM, did exercise help?": the subtype's own topic.
            return (
                named
                or own
                or self._unknown_activity(text, subtype)
                or self._other_body_part(entities, last_topic, subtype)
                or self._continued(intent, last_topic, text)
                # "how do you tell when you're over exercising?" read as chat: how much.
                or (TOPIC_INTENTS["ask_routine"] if asks_how_much(clause) else None)
                # "what do I tell the instructor?", "who shows you how to do them?": who can help.
                or (
                    TOPIC_INTENTS["ask_which_professional"]
                    if ("professional" in in_question and asks_something(text))
                    or WHO_SHOWS.search(clause)
                    else None
                )
            )
        if intent in CHAT_FOLLOW_UPS:
            # "hi, can you help with my husband's hands?": a greeting that asks about what it
            # names; "I cant swim though" after an answer sets a condition on what it names.
            if named and (
                asks_something(text)
                or (last_topic is not None and (objects(text) or joins_on(text)))
            ):
                # "pilates too or is that a no" read as "no": a question on pilates.
                return named
            return self._unknown_activity(text, subtype) or self._continued(
                intent, last_topic, text
            )
        if intent == BOT_CHALLENGE:
            # "is boxing ok?" read as "are you a bot?": a question on an activity.
            return self._unknown_activity(text, subtype)
        if intent in ENTITY_INTENTS:
            label, default = ENTITY_INTENTS[intent]
            # "would it be ok for my daughter too?": the question names nothing, the last did.
            continued = last_topic if last_topic is not None and joins_on(text) else None
            # The question sentence's own word first: "Can I do pilates? I walk a lot." is about
            # pilates, whatever the story names after it.
            asked = focus if focus is not None and label in focus else entities
            direct = self.vocabulary.topic_for(label, asked.get(label))
            if label == "exercise_type":
                # "my son has JDM, can he go to the trampoline park?"
                direct = self._narrowed(self._on_body_part(direct, asked), own)
            # The intent rests on a word of the kind it needs; with none left ("I can walk to
            # the mailbox and back. Where do I start?"), the classifier's next reading decides
            # ("my son with JDM used to play basketball. when can he start again?").
            second = None if label in entities else self._second_reading(intent, ranked)
            return (
                direct
                or named
                or continued
                or self._narrowed(second, own)
                # "she has IBM, could physical therapy get her walking again?"
                or own
                or _asked_within(default, clause, entities)
                or default
            )
        if intent != FOLLOW_UP_INTENT:
            return None
        # "and my hands?": a named kind of exercise or a body part with a topic of its own.
        if named:
            return named
        if "professional" in in_question and not tells_what_was_said(text):
            # Named in the question, not in the story after it ("what about boxing? my old
            # boxing trainer pushed me hard"), nor as who told the news ("the neurologist says
            # it's IBM, not poly").
            return TOPIC_INTENTS["ask_which_professional"]
        # A body part told weak or tight ("and my knees feel tight too"): what it needs, even
        # after a topic bound to another part of the body.
        need = _what_the_body_part_needs(in_question, text)
        if need:
            return need
        other = self._other_body_part(entities, last_topic, subtype)
        if other:
            return other
        if "myositis_type" in entities:
            return self._for_the_subtype(last_topic, entities)
        if HOW_SOON_IT_HELPS.search(clause):
            # "how soon would I feel it working?" after an answer on a kind of exercise.
            return TOPIC_INTENTS["ask_exercise_benefits"]
        if BAD_DAYS.search(clause) or asks_how_much(clause):
            # "and on bad days?", "what tells me I've pushed it too far?": how much, whatever
            # the subject was.
            return TOPIC_INTENTS["ask_routine"]
        # "how do I know if she's overdoing it?" after an answer on strength: how much (the
        # aspect the classifier saw next), not strength again; but "how many days before?" after
        # an answer on CK tests is still about the test.
        # A statement asks no aspect ("she can only really manage sitting down").
        following = next((i for i in ranked if i != intent), None)
        if (
            following in ASPECT_INTENTS
            and last_topic is not None
            and asks_something(text)
            and not before_or_after_it(text)
        ):
            return TOPIC_INTENTS[following]
        # "what about kayaking?" after an answer on swimming: kayaking, not more on swimming.
        return self._unknown_activity(text, subtype) or last_topic

    def _tailored_to(self, topic: str, subtype: str | None) -> bool:
        """Whether ``topic`` has entries of its own for ``subtype`` (beyond those for all)."""
        return subtype in self._tailored.get(topic, frozenset())

    def _subtype_says_more(
        self, topic: str, named: str | None, own: str | None, entities: Mapping[str, str]
    ) -> bool:
        """Whether a subtype named with a question the intent alone placed outranks that intent.

        "I kept going to HIIT after the IBM diagnosis and was wiped out for days. what should I
        be doing instead?" reads as tiredness, but the question names nothing of it: for a
        subtype whose own topic says how far the general advice holds (IBM, IMNM), and a topic
        with nothing tailored to it, the subtype's own topic answers better. A question that
        names a kind of exercise, a body part or a concern keeps it.
        """
        return (
            own is not None
            and own not in OWN_AUDIENCE
            and named is None
            and topic not in NAMED_OUTRANKS | ASPECT_TOPICS
            and not self._tailored_to(topic, entities.get("myositis_type"))
        )

    def _for_the_subtype(self, last_topic: str | None, entities: Mapping[str, str]) -> str | None:
        """The topic of a follow-up that only names a subtype ("same for IBM?", "and for JDM?").

        The last topic again, tailored to the subtype; but an aspect (who can help, how often)
        with nothing of its own for that subtype would only repeat itself, so a subtype with a
        topic of its own is answered from that topic.
        """
        meant = entities["myositis_type"]
        own = self._own(entities)
        if last_topic is None or (
            own is not None
            and last_topic in ASPECT_TOPICS
            and not self._tailored_to(last_topic, meant)
        ):
            return own or self.vocabulary.topic_for("myositis_type", meant)
        return last_topic

    def _other_body_part(
        self, entities: Mapping[str, str], last_topic: str | None, subtype: str | None
    ) -> str | None:
        """The kinds of exercise, for a body part named after a topic bound to another one.

        "and for my legs?" or "what can he do for his legs?" after an answer on swallowing or
        hand exercises asks about exercise for the legs, not more on the throat or the hands.
        """
        if "body_part" in entities and last_topic in self._body_bound:
            return self._kinds_for(subtype)
        return None

    def _asked_beyond_aspect(self, topic: str, question: Question | None) -> str | None:
        """The topic the question sentence names, when the intent gave only an aspect of it.

        "I walk every day and do yoga twice a week. Is that enough or should I add weights?" is
        classified as a question on routines (the story is all routine) but asks about weights:
        the question sentence's own word decides. A question that asks only the aspect ("I have
        DM. How often should I lift weights?") or asks for it in its own words ("is there
        research on weights?", "which physio for weights?") keeps it; who can help, read in a
        question that asks for no one, gives way to the subtype's own topic too. (Resources need
        no such rule: a named topic has its own reading, such as the hand exercise videos.)
        """
        if (
            topic not in ASPECT_TOPICS
            or question is None
            or ONLY_HOW_OR_WHY.search(question.text)
            or _in_own_words(topic, question)
        ):
            return None
        named = self._named(question.entities)
        if named or topic != TOPIC_INTENTS["ask_which_professional"]:
            return named
        # "can I do a programme at home with IBM or do I need a gym?", read as who can help,
        # asks for no one: the subtype's own topic, if it has one.
        return None if ASKS_FOR_SOMEONE.search(question.text) else self._own(question.entities)

    @staticmethod
    def _second_reading(intent: str, ranked: Sequence[str]) -> str | None:
        """The topic of the classifier's next likeliest topic intent after ``intent``, if any."""
        following = _next_intent(intent, ranked, TOPIC_INTENTS)
        return None if following is None else TOPIC_INTENTS[following]

    def _claimed(self, text: str) -> str | None:
        """The topic that claims a word of ``text`` ("pregnant"), if any."""
        return next((t for t, words in self._claims.items() if words.search(text)), None)

    def deciding_topic(self, question: Question) -> str | None:
        """The topic one question names by its own words, whatever the message's intent.

        A claimed word, a kind of exercise, a body part, a professional or a subtype with a
        topic of its own: the same words that outrank a coarse intent in `topic_for`.
        """
        entities = question.entities
        return (
            self._claimed(question.text)
            or self._named(entities)
            or (TOPIC_INTENTS["ask_which_professional"] if "professional" in entities else None)
            or self._own(entities)
        )

    def _named(self, entities: Mapping[str, str]) -> str | None:
        """The topic of a named kind of exercise, body part or concern ("swimming", "grip"), if any.

        An everyday activity ("trampolining", "croquet") leads only to the kinds of exercise in
        general; a subtype with a topic of its own, named with it, says more ("our girl has JDM,
        is trampolining ok?" is about exercise for a child with JDM). A concern (a symptom, a
        blood test, a treatment) comes last: "is swimming ok when I'm sore?" is about swimming,
        "does exercise help with the fatigue?" about fatigue.
        """
        label, named = next(
            (
                (label, topic)
                for label in NAMED_LABELS
                if (topic := self.vocabulary.topic_for(label, entities.get(label)))
            ),
            (None, None),
        )
        if label == WEAKEST_NAMED:
            # "my CK has come down with IMNM, can I go to the gym?": the subtype says more.
            return self._own(entities) or named
        named = self._on_body_part(named, entities)
        return self._narrowed(named, self._own(entities))

    def _on_body_part(self, topic: str | None, entities: Mapping[str, str]) -> str | None:
        """The topic of a body part strengthened or stretched, if it has one; else ``topic``."""
        if topic not in DONE_TO_A_BODY_PART:
            return topic
        return self.vocabulary.topic_for("body_part", entities.get("body_part")) or topic

    @staticmethod
    def _broad(intent: str) -> bool:
        """Whether ``intent`` says no more than that the message is about exercise or follows on."""
        return (
            intent in ENTITY_INTENTS
            or intent in UNSURE_INTENTS
            or intent in CHAT_FOLLOW_UPS
            or intent == FOLLOW_UP_INTENT
            or TOPIC_INTENTS.get(intent) in COARSE_TOPICS
        )

    @staticmethod
    def _narrowed(topic: str | None, own: str | None) -> str | None:
        """A broad topic, given way to a named subtype's own topic (IBM, JDM, IMNM) if there is one.

        A subtype with a topic of its own says more than a broad reading or an everyday activity.
        """
        return (own or topic) if topic in COARSE_TOPICS else topic

    def _own(self, entities: Mapping[str, str]) -> str | None:
        """The topic of a named subtype that has one of its own (IBM, JDM, IMNM), if any."""
        own = self.vocabulary.topic_for("myositis_type", entities.get("myositis_type"))
        return own if own not in COARSE_TOPICS else None

    def main_question(
        self, intent: str, questions: Sequence[Question], topics: Sequence[str | None]
    ) -> Question:
        """The question to answer when a message asks several: the first, as a rule.

        People usually put what matters most first. But the classifier read the whole message,
        so when its intent, applied to the words of a later question, leads to that question's
        topic and not to the first's ("Is swimming safe? And who can help me plan it?" classified
        as asking who can help), the classifier has clearly picked the later one.
        """
        for question, topic in zip(questions, topics, strict=True):
            if (
                topic is not None
                and self.topic_for(intent, question.entities, None, question.text) == topic
            ):
                return question
        return questions[0]

    def _unknown_activity(self, text: str, subtype: str | None) -> str | None:
        """The topic for a short question on an activity the vocabulary does not know.

        "is trampolining ok?" is a question about a kind of exercise: the kinds of exercise in
        general answer it, or the subtype's own topic for someone who named one (JDM).
        """
        if not names_an_activity(text):
            return None
        return self._kinds_for(subtype)

    def _kinds_for(self, subtype: str | None) -> str:
        """The kinds of exercise, or the subtype's own topic for someone who has one (JDM)."""
        return (
            self._own({"myositis_type": subtype} if subtype else {})
            or TOPIC_INTENTS["ask_exercise_types"]
        )

    @staticmethod
    def _continued(intent: str, last_topic: str | None, text: str) -> str | None:
        """The last topic, when a short question the classifier could not place leans on it.

        "show me some", "why?", "is that normal?", "can he keep playing?" (`bot.follow_up`).
        Chat that speaks to the assistant ("can you do that?") is not a follow-up.
        """
        if last_topic is None or (intent not in UNPLACED and about_the_assistant(text)):
            return None
        return last_topic if leans_back(text) else None

    def button_payload(self, topic: str) -> str:
        """Return the message a button for ``topic`` sends, in Rasa's ``/intent{...}`` form."""
        for intent, target in TOPIC_INTENTS.items():
            if target == topic:
                return f"/{intent}"
        for intent, (label, _default) in ENTITY_INTENTS.items():
            value = self.vocabulary.value_for_topic(label, topic)
            if value is not None:
                return f"/{intent}{json.dumps({label: value})}"
        raise KeyError(f"no intent leads to topic '{topic}'")


def _asked_within(broad: str, clause: str, entities: Mapping[str, str]) -> str | None:
    """The topic a broad reading's question clause asks by its wording, if it shows one.

    "I exercise daily, is that too much?" asks how much, not whether at all, "how can he fit
    exercise in?" when, and "what do I do on bad days?" how to plan around them; "how quickly
    should strength come back?" asks for the benefits; "which exercises for the legs?" or for
    getting out of a chair asks for strengthening, and so does "how heavy?"; "help" read as
    exercise helping asks which kinds when it asks which ("what exercises helped you most?"), and
    any broad reading does when it asks for the kinds of movement; "is it too late for her?" asks
    how to start.
    """
    if HOW_SOON_IT_HELPS.search(clause):
        return TOPIC_INTENTS["ask_exercise_benefits"]
    if asks_how_much(clause) or BAD_DAYS.search(clause):
        return TOPIC_INTENTS["ask_routine"]
    if ("body_part" in entities or EVERYDAY_MOVES.search(clause)) and (
        WHICH_EXERCISES.search(clause) or EXERCISES_FOR.search(clause)
    ):
        # "which exercises for the legs?", "the best exercise for getting up out of a chair?":
        # exercises that strengthen them.
        return STRENGTHENING
    if STRENGTH_MEASURES.search(clause):
        # "how heavy is sensible, can I go back to what I used to lift?"
        return STRENGTHENING
    if KINDS_OF.search(clause) or (
        broad == TOPIC_INTENTS["ask_exercise_benefits"] and WHICH_EXERCISES.search(clause)
    ):
        return TOPIC_INTENTS["ask_exercise_types"]
    if TOO_LATE.search(clause):
        return TOPIC_INTENTS["ask_getting_started"]
    return None


def _what_the_body_part_needs(entities: Mapping[str, str], text: str) -> str | None:
    """What a body part told weak (strengthening) or tight (stretching) needs.

    An everyday task told hard ("she finds the stairs so hard") needs strengthening too.
    """
    if "body_part" not in entities:
        # "what about stairs, she finds them so hard": strengthening for the task.
        told_hard = EVERYDAY_TASK.search(text) and TOLD_HARD.search(text)
        return STRENGTHENING if told_hard else None
    if WEAK.search(text):
        return STRENGTHENING
    return STRETCHING if STIFF.search(text) else None


def asks_how_much(clause: str) -> bool:
    """Whether a question clause asks how much or when to exercise (a question of routine)."""
    return bool(HOW_MUCH_WORDS.search(clause) or FITTING_IN.search(clause))


def _in_own_words(aspect: str, question: Question) -> bool:
    """Whether ``question`` asks for the aspect by its own words (a study, a physio)."""
    if aspect == TOPIC_INTENTS["ask_which_professional"]:
        return "professional" in question.entities
    return aspect == TOPIC_INTENTS["ask_research_evidence"] and bool(
        RESEARCH_WORDS.search(question.text)
    )


def _next_intent(intent: str, ranked: Sequence[str], among: Collection[str]) -> str | None:
    """The classifier's next likeliest intent of those ``among`` after ``intent``, if any."""
    return next((i for i in ranked[:SECOND_READINGS] if i != intent and i in among), None)
