"""What a question asks in its own words decides over the classifier's reading (issue 13).

Fitting exercise into a day is routine; how soon it helps is its benefits; where to read more is
the resources; finding a professional who knows the disease is who can help; sets and weight are
strength training's.
"""

from __future__ import annotations

import pytest

from tests.actions.conftest import TrackerFactory, answered_topic


@pytest.mark.parametrize(
    ("intent", "text", "found", "slots", "topic"),
    [
        (
            "ask_exercise_benefits",
            "my dad has myositis and runs out of energy by lunchtime. how can he fit exercise in?",
            [],
            None,
            "routine_and_rest",
        ),
        (
            "ask_exercise_benefits",
            "I care for my mum. how do I fit a bit of activity into her day?",
            [],
            None,
            "routine_and_rest",
        ),
        (
            "ask_exercise_safety",
            "I'm tired ALL the time so when am I meant to fit in exercise??",
            [],
            None,
            "routine_and_rest",
        ),
        (
            "ask_routine",
            "two months after treatment. how long before I should see progress?",
            [],
            None,
            "exercise_benefits",
        ),
        # After any kind of exercise: the benefits entry tells how soon the studies saw gains.
        (
            "ask_routine",
            "how long before it helps?",
            [],
            {"last_topic": "hydrotherapy"},
            "exercise_benefits",
        ),
        (
            "ask_routine",
            "and how long before I'd notice anything?",
            [],
            {"last_topic": "aerobic_exercise"},
            "exercise_benefits",
        ),
        (
            "inform",
            "how soon would I feel it working?",
            [],
            {"last_topic": "exercise_types"},
            "exercise_benefits",
        ),
        (
            "ask_pain_fatigue_ck",
            "thanks. where can he read more about pacing himself?",
            [],
            {"last_topic": "pain_fatigue_ck"},
            "resources",
        ),
        (
            "ask_exercise_benefits",
            "the physio at my clinic had never heard of it. how do you find one who knows it?",
            [("professional", "physiotherapist", "physio")],
            None,
            "which_professional",
        ),
        # Read as chat, how much is still what it asks.
        (
            "chitchat",
            "those of you who were athletes, how do you tell when youre over exercising?",
            [],
            None,
            "routine_and_rest",
        ),
        ("ask_exercise_safety", "she's 74, is it too late for her?", [], None, "getting_started"),
        (
            "ask_exercise_safety",
            "he's 81, is it too late for him?",
            [],
            {"last_topic": "strength_training"},
            "getting_started",
        ),
        # Sets and weight are measures of strength training.
        (
            "ask_routine",
            "ok. how many sets then?",
            [],
            {"last_topic": "strength_training"},
            "strength_training",
        ),
        ("ask_routine", "how heavy should I go?", [], {"last_topic": "imnm"}, "strength_training"),
        (
            "ask_exercise_types",
            "trainers say I'm not progressing. how quickly should strength come back?",
            [],
            None,
            "exercise_benefits",
        ),
        # Read as a question on a kind of exercise that names none, too.
        (
            "ask_exercise_type",
            "they don't get what myositis does to muscles. how quickly should strength come back?",
            [],
            None,
            "exercise_benefits",
        ),
        (
            "ask_exercise_safety",
            "I read that exercise can now be considered as medicine. what's that based on?",
            [],
            None,
            "research_evidence",
        ),
        ("ask_exercise_safety", "and rest, how much?", [], None, "routine_and_rest"),
        ("nlu_fallback", "so how do I find my own limit?", [], None, "routine_and_rest"),
        # A professional named in the story after the question does not decide.
        (
            "inform",
            "ok. what about boxing? my old boxing trainer pushed me hard and I loved it",
            [("professional", "rehabilitation_specialist", "trainer")],
            {"last_topic": "strength_training"},
            "exercise_types",
        ),
        # Exercises for the everyday moves weak thighs make hard are strengthening exercises.
        (
            "ask_exercise_types",
            "PM for a year. what's the best exercise for standing up from a low sofa?",
            [],
            None,
            "strength_training",
        ),
        (
            "ask_exercise_benefits",
            "are there any exercises that would make climbing the stairs easier for my dad?",
            [],
            None,
            "strength_training",
        ),
        # Whether an everyday activity counts as exercise: the kinds of exercise.
        (
            "ask_exercise_benefits",
            "I spent all morning hoovering and changing beds. does that count as exercise?",
            [],
            None,
            "exercise_types",
        ),
        ("nlu_fallback", "would knitting count?", [], {"myositis_type": "IBM"}, "ibm"),
        # Bad days are planned around: routine and rest.
        (
            "inform",
            "and on the rough days?",
            [],
            {"last_topic": "exercise_types"},
            "routine_and_rest",
        ),
        (
            "ask_exercise_safety",
            "some weeks I'm wiped out. should I still do the exercises on days like that?",
            [],
            None,
            "routine_and_rest",
        ),
        # A body part told weak in a follow-up: strengthening it.
        (
            "inform",
            "and for the backswing, my shoulders are weak",
            [("body_part", "arms", "shoulders")],
            {"last_topic": "exercise_types"},
            "strength_training",
        ),
        # A body part told tight or stiff in a follow-up: stretching it.
        (
            "inform",
            "and the backs of my knees and elbows feel tight too",
            [("body_part", "legs", "knees")],
            {"last_topic": "hand_exercises"},
            "stretching",
        ),
        # A subtype corrected: its own topic, or the last one again for it.
        (
            "ask_routine",
            "they changed it to IBM years ago. would you tell me something different?",
            [("myositis_type", "IBM", "IBM")],
            {"last_topic": "aerobic_exercise"},
            "ibm",
        ),
        (
            "ask_pain_fatigue_ck",
            "oh and it's polymyositis, does that change anything?",
            [("myositis_type", "PM", "polymyositis")],
            {"last_topic": "hydrotherapy"},
            "hydrotherapy",
        ),
        # A professional named, the classifier unsure: who can help.
        (
            "ask_capabilities",
            "what should I tell the instructor",
            [("professional", "rehabilitation_specialist", "instructor")],
            {"last_topic": "pilates"},
            "which_professional",
        ),
        # How heavy is strength training's measure in a broad reading too.
        (
            "ask_exercise_types",
            "I used to lift a lot. how heavy is sensible to go back to?",
            [],
            None,
            "strength_training",
        ),
        # The kinds of movement, asked in any broad reading.
        (
            "ask_exercise_benefits",
            "is there a list of different kinds of movement I can choose from on bad weeks?",
            [],
            None,
            "exercise_types",
        ),
        # How long sessions are, or a week of them, read as chat or as the kinds: how much.
        (
            "chitchat",
            "how long do you make your sessions? 15 mins? an hour?",
            [],
            None,
            "routine_and_rest",
        ),
        (
            "ask_exercise_types",
            "can you give me an idea of a week of exercise with DM?",
            [("myositis_type", "DM", "DM")],
            None,
            "routine_and_rest",
        ),
        # Who shows or teaches the exercises, read as chat: who can help.
        (
            "chitchat",
            "who shows you how to do them properly?",
            [],
            {"last_topic": "swallowing"},
            "which_professional",
        ),
        # Without such words the reading stands.
        ("ask_routine", "how long should each session be?", [], None, "routine_and_rest"),
        (
            "ask_exercise_benefits",
            "does the physio's plan actually help?",
            [("professional", "physiotherapist", "physio")],
            None,
            "exercise_benefits",
        ),
    ],
)
async def test_what_the_question_asks_in_its_words_decides(
    make_tracker: TrackerFactory,
    intent: str,
    text: str,
    found: list[tuple[str, str, str]],
    slots: dict[str, str] | None,
    topic: str,
) -> None:
    assert await answered_topic(make_tracker, intent, text, found, slots) == topic
