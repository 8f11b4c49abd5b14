"""The word that decides the topic wins over a coarse or unsure intent; mashing is never "yes"."""

from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswer, ActionFallback, ActionSmallTalk
from actions.base import ReplyAction
from bot.routing import HOW_MUCH_WORDS
from tests.actions.conftest import TrackerFactory, answered_topic, placed


@pytest.mark.parametrize(
    ("action", "intent", "text", "entities", "kind", "topic"),
    [
        (
            ActionAnswer(),
            "ask_exercise_safety",
            "is swimming ok",
            {"exercise_type": "hydrotherapy"},
            "answer",
            "hydrotherapy",
        ),
        (
            ActionAnswer(),
            "ask_getting_started",
            "how do I start pilates",
            {"exercise_type": "pilates"},
            "answer",
            "pilates",
        ),
        (
            ActionAnswer(),
            "ask_routine",
            "how often should I swim",
            {"exercise_type": "hydrotherapy"},
            "answer",
            "routine_and_rest",
        ),
        (
            ActionFallback(),
            "nlu_fallback",
            "bike?",
            {"exercise_type": "aerobic"},
            "answer",
            "aerobic_exercise",
        ),
        (
            ActionSmallTalk(),
            "affirm",
            "weights ok",
            {"exercise_type": "strength"},
            "answer",
            "strength_training",
        ),
        (
            ActionSmallTalk(),
            "out_of_scope",
            "tai chi??",
            {"exercise_type": "tai_chi"},
            "answer",
            "tai_chi",
        ),
        (
            ActionAnswer(),
            "ask_exercise_types",
            "exercises for my hands?",
            {"body_part": "hands"},
            "answer",
            "hand_exercises",
        ),
        (
            ActionFallback(),
            "nlu_fallback",
            "can't open jars anymore",
            {"exercise_type": "hand_exercises"},
            "answer",
            "hand_exercises",
        ),
        (
            ActionAnswer(),
            "ask_exercise_safety",
            "is lawn bowls ok",
            {"exercise_type": "other_activity"},
            "answer",
            "exercise_types",
        ),
        (
            ActionAnswer(),
            "ask_exercise_safety",
            "physio exercises for kids with jdm",
            {"myositis_type": "JDM"},
            "answer",
            "children_jdm",
        ),
        (
            ActionAnswer(),
            "ask_exercise_types",
            "what exercise is recommended for sIBM",
            {"myositis_type": "IBM"},
            "answer",
            "ibm",
        ),
        (
            ActionAnswer(),
            "ask_exercise_safety",
            "is exercise safe with DM",
            {"myositis_type": "DM"},
            "answer",
            "exercise_safety",
        ),
        (
            ActionAnswer(),
            "ask_exercise_safety",
            "is swimming ok with IBM",
            {"myositis_type": "IBM", "exercise_type": "hydrotherapy"},
            "answer",
            "hydrotherapy",
        ),
        # A symptom, blood test or treatment named in a broad question decides it.
        (
            ActionAnswer(),
            "ask_exercise_benefits",
            "does exercise help with the fatigue?",
            {"concern": "fatigue"},
            "answer",
            "pain_fatigue_ck",
        ),
        (
            ActionAnswer(),
            "ask_exercise_safety",
            "I'm on 40mg of prednisone, is it still ok to exercise?",
            {"concern": "steroids"},
            "answer",
            "flares_and_steroids",
        ),
        (
            ActionAnswer(),
            "ask_exercise_safety",
            "is swimming ok when I'm sore?",
            {"exercise_type": "hydrotherapy", "concern": "soreness"},
            "answer",
            "hydrotherapy",
        ),
        (
            ActionAnswer(),
            "ask_exercise_types",
            "which exercises for my hands when they ache?",
            {"body_part": "hands", "concern": "soreness"},
            "answer",
            "hand_exercises",
        ),
        (
            ActionAnswer(),
            "ask_exercise_safety",
            "my CK has come down with the necrotising myopathy, can I go to the gym?",
            {"concern": "ck", "myositis_type": "IMNM"},
            "answer",
            "imnm",
        ),
        # Every form of the pregnancy words claims the question.
        (
            ActionAnswer(),
            "ask_exercise_type",
            "I'm 30 weeks, can I keep going to my aqua natal class?",
            {},
            "answer",
            "pregnancy",
        ),
        (
            ActionAnswer(),
            "ask_exercise_safety",
            "my DM showed up after both pregnancies, is exercise ok?",
            {"myositis_type": "DM"},
            "answer",
            "pregnancy",
        ),
        (
            ActionAnswer(),
            "ask_getting_started",
            "and once the baby is born, how soon can I start again?",
            {},
            "answer",
            "pregnancy",
        ),
        (
            ActionAnswer(),
            "ask_getting_started",
            "we're thinking about a second baby, what should I be doing now?",
            {},
            "answer",
            "pregnancy",
        ),
        # A baby had years ago is no pregnancy now.
        (
            ActionAnswer(),
            "ask_getting_started",
            "I relapsed after my second baby, that was years ago. how do I build my strength?",
            {"exercise_type": "strength"},
            "answer",
            "strength_training",
        ),
        (ActionSmallTalk(), "affirm", "asdfgh", {}, "fallback", None),
        (ActionSmallTalk(), "affirm", "jkjkjk lll", {}, "fallback", None),
        (ActionSmallTalk(), "affirm", "..,,..;;", {}, "fallback", None),
        (ActionSmallTalk(), "thanks", "👍", {}, "small_talk", None),
        (ActionSmallTalk(), "affirm", "yes please", {}, "small_talk", None),
        (ActionSmallTalk(), "out_of_scope", "who won the football", {}, "off_topic", None),
        (ActionFallback(), "nlu_fallback", "blorp snazzle", {}, "fallback", None),
    ],
)
async def test_the_deciding_word_picks_the_reply(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    action: ReplyAction,
    intent: str,
    text: str,
    entities: dict[str, str],
    kind: str,
    topic: str | None,
) -> None:
    await action.run(dispatcher, make_tracker(intent, text, entities), {})

    (message,) = dispatcher.messages
    assert message["custom"]["type"] == kind
    assert message["custom"]["topic"] == topic


@pytest.mark.parametrize(
    ("text", "language", "words"),
    [
        ("¿Puedo hacer ejercicio con dermatomiositis?", "es", "solo entiendo inglés"),
        ("Kann ich mit Myositis Sport machen?", "de", "nur Englisch"),
        ("Posso fazer exercício com miosite?", "pt", "só entendo inglês"),
    ],
)
async def test_another_language_gets_a_line_in_that_language(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    text: str,
    language: str,
    words: str,
) -> None:
    await ActionFallback().run(dispatcher, make_tracker("nlu_fallback", text), {})

    (message,) = dispatcher.messages
    assert message["custom"]["type"] == "fallback"
    assert message["custom"]["language"] == language
    assert words in message["text"]
    assert "000" in message["text"]
    assert message["custom"]["disclaimers"] == ["consult_doctor", "pregnancy"]


async def test_another_language_is_told_so_though_it_names_an_exercise_in_english_words(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    text = "mag mijn dochter met myositis gewoon zwemmen, of is dat te zwaar voor haar spieren?"
    tracker = make_tracker("ask_exercise_type", text, {"exercise_type": "hydrotherapy"})
    await ActionAnswer().run(dispatcher, tracker, {})

    (message,) = dispatcher.messages
    assert message["custom"]["type"] == "fallback"
    assert message["custom"]["language"] == "nl"


async def test_the_language_comes_from_the_parse_not_from_the_action_server(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    # The Rasa server's safety net tells the language; the action server has no profiles.
    tracker = make_tracker("nlu_fallback", "sport myosite")
    tracker.latest_message["wording"] = {"language": "es", "gibberish": False}
    await ActionFallback().run(dispatcher, tracker, {})

    (message,) = dispatcher.messages
    assert message["custom"]["language"] == "es"


@pytest.mark.parametrize(
    ("action", "intent", "text", "entities", "kind", "topic"),
    [
        (
            ActionSmallTalk(),
            "chitchat",
            "those of you with IBM, what kept you going?",
            {"myositis_type": "IBM"},
            "answer",
            "ibm",
        ),
        (
            ActionFallback(),
            "nlu_fallback",
            "breastfeeding twins, is the gym alright?",
            {},
            "answer",
            "pregnancy",
        ),
        (
            ActionAnswer(),
            "ask_resources",
            "any good videos for grip?",
            {"body_part": "hands"},
            "answer",
            "hand_exercises",
        ),
        (
            ActionAnswer(),
            "ask_exercise_type",
            "how do I make my fingers stronger",
            {"body_part": "hands"},
            "answer",
            "hand_exercises",
        ),
        (ActionSmallTalk(), "chitchat", "my son has IBM lol no he doesn't", {}, "small_talk", None),
        # An everyday activity leads only to the kinds of exercise in general: the subtype's own
        # topic says more about it for that child or person.
        (
            ActionAnswer(),
            "ask_exercise_safety",
            "our girl has JDM, is trampolining ok for her?",
            {"myositis_type": "JDM", "exercise_type": "other_activity"},
            "answer",
            "children_jdm",
        ),
        (
            ActionAnswer(),
            "ask_exercise_type",
            "my son has JDM, can he go to the trampoline park?",
            {"myositis_type": "JDM", "exercise_type": "other_activity"},
            "answer",
            "children_jdm",
        ),
        (
            ActionFallback(),
            "nlu_fallback",
            "croquet with IBM?",
            {"myositis_type": "IBM", "exercise_type": "other_activity"},
            "answer",
            "ibm",
        ),
    ],
)
async def test_subtypes_claims_and_body_parts_decide_too(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    action: ReplyAction,
    intent: str,
    text: str,
    entities: dict[str, str],
    kind: str,
    topic: str | None,
) -> None:
    await action.run(dispatcher, make_tracker(intent, text, entities), {})

    (message,) = dispatcher.messages
    assert message["custom"]["type"] == kind
    assert message["custom"]["topic"] == topic


@pytest.mark.parametrize(
    ("text", "word", "topic"),
    [
        ("I manage a short walk most days. Where should I begin?", "walk", "getting_started"),
        (
            "I manage a short walk most days. Should I begin with swimming?",
            "swimming",
            "hydrotherapy",
        ),
        ("Where should I begin with a short walk", "walk", "aerobic_exercise"),
        ("I gave up my walk last year. Could I take it up again?", "walk", "aerobic_exercise"),
    ],
)
async def test_a_word_in_the_story_does_not_outrank_the_question(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, text: str, word: str, topic: str
) -> None:
    value = {"walk": "aerobic", "swimming": "hydrotherapy"}[word]
    tracker = make_tracker("ask_getting_started", text)
    start = text.index(word)
    tracker.latest_message["entities"] = [
        {"entity": "exercise_type", "value": value, "start": start, "end": start + len(word)}
    ]
    await ActionAnswer().run(dispatcher, tracker, {})

    (message,) = dispatcher.messages
    assert message["custom"]["topic"] == topic


@pytest.mark.parametrize(
    ("action", "intent", "text", "kind", "topic"),
    [
        (
            ActionSmallTalk(),
            "out_of_scope",
            "can you show me a few of them",
            "answer",
            "stretching",
        ),
        (ActionFallback(), "nlu_fallback", "where would I find one?", "answer", "stretching"),
        (ActionSmallTalk(), "out_of_scope", "that film was brilliant", "off_topic", None),
        (ActionSmallTalk(), "affirm", "yes that one", "small_talk", None),
        (
            ActionSmallTalk(),
            "out_of_scope",
            "how is it that the weather here is always so grey and wet?",
            "off_topic",
            None,
        ),
    ],
)
async def test_a_short_question_pointing_back_continues_the_last_topic(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    action: ReplyAction,
    intent: str,
    text: str,
    kind: str,
    topic: str | None,
) -> None:
    tracker = make_tracker(intent, text, slots={"last_topic": "stretching"})
    await action.run(dispatcher, tracker, {})

    (message,) = dispatcher.messages
    assert message["custom"]["type"] == kind
    assert message["custom"]["topic"] == topic


async def test_asking_what_it_can_do_about_a_named_exercise_gets_the_answer(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(
        "ask_capabilities", "can you tell me about tai chi", {"exercise_type": "tai_chi"}
    )
    await ActionSmallTalk().run(dispatcher, tracker, {})

    assert [m["custom"]["type"] for m in dispatcher.messages] == ["answer"]
    assert dispatcher.messages[0]["custom"]["topic"] == "tai_chi"


@pytest.mark.parametrize(
    ("text", "last_topic", "topic"),
    [
        ("will exercise make it worse?", "pain_fatigue_ck", "pain_fatigue_ck"),
        ("is that ok with my bad knees?", "hydrotherapy", "hydrotherapy"),
        ("is it safe to exercise with myositis?", "hydrotherapy", "exercise_safety"),
        ("will exercise make it worse?", "exercise_types", "exercise_safety"),
        ("is exercise safe?", "pain_fatigue_ck", "exercise_safety"),
    ],
)
async def test_a_broad_question_pointing_back_keeps_a_specific_topic(
    make_tracker: TrackerFactory,
    dispatcher: CollectingDispatcher,
    text: str,
    last_topic: str,
    topic: str,
) -> None:
    tracker = make_tracker("ask_exercise_safety", text, slots={"last_topic": last_topic})
    await ActionAnswer().run(dispatcher, tracker, {})

    (message,) = dispatcher.messages
    assert message["custom"]["topic"] == topic


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("Can I do pilates? I have been walking a lot lately.", "pilates"),
        ("I have been walking a lot lately. Can I do pilates?", "pilates"),
        ("I did pilates for years. Is walking enough now?", "aerobic_exercise"),
    ],
)
async def test_the_kind_named_in_the_question_decides_over_the_story(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, text: str, topic: str
) -> None:
    tracker = make_tracker("ask_exercise_type", text)
    tracker.latest_message["entities"] = placed(
        text, [("exercise_type", "pilates", "pilates"), ("exercise_type", "aerobic", "walking")]
    )
    await ActionAnswer().run(dispatcher, tracker, {})

    (message,) = dispatcher.messages
    assert message["custom"]["topic"] == topic


@pytest.mark.parametrize(
    ("intent", "text", "found", "topic"),
    [
        # The question asks for the studies in its own words, whatever else it names.
        (
            "ask_pain_fatigue_ck",
            "is there proof exercise doesnt make CK go up long term?",
            [("concern", "ck", "CK")],
            "research_evidence",
        ),
        (
            "ask_exercise_type",
            "are there studies on swimming with myositis?",
            [("exercise_type", "hydrotherapy", "swimming")],
            "research_evidence",
        ),
        # A study told in the story, then another question: that question decides.
        (
            "ask_exercise_type",
            "My physio showed me a study on walking. Can I swim as well?",
            [("exercise_type", "aerobic", "walking"), ("exercise_type", "hydrotherapy", "swim")],
            "hydrotherapy",
        ),
        # A claimed word still comes first.
        ("ask_research_evidence", "is there research on exercise while pregnant?", [], "pregnancy"),
    ],
)
async def test_a_question_asking_for_the_studies_gets_the_studies(
    make_tracker: TrackerFactory,
    intent: str,
    text: str,
    found: list[tuple[str, str, str]],
    topic: str,
) -> None:
    assert await answered_topic(make_tracker, intent, text, found) == topic


@pytest.mark.parametrize(
    ("text", "found", "topic"),
    [
        # Strengthening or stretching a body part with a topic of its own is that topic.
        (
            "strengthening exercises for my hands?",
            [("exercise_type", "strength", "strengthening"), ("body_part", "hands", "hands")],
            "hand_exercises",
        ),
        (
            "are there exercises to strengthen the throat?",
            [("exercise_type", "strength", "strengthen"), ("body_part", "throat", "throat")],
            "swallowing",
        ),
        (
            "what are the best exercises to strengthen the quads?",
            [("exercise_type", "strength", "strengthen"), ("body_part", "legs", "quads")],
            "strength_training",
        ),
        # Any other kind of exercise stays the question, whatever body part is named.
        (
            "can I swim with weak hands?",
            [("exercise_type", "hydrotherapy", "swim"), ("body_part", "hands", "hands")],
            "hydrotherapy",
        ),
    ],
)
async def test_a_body_part_with_its_own_topic_narrows_strengthening_it(
    make_tracker: TrackerFactory,
    text: str,
    found: list[tuple[str, str, str]],
    topic: str,
) -> None:
    assert await answered_topic(make_tracker, "ask_exercise_type", text, found) == topic


@pytest.mark.parametrize(
    ("intent", "text", "found", "topic"),
    [
        # How much is what a broad question asks when it asks whether it is too much or enough.
        (
            "ask_exercise_safety",
            "I exercise daily, is that too much exercise?",
            [],
            "routine_and_rest",
        ),
        (
            "ask_exercise_benefits",
            "I exercise every day, am I overdoing it?",
            [],
            "routine_and_rest",
        ),
        # A named kind of exercise still decides.
        (
            "ask_exercise_safety",
            "is yoga alright or is it too much?",
            [("exercise_type", "stretching", "yoga")],
            "stretching",
        ),
        # Without such words, the broad question stays broad.
        ("ask_exercise_safety", "I exercise daily, is that safe?", [], "exercise_safety"),
    ],
)
async def test_asking_whether_it_is_too_much_asks_how_much(
    make_tracker: TrackerFactory,
    intent: str,
    text: str,
    found: list[tuple[str, str, str]],
    topic: str,
) -> None:
    assert await answered_topic(make_tracker, intent, text, found) == topic


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("is 15 minutes a day enough?", True),
        ("how can I tell if I'm overdoing it or not doing enough", True),
        ("how do you tell when you're over exercising?", True),
        ("is over-training a risk with DM?", True),
        ("I overdid it yesterday, is that bad?", True),
        ("will I ever be strong enough to lift my grandson?", False),
        ("I've had enough of being tired, will exercise help?", False),
    ],
)
def test_how_much_words(text: str, asks: bool) -> None:
    assert bool(HOW_MUCH_WORDS.search(text)) is asks


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        # "help" said of the writer helping someone: how to start, not what exercise does.
        ("my wife has dermatomyositis, how can I help her get some exercise?", "getting_started"),
        ("can I help her with her exercises?", "getting_started"),
        # Asking which exercises: the kinds of exercise.
        ("what exercises helped you the most when you were first diagnosed?", "exercise_types"),
        ("my wife wants to know how she can help me with it", "getting_started"),
        # Exercise helping someone is the benefits question it looks like.
        ("will exercise help her?", "exercise_benefits"),
        ("does it help my mum to exercise?", "exercise_benefits"),
        ("will they help her?", "exercise_benefits"),
    ],
)
async def test_who_helps_whom_decides_a_benefits_reading(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher, text: str, topic: str
) -> None:
    await ActionAnswer().run(dispatcher, make_tracker("ask_exercise_benefits", text), {})

    (message,) = dispatcher.messages
    assert message["custom"]["topic"] == topic


@pytest.mark.parametrize(
    ("intent", "text", "last_topic"),
    [
        # A safety reading of a carer's question: how to help them start.
        (
            "ask_exercise_safety",
            "my husband lost muscle so fast he couldn't pull on his socks. how can I help him with "
            "exercises at home?",
            None,
        ),
        # A follow-up that asks how to help: how to start, not the kinds again.
        ("inform", "how do I help him do them without hurting him?", "exercise_types"),
    ],
)
async def test_a_carer_asking_how_to_help_is_answered_how_to_start(
    make_tracker: TrackerFactory,
    intent: str,
    text: str,
    last_topic: str | None,
) -> None:
    slots = {"last_topic": last_topic} if last_topic else None
    assert await answered_topic(make_tracker, intent, text, slots=slots) == "getting_started"


async def test_a_helper_question_the_classifier_could_not_place_is_how_to_start(
    make_tracker: TrackerFactory, dispatcher: CollectingDispatcher
) -> None:
    text = "my wife wants to know how she can help me with it"
    await ActionFallback().run(dispatcher, make_tracker("out_of_scope", text), {})

    (message,) = dispatcher.messages
    assert message["custom"]["topic"] == "getting_started"


@pytest.mark.parametrize(
    ("text", "found", "topic"),
    [
        # Read as "who can help?", but asking for no one: the subtype's own topic answers.
        (
            "can I do an exercise programme at home with inclusion body myositis or do I need "
            "to go to a gym?",
            [("myositis_type", "IBM", "inclusion body myositis")],
            "ibm",
        ),
        # Asking for someone, with or without a professional's name, keeps who can help.
        (
            "who should I see about exercise with IBM?",
            [("myositis_type", "IBM", "IBM")],
            "which_professional",
        ),
        (
            "is there someone who can plan exercise for IBM?",
            [("myositis_type", "IBM", "IBM")],
            "which_professional",
        ),
    ],
)
async def test_who_can_help_needs_someone_asked_for(
    make_tracker: TrackerFactory,
    text: str,
    found: list[tuple[str, str, str]],
    topic: str,
) -> None:
    assert await answered_topic(make_tracker, "ask_which_professional", text, found) == topic


@pytest.mark.parametrize(
    ("intent", "text", "found", "topic"),
    [
        # Read as a question on a kind of exercise that names none, in a conversation.
        (
            "ask_exercise_type",
            "how do I help him do them without hurting him?",
            [],
            "getting_started",
        ),
        # A named kind of exercise or a professional still decides; so does an aspect intent.
        (
            "ask_exercise_safety",
            "how can I help her with her swimming?",
            [("exercise_type", "hydrotherapy", "swimming")],
            "hydrotherapy",
        ),
        (
            "ask_exercise_safety",
            "how can I help her find a physio?",
            [("professional", "physiotherapist", "physio")],
            "exercise_safety",
        ),
        ("ask_routine", "how can I help her pace herself?", [], "routine_and_rest"),
    ],
)
async def test_how_to_help_gives_way_to_named_words_and_aspects(
    make_tracker: TrackerFactory,
    intent: str,
    text: str,
    found: list[tuple[str, str, str]],
    topic: str,
) -> None:
    slots = {"last_topic": "exercise_types"}
    assert await answered_topic(make_tracker, intent, text, found, slots) == topic


@pytest.mark.parametrize(
    ("intent", "text", "found", "topic"),
    [
        # Tiredness in the story; the question names nothing of it: the subtype's own topic.
        (
            "ask_pain_fatigue_ck",
            "my dad with IBM was exhausted for days after his classes. what should he do instead?",
            [("myositis_type", "IBM", "IBM")],
            "ibm",
        ),
        (
            "ask_flares_steroids",
            "I had IMNM and I'm off the steroids now. can I go back to exercise?",
            [("myositis_type", "IMNM", "IMNM")],
            "imnm",
        ),
        # A concern named in the question keeps its topic.
        (
            "ask_pain_fatigue_ck",
            "I have IBM, why am I so tired after exercise?",
            [("myositis_type", "IBM", "IBM"), ("concern", "fatigue", "tired")],
            "pain_fatigue_ck",
        ),
        # A topic with an entry tailored to the subtype keeps it, tailored.
        (
            "ask_swallowing",
            "I have IBM, is there anything to make mealtimes easier?",
            [("myositis_type", "IBM", "IBM")],
            "swallowing",
        ),
    ],
)
async def test_a_subtype_with_its_own_topic_outranks_an_intent_the_question_does_not_bear_out(
    make_tracker: TrackerFactory,
    intent: str,
    text: str,
    found: list[tuple[str, str, str]],
    topic: str,
) -> None:
    assert await answered_topic(make_tracker, intent, text, found) == topic


@pytest.mark.parametrize(
    ("intent", "text", "topic"),
    [
        # A claimed word decides a question the classifier read as chat.
        ("bot_challenge", "is aqua natal alright", "pregnancy"),
        ("affirm", "ok and once the baby is here?", "pregnancy"),
        # Minutes asked for are a question of routine.
        (
            "ask_getting_started",
            "start low, go slow: what does that mean in actual minutes?",
            "routine_and_rest",
        ),
    ],
)
async def test_claimed_words_and_minutes_decide(
    make_tracker: TrackerFactory, intent: str, text: str, topic: str
) -> None:
    assert await answered_topic(make_tracker, intent, text) == topic
