"""What the simulated users say: ours on every topic, the stock assistant's in its own words.

Every script has the same number of turns, so per message sent both assistants start as many
sessions and grow their trackers as far; only what is said differs.
"""

from __future__ import annotations

Script = tuple[str, ...]

TURNS = 8

# One question per knowledge topic, in a patient's words; the floor times a lookup for each.
QUESTIONS: dict[str, str] = {
    "exercise_safety": "is it actually safe for me to exercise with myositis?",
    "exercise_benefits": "what are the benefits of exercising for someone with myositis",
    "research_evidence": "what research has been done on exercise and myositis",
    "exercise_types": "what kinds of exercise can I do",
    "strength_training": "can I do strength training with weights",
    "stretching": "is stretching good for me",
    "aerobic_exercise": "is cycling a good idea for me",
    "hydrotherapy": "would hydrotherapy help me",
    "pilates": "can i do pilates",
    "tai_chi": "is tai chi suitable for me",
    "hand_exercises": "are there hand exercises for my weak grip",
    "swallowing": "are there exercises for swallowing problems",
    "routine_and_rest": "how often should I exercise and how many rest days do I need",
    "getting_started": "how do I get started with exercise",
    "which_professional": "who should I see to help me exercise",
    "ibm": "tell me about exercise with inclusion body myositis",
    "children_jdm": "my son has juvenile dermatomyositis, can he exercise",
    "pregnancy": "can I exercise while pregnant",
    "flares_and_steroids": "should I exercise during a flare",
    "pain_fatigue_ck": "will exercise affect my CK blood test",
    "imnm": "is there exercise advice for necrotising myopathy",
    "resources": "where can I find videos and more information",
}

_Q = QUESTIONS

# Every topic, follow-ups that lean on the context ("and for IBM?", "what about swimming?",
# "who can help me with that?"), a warning sign, a two-stage fallback and small talk.
OURS: tuple[Script, ...] = (
    (
        "hello",
        "I was diagnosed with DM last year, can I still go to the gym?",
        _Q["getting_started"],
        _Q["which_professional"],
        _Q["routine_and_rest"],
        _Q["research_evidence"],
        "thanks",
        "bye",
    ),
    (
        "hi",
        _Q["exercise_types"],
        "what about swimming?",
        _Q["tai_chi"],
        _Q["pilates"],
        _Q["stretching"],
        _Q["aerobic_exercise"],
        _Q["strength_training"],
    ),
    (
        "hello",
        _Q["exercise_safety"],
        "and for IBM?",
        _Q["exercise_benefits"],
        _Q["ibm"],
        _Q["imnm"],
        _Q["children_jdm"],
        _Q["resources"],
    ),
    (
        "hey",
        _Q["hand_exercises"],
        "Did the sit-to-stand set this morning and a few hours later my wee was cola-coloured",
        "blorp snazzle wibble",
        "/nlu_fallback",
        _Q["flares_and_steroids"],
        _Q["pain_fatigue_ck"],
        "goodbye",
    ),
    (
        "hi there",
        _Q["swallowing"],
        "who can help me with that?",
        _Q["pregnancy"],
        _Q["hydrotherapy"],
        "I'm 20 weeks pregnant, can I still do pilates?",
        "are you a robot?",
        "thank you, bye",
    ),
)

# The moodbot of `rasa init`: greet, moods, yes and no, "are you a bot?", goodbye.
PEER: tuple[Script, ...] = (
    (
        "hello",
        "I am sad",
        "yes",
        "I am feeling very good",
        "are you a bot?",
        "great",
        "extremely good",
        "bye",
    ),
    (
        "hi",
        "my day was horrible",
        "no",
        "hello there",
        "I am great",
        "are you a human?",
        "perfect",
        "goodbye",
    ),
    (
        "good morning",
        "I don't feel very well",
        "of course",
        "amazing",
        "am I talking to a bot?",
        "not good",
        "I don't think so",
        "see you later",
    ),
    (
        "hey there",
        "wonderful",
        "super sad",
        "indeed",
        "so good",
        "unhappy",
        "never",
        "have a nice day",
    ),
    (
        "good evening",
        "I am amazing",
        "very sad",
        "that sounds good",
        "are you a bot?",
        "I am disappointed",
        "not really",
        "bye bye",
    ),
)
