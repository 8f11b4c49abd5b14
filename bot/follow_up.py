"""Whether a message leans on the conversation before it, read from its wording alone.

People rarely repeat what they are talking about: after an answer on swimming they ask "is it
safe in a flare?", "and for my daughter?", "can he keep going?", "why?", "what if it hurts?".
The classifier sees one message at a time and often files such questions under chat ("is that
normal?" read as "no"), so the router needs to know from the words that a question continues
the last topic. Each pattern here is a class of wording, not a sentence.
"""

from __future__ import annotations

import re

from bot.nlp.childhood import CHILDREN
from bot.nlp.english import NEGATIVE_QUESTION_WORDS

# A pronoun or determiner that points back ("how do I get it?", "show me some", "could I join
# the same class?"). "it" before "to" is no pointer: "is it safe to exercise?" asks afresh, and
# neither is "the same week as my infusion", nor "is it too late for physio to help?".
POINTS_BACK = re.compile(
    r"\b(?:it(?!\s+(?:\w+\s+){0,2}to\b)(?!\s+too\s+late\b)|that|this|they|them|those|these|ones"
    r"|same(?!\s+(?:\w+\s+)?as\b)"
    # "am I mad?": judging what was just told, as "is that mad?" does.
    r"|am\s+i\s+(?:being\s+)?(?:mad|crazy|daft|silly|nuts|stupid|unrealistic)"
    # "what actually happens at a session?": a session of the kind said before.
    r"|(?:a|the|each|every|per)\s+sessions?"
    # "what should I be doing there?": a place said before, not "is there...?" nor "there is".
    r"|(?<!is )(?<!are )(?<!hi )(?<!hey )(?<!hello )there(?=\s*[?!.]*\s*$)"
    # "show me some", "which one?", "some of those": pronouns; "some support", "one exercise":
    # determiners of a noun, pointing at nothing said before.
    r"|(?:some|one)(?!\s+(?!(?:of|more|too|as|then|again|now|please|other|else|i|you|he|she"
    r"|we|they|that|which|who|for|to|with|in|on|at|from|like|or|and|but|if|is|are)\b)[a-z]))\b",
    re.IGNORECASE,
)
# "that" joining a clause, not pointing back: "now that I'm feeling better", "I read that...",
# "is it true that...?".
JOINING_THAT = re.compile(
    r"\b(?:now|so|such|given|provided|except|true|sure|think|thought|read|heard|said|says|know"
    r"|knew|mean|means|hope|believe|told|worried|afraid|scared|possible|likely|fact)\s+that\b",
    re.IGNORECASE,
)
# A clause that opens as a question, with or without its mark; it may open with a filler: "so how
# many days before do I stop".
OPENS_A_QUESTION = re.compile(
    r"^\s*(?:(?:so|and|but|ok|okay|then|well)\s+)?"
    r"(?:how|what|where|when|which|why|can|could|should|would|will|may|might|do|does"
    rf"|did|is|are|was|were|any|anyone|show|tell|give|{NEGATIVE_QUESTION_WORDS})\b",
    re.IGNORECASE,
)
# A clause that asks: it carries the mark, ends on a tag or opens as a question.
# A tag that turns a statement into a question without its mark: "pilates too or is that a no",
# "weights ok or not".
OR_NOT_TAG = r"\bor\s+(?:(?:is|are)\s+(?:that|it|they)(?:\s+\S+){0,4}|not|no)\s*[.!]*\s*$"
ASKS = re.compile(r"\?\s*$|" + OR_NOT_TAG + "|" + OPENS_A_QUESTION.pattern, re.IGNORECASE)
# A short tail naming who the question is for ("with polymyositis?", "for my DM?") is detail,
# though it carries the mark; "or cycle?" is part of the question.
DETAIL_TAIL = re.compile(r"^\s*(?:with|for|given|having|being)\b(?:\s+\S+){0,2}\s*$", re.IGNORECASE)
SHORT_FOLLOW_UP_WORDS = 8
# A follow-up question clause is short; a longer one brings its own subject.
FOLLOW_UP_CLAUSE_WORDS = 12
# Joining words that open an elliptical question ("and in a flare?", "even on steroids?",
# "what if it hurts?") or close one ("could she do it too?", "can I walk instead?"), or ask for
# another form of what came before ("an easier version?"): it adds to what came before.
JOINS_ON = re.compile(
    r"^\s*(?:and|but|or|even|also|plus|what\s+if|how\s+about|what\s+about)\b"
    r"|\b(?:too|as\s+well|also|either|then|instead)\s*[?.!,;]*\s*$"
    # "is there a seated version?", "any alternative?", "is there a seated way": another form of
    # what was discussed.
    r"|\b(?:version|versions|alternative|alternatives)\b"
    r"|\b(?:seated|sitting|chair|easier|gentler|simpler|lighter)\s+(?:way|one|option)\b",
    re.IGNORECASE,
)
# Someone else ("can he keep playing?", "would my wife manage it?"): a carer asking whether the
# answer just given applies to the person they look after.
SOMEONE_ELSE = re.compile(
    rf"\b(?:he|she|him|her|his|(?:my|our)\s+(?:\w+\s+)?(?:{CHILDREN}|kids|children|teen|"
    r"teenager|husband|wife|partner|mum|mom|mother|dad|father|parent|parents|friend|brother|"
    r"sister))\b",
    re.IGNORECASE,
)
# A question that asks only when, how much, how to tell or why, with no subject of its own ("how
# soon will I notice?", "why?", "how long does it last?", "how do I know when to stop?").
ONLY_HOW_OR_WHY = re.compile(
    r"^\s*(?:why|how\s+come|how\s+(?:soon|long|often|many|much|far|hard|quickly|fast|heavy)"
    r"|how\s+(?:do|will|would|can|could)\s+(?:i|we|you)\s+(?:know|tell))\b",
    re.IGNORECASE,
)
# A choice between two short options and nothing else ("morning or evening?", "indoors or
# out?"): the choice is about what was just discussed.
ONLY_A_CHOICE = re.compile(
    r"^\s*(?:\w+\s+){0,2}\w+\s+or\s+\w+(?:\s+\w+){0,2}\s*\?\s*$", re.IGNORECASE
)
# "you" in a chat intent is about the assistant ("what's your name?", "can you do that?").
ABOUT_THE_ASSISTANT = re.compile(r"\b(?:you|your|yours|yourself|bot|robot)\b", re.IGNORECASE)
SENTENCES = re.compile(r"(?<=[.!?,;])\s+")
# Words that ask for the rest of the last answer ("tell me more", "go on", "the long version").
MORE_WORDS = re.compile(
    r"\b(?:mo(?:re|er)|go\s+on|carry\s+on|keep\s+going|continue|rest\s+of|long(?:er)?\s+version"
    r"|details?|elaborate|expand)\b",
    re.IGNORECASE,
)
MORE_REQUEST_WORDS = 8


def refers_back(text: str) -> bool:
    """Whether words of ``text`` point at something said before ("is that ok?", "show me some").

    "now that I'm better" and "I read that..." join a clause; they point at nothing.
    """
    return POINTS_BACK.search(JOINING_THAT.sub(" ", text)) is not None


def points_back(text: str) -> bool:
    """Whether a short message refers to what was said before ("is that ok in a flare?")."""
    return len(text.split()) <= SHORT_FOLLOW_UP_WORDS and refers_back(text)


def question_clause(text: str) -> str:
    """The clause of a message that asks, or the whole message when no clause does.

    "is it safe for my son as well? he's 9" asks in its first clause; the rest is detail. So is a
    short tail that only carries the question mark ("is there a list of kinds of movement I can
    pick from, with polymyositis?"): the clause before it, which opens as a question, asks.
    """
    clauses = [c for c in SENTENCES.split(text.strip()) if c]
    asking = [c for c in clauses if ASKS.search(c)]
    if not asking:
        return text
    last = asking[-1]
    opening = [c for c in asking[:-1] if OPENS_A_QUESTION.search(c)]
    if DETAIL_TAIL.search(last) and opening:
        return opening[-1]
    return last


def asks_something(text: str) -> bool:
    """Whether a message asks a question ("hi, can you help with her hands?"), not only greets."""
    return ASKS.search(question_clause(text)) is not None


def joins_on(text: str) -> bool:
    """Whether a short question adds to the previous one: it points back or joins on.

    Strong evidence, enough to keep the last topic even over a broad intent ("is it ok for my
    daughter too?" classified as a general safety question).
    """
    clause = question_clause(text)
    if len(clause.split()) > FOLLOW_UP_CLAUSE_WORDS or not ASKS.search(clause):
        return False
    return refers_back(clause) or JOINS_ON.search(clause) is not None


def leans_back(text: str) -> bool:
    """Whether a short question can only be understood from the conversation before it.

    Weaker than `joins_on` on purpose: a question about someone else, asking only how long or
    why, or offering only a choice names no subject, so it continues the last one when nothing
    else places it.
    """
    if joins_on(text):
        return True
    clause = question_clause(text)
    if len(clause.split()) > FOLLOW_UP_CLAUSE_WORDS or not ASKS.search(clause):
        return False
    return any(p.search(clause) for p in (SOMEONE_ELSE, ONLY_HOW_OR_WHY, ONLY_A_CHOICE))


# A short remark set against the last answer ("I cant swim though", "but she hates the water"):
# a condition on the kind of exercise it names, though it asks nothing.
OBJECTS = re.compile(r"^\s*(?:but|although)\b|\b(?:though|tho)\s*[.!]*\s*$", re.IGNORECASE)


def objects(text: str) -> bool:
    """Whether a short statement sets a condition against the last answer ("I cant swim though")."""
    return _short_statement_like(text, OBJECTS)


# A short statement that adds to what was just discussed ("and the backs of my knees feel tight
# too", "she also can't sleep some nights because of the pain", "she still can't get up off low
# chairs").
ADDS_ON = re.compile(r"^\s*(?:and|also|plus)\b|\b(?:too|also|still|as\s+well)\b", re.IGNORECASE)


def adds_on(text: str) -> bool:
    """Whether a short statement adds something to the subject just discussed."""
    return _short_statement_like(text, ADDS_ON)


def _short_statement_like(text: str, pattern: re.Pattern[str]) -> bool:
    """Whether a whole message is short enough to follow on from the last answer and matches."""
    return len(text.split()) <= FOLLOW_UP_CLAUSE_WORDS and pattern.search(text) is not None


# A professional as the one who told something ("the neurologist says it's IBM, not poly"):
# where the news came from, not whom the message asks about.
TOLD_BY = re.compile(
    r"\b(?:says|said|told|tells|thinks|reckons|confirmed|agrees|agreed|diagnosed)\b",
    re.IGNORECASE,
)


def tells_what_was_said(text: str) -> bool:
    """Whether a statement passes on what someone said ("the neurologist says it's IBM")."""
    return TOLD_BY.search(text) is not None and not asks_something(text)


def asks_for_more(text: str) -> bool:
    """Whether a typed message only asks for more of the last answer ("more please", "go on").

    The classifier also files whole questions under "tell me more" ("do they know much about it
    yet?"): those ask something of their own and deserve an answer, not the last one's detail.
    """
    return len(text.split()) <= MORE_REQUEST_WORDS and MORE_WORDS.search(text) is not None


def about_the_assistant(text: str) -> bool:
    """Whether a message speaks to the assistant itself ("can you do that?", "are you a bot?")."""
    return ABOUT_THE_ASSISTANT.search(text) is not None


# A condition added to the last question ("and on steroids?", "even on a high dose?", "what if
# I'm on methotrexate?"): the same question, asked of someone on a treatment.
OPENS_A_CONDITION = re.compile(
    r"^\s*(?:and|but|or|even|also|still|what\s+if|how\s+about|what\s+about|on|while|whilst|with"
    r"|during|taking)\b",
    re.IGNORECASE,
)
UNDER_A_CONDITION = re.compile(r"\b(?:on|while|whilst|with|during|taking)\b", re.IGNORECASE)
# Asking only whether what was just told matters: "she's on a high dose of pred, does that
# matter?", "I'm taking methotrexate. Is that a problem?".
WHETHER_IT_MATTERS = re.compile(
    r"^\s*(?:and\s+|so\s+)?(?:does|would|will|could|can|is|might)\s+(?:that|this|it)\s+"
    r"(?:matter|make\s+(?:a|any)\s+difference|affect\s+(?:it|that|things)"
    r"|(?:change|alter)\s+(?:anything|things|it|that|(?:your|the)\s+(?:answer|advice))"
    r"|(?:be\s+)?(?:a|an)\s+(?:problem|issue))\b",
    re.IGNORECASE,
)
# Asking, in other words than whether it matters, whether what was just told changes the answer
# ("would you tell me something different if it's IBM?", "same advice for him?").
CHANGES_THE_ANSWER = re.compile(
    r"\b(?:would|will|do)\s+you\s+(?:tell|say|give)\s+(?:me\s+)?(?:something|anything)\s+"
    r"(?:different|else)\b"
    r"|\bis\s+(?:the|your)\s+(?:answer|advice)\s+(?:any\s+)?different\b"
    r"|\bsame\s+(?:advice|answer)\b",
    re.IGNORECASE,
)
# Telling a corrected or changed diagnosis: "actually it's IBM not poly", "sorry I got that wrong",
# "they changed my diagnosis to IBM". Said with a subtype, it corrects the one answered for.
CORRECTION = re.compile(
    r"\b(?:actually|got\s+(?:that|it)\s+wrong"
    r"|chang\w*\s+(?:my|his|her|their|the)\s+diagnosis|re-?diagnos\w*|turn(?:s|ed)\s+out"
    r"|(?:it's|its|it\s+is)\s+not\b|not\s+(?:poly\w*|pm|dm|dermato\w*|ibm|jdm|imnm)\b)",
    re.IGNORECASE,
)
# Taking more or less of a medicine ("should she take more or less of it?", "can I take extra
# on training days?"), not more of something named ("take more rest days").
TAKE_MORE_OR_LESS = (
    r"take\s+(?:more|less|extra)(?:\s+or\s+(?:more|less))?"
    r"(?=\s+of\s+(?:it|them|that|this)\b|\s*[?.!,]|\s*$|\s+(?:on|when|before|after|if)\b)"
)
# Asks what to do with a medicine itself ("how quickly can I come off it?", "lower my dose?").
ABOUT_THE_MEDICINE = re.compile(
    rf"\b(?:{TAKE_MORE_OR_LESS}|dose|doses|dosage|mg|taper\w*|wean\w*|(?:come|coming|get|getting)\s+off"
    r"|cut(?:ting)?\s+down|stop\s+taking|keep\s+taking|stay(?:ing)?\s+(?:off|on)\s+(?!it\b)\w+"
    r"|side\s+effects?|prescri\w+|interact\w*|safe\s+to\s+take)\b",
    re.IGNORECASE,
)
# Being on a dose is a condition ("even on a high dose?"), not a question about the dose.
ON_A_DOSE = re.compile(
    r"\bon\s+(?:(?:a|an|the|my|her|his|their|your)\s+)?(?:\w+\s+){0,2}dose\b", re.IGNORECASE
)
# A dose is a medicine's: "what dose is too high to train on?" after "I'm on prednisone".
NAMES_A_DOSE = re.compile(
    rf"\b(?:{TAKE_MORE_OR_LESS}|dose|doses|dosage|dosages|dosing|mg)\b", re.IGNORECASE
)
# "how many days before?", "how soon after?": before or after the event just talked about.
BEFORE_OR_AFTER_IT = re.compile(
    r"^\s*(?:(?:so|and|ok|okay|then)\s+)?how\s+(?:long|soon|early|far|quickly|many\s+\w+|much\s+\w+)\s+"
    # "how long does it stay up after?": the thing discussed (a CK level), however long it lasts.
    r"(?:(?:does|will|would|is|was|did|can)\s+(?:it|that|this|they)\s+(?:\w+\s+){0,2})?"
    r"(?:before|after|beforehand|afterwards?|ahead)"
    # "how long before the test should I stop?": the thing discussed, named.
    r"(?:\s+(?:the|a|my|his|her|each|every)\s+\w+)?"
    # "how many days before do I stop?": what to do that long before it.
    r"(?:\s+(?:do|should|must|can|would)\s+(?:i|we|he|she|they)\s+\w+)?\s*[?.!,]*\s*$",
    re.IGNORECASE,
)
# An activity named by a word ending in -ing that the vocabulary may not know ("is trampolining
# ok?", "what about kayaking?"), as the subject of a short question. Common -ing words that are
# no activity are left out.
NOT_ACTIVITIES = frozenset(
    [
        "anything",
        "something",
        "nothing",
        "everything",
        "morning",
        "evening",
        "during",
        "feeling",
        "being",
        "thing",
        "spring",
        "string",
        "swelling",
        "bleeding",
        "aching",
        "choking",
        "breathing",
        "swallowing",
        "coughing",
        "tingling",
        "burning",
        "wasting",
        "falling",
        "tripping",
        "going",
        "doing",
        "getting",
        "saying",
        "talking",
        "asking",
        "thinking",
        "looking",
        "trying",
        "having",
        "making",
        "coming",
        "taking",
        "wondering",
        "helping",
        "waiting",
        "using",
        "starting",
        "kidding",
        "joking",
        "happening",
        "working",
        "exercising",
        "training",
    ]
)
ACTIVITY_QUESTION = re.compile(
    r"^\s*(?:(?:and|so|but)\s+)?(?:(?:is|would|could|does|what\s+about|how\s+about"
    r"|(?:can|could|should|may)\s+(?:i|he|she|we|they|you)\s+(?:go|do|try|start|take\s+up))\s+)?"
    r"(?P<activity>[a-z]{3,}ing)\b(?:\s+(?:ok|okay|alright|all\s+right|safe|good|allowed|fine"
    r"|too|again))?\s*[?.!]*\s*$",
    re.IGNORECASE,
)


def about_the_medicine(text: str) -> bool:
    """Whether a message asks what to do with a medicine itself (doses, coming off, tapering).

    Being on a dose is a condition, not such a question ("even on a high dose?").
    """
    return ABOUT_THE_MEDICINE.search(ON_A_DOSE.sub(" ", text)) is not None


def asks_about_a_dose(text: str) -> bool:
    """Whether a message asks about a dose ("what dose is too high to train on?").

    Being on a dose is a condition, not such a question ("even on a high dose?").
    """
    return NAMES_A_DOSE.search(ON_A_DOSE.sub(" ", text)) is not None


def asks_whether_it_changes(text: str) -> bool:
    """Whether a message asks whether what it tells changes the answer just given.

    "sorry, it's actually IMNM now, they redid the biopsy. does that change things?" corrects
    the subtype and asks for the answer again, for the subtype now named.
    """
    clause = question_clause(text)
    return any(p.search(clause) for p in (WHETHER_IT_MATTERS, CHANGES_THE_ANSWER))


def corrects_the_subtype(text: str) -> bool:
    """Whether a message, asking nothing, tells that the diagnosis was other than said.

    "sorry I got that wrong, the neurologist says it's IBM not poly" corrects the subtype: the
    answer is wanted again for the one now named. "is it IBM or poly?" asks for a diagnosis.
    """
    return not asks_something(text) and CORRECTION.search(text) is not None


def adds_a_condition(text: str) -> bool:
    """Whether a short question only adds a treatment condition to the last one.

    "and on steroids?" after an answer on yoga asks whether yoga is fine on steroids: an
    exercise question, though it names a medicine; so does "she's on a high dose of pred,
    does that matter?". "how quickly can I come off it?" asks about the medicine itself, so it
    does not qualify.
    """
    if tells_a_steroid_condition(text):
        # "she's on prednisone" after an answer on swimming: told, not asked.
        return True
    clause = question_clause(text)
    if WHETHER_IT_MATTERS.search(clause) and not about_the_medicine(text):
        # The condition is told before the question: "she's on pred, does that matter?"
        told = text[: text.rfind(clause)]
        return UNDER_A_CONDITION.search(told) is not None
    return (
        len(clause.split()) <= FOLLOW_UP_CLAUSE_WORDS
        and ASKS.search(clause) is not None
        and OPENS_A_CONDITION.search(clause) is not None
        and UNDER_A_CONDITION.search(clause) is not None
        and not about_the_medicine(clause)
    )


# Asking for another kind of exercise than the one discussed, or which kinds: "what should I
# do instead?", "anything else I could try?", "what kind would be good for her?". Named words
# decide first ("can I walk instead?", "what kind of swimming?").
ANOTHER_ONE = re.compile(
    r"^\s*(?:(?:what|which|anything|something|any|is\s+there)\b"
    r"(?=.*\b(?:instead|else)\b)(?=.*\b(?:do|try|doing|trying|take\s+up|play)\b)"
    r"|(?:what|which)\s+(?:kinds?|sorts?|types?)\b)",
    re.IGNORECASE,
)


def asks_for_another(text: str) -> bool:
    """Whether a short question asks which kinds, or what to do instead of the one discussed."""
    return _short_question_like(text, ANOTHER_ONE)


def _short_question_like(text: str, pattern: re.Pattern[str]) -> bool:
    """Whether the asking clause of ``text`` is short enough to be a follow-up and matches."""
    clause = question_clause(text)
    return len(clause.split()) <= FOLLOW_UP_CLAUSE_WORDS and pattern.search(clause) is not None


# Telling a steroid condition after an answer ("I'm still on 20mg though", "she's on pred"): a
# question whether the answer holds on steroids, though it asks nothing.
ON_STEROIDS = re.compile(
    r"^\s*(?:(?:and|but|well)\s+)?(?:i|she|he|they|we)(?:'m|'s|'re|\s+am|\s+is|\s+are)\s+"
    r"(?:still\s+|now\s+|also\s+)?on\s+(?:(?:a|the)\s+)?(?:high\s+dose\s+(?:of\s+)?)?"
    r"(?:\d+(?:\.\d+)?\s*mg\b|pred\w*|steroids?\b)",
    re.IGNORECASE,
)


def tells_a_steroid_condition(text: str) -> bool:
    """Whether a short message only tells that someone is on steroids ("I'm on 20mg though").

    Told, not asked: "I'm on pred, should I taper?" asks about the medicine.
    """
    return (
        len(text.split()) <= SHORT_FOLLOW_UP_WORDS
        and ON_STEROIDS.search(text) is not None
        and "?" not in text
    )


# Asking what one could do ("what could I do without leaving the flat?", "what would they have
# her do?"), not what to do about something discussed ("what can I do about it?", "what should I
# do if it hurts?").
WHAT_TO_DO = re.compile(
    r"\bwhat\s+(?:else\s+)?(?:can|could|should|would|might|will)\s+(?:i|we|he|she|they)\s+"
    r"(?:have\s+(?:me|her|him|us|them)\s+)?(?:actually\s+|really\s+)?do\b"
    r"(?!\s+(?:about|for|if|when|with)\b)",
    re.IGNORECASE,
)


def asks_what_to_do(text: str) -> bool:
    """Whether a short question asks what one could do, in general."""
    return _short_question_like(text, WHAT_TO_DO)


def before_or_after_it(text: str) -> bool:
    """Whether a question asks only how long before or after something ("how many days before?").

    The something is the event the conversation is on (a blood test, a session), so the
    question continues that subject rather than asking about routines in general.
    """
    return BEFORE_OR_AFTER_IT.search(question_clause(text)) is not None


def names_an_activity(text: str) -> bool:
    """Whether a short question is on an activity, maybe one the vocabulary lacks ("kayaking?")."""
    match = ACTIVITY_QUESTION.search(question_clause(text))
    return match is not None and match.group("activity").lower() not in NOT_ACTIVITIES


# Whether to go on exercising ("so skip the gym tonight?", "can I still go for my walk?",
# "should I stop?"): asked straight after a warning-sign reply, that reply's advice answers it.
GOING_ON = re.compile(
    r"\b(?:skip|still|carry\s+on|keep\s+(?:going|at\s+it|exercising|training)|go\s+(?:to|for)"
    r"|cancel|miss|stop|rest|tonight|today|tomorrow)\b",
    re.IGNORECASE,
)


def asks_whether_to_go_on(text: str) -> bool:
    """Whether a short question asks whether to go on exercising now (after a warning sign)."""
    return asks_something(text) and _short_question_like(text, GOING_ON)
