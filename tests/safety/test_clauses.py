"""Safety on clauses, not bags of words: real patients' wording (issue 13).

Past and resolved signs, soreness that has gone, real English words that look like misspelt
crisis words, signs described indirectly, and the classifier's alarms that the words rule out.
"""

from __future__ import annotations

from typing import Any

import pytest
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message

from bot.nlp.analyzer import Analyzer
from bot.safety.component import BORNE_OUT_BY, SafetyNet
from bot.safety.detector import Detector
from bot.safety.lexicon import Urgency, read_lexicon
from bot.settings import PROJECT_ROOT, Settings


@pytest.mark.parametrize(
    "text",
    [
        "food went down the wrong way a few times last year, none since my speech therapy",
        "stiff for a day after pilates, fine now",
        "my legs were sore after hydro, it went away by the next day",
        "I used to get chest pain but it's all cleared up",
        "at my worst I couldn't lift my arms over my head to set the ball",
        "it's been years since my last flare, do I still have to be careful?",
    ],
)
def test_past_and_resolved_signs_do_not_count(
    detector: Detector, analyzer: Analyzer, text: str
) -> None:
    report = detector.detect(analyzer.nlp(text))
    assert not report.flagged
    assert report.settled


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("the pain in my chest hasn't gone away since the push ups", "chest_pain"),
        ("since last month my legs are getting weaker every day", "worsening_weakness"),
    ],
)
def test_a_sign_that_has_not_passed_still_counts(
    detector: Detector, analyzer: Analyzer, text: str, sign: str
) -> None:
    assert sign in {f.sign for f in detector.detect(analyzer.nlp(text)).findings}


@pytest.mark.parametrize(
    "text",
    [
        "I keep sending myself reminders to do my stretches",  # "sending" is not "ending"
        "I made a Christmas wreath but the ribbon was hard to tie",  # "wreath" is not "breath"
        "I overdid it at the gym yesterday",
        "I had to give up tennis",
        "how do I carry on when I'm this tired",
        # An accident with a knife or glass is no self-harm; wanting to keep exercising is fine.
        "I cut my arm on the fence while gardening, can I still do my stretches?",
        "I want to keep going with my exercises even when tired, is that ok?",
        "I've been killing myself on the exercise bike every day since the pred kicked in",
        "my son wants to be carried everywhere since he got JDM, how do we get him walking more?",
        # A cough at meals for years is swallowing weakness, the swallowing topic's question.
        "my dad has IBM and has coughed on his tea for a couple of years. are there exercises for "
        "swallowing?",
        "I cough a bit when I eat sometimes. are there exercises to strengthen the throat?",
        # "myself" as who does it: a dose question, not self-harm.
        "if the exercise makes me stronger can I cut the dose down myself?",
        # A task that cannot be done is no exercise that does not work.
        "cant work the can opener any more. are there hand exercises that actually help?",
        # "training" is no train, and a disease that took away a life as it was is no wish to die.
        "how many days a week should I be training till then?",
        # A flare asked about as a risk, or told as past, is no flare now.
        "could the exercise actually set off a flare? I dont know if I'm harming or helping",
        "could it bring a flare back though?",
        "I gave up soccer twice after flares. how do I start again?",
        "first time back at the gym since my DM flared, what should I be doing there?",
        "baby is 3 months old and my polymyositis flared after the birth. back on meds and "
        "getting stronger now. when can I get back to my exercises?",
        "I've relapsed more times than I can count. do I have to start from scratch every time?",
        "when dermatomyositis took my strength I honestly thought my life was over",
        # Self-pity is no self-harm.
        "sick of feeling sorry for myself on the couch, I want to end this slump for good. where "
        "do I start?",
    ],
)
def test_real_words_are_not_read_as_crisis_or_warning_words(
    detector: Detector, analyzer: Analyzer, text: str
) -> None:
    assert not detector.detect(analyzer.nlp(text)).flagged


@pytest.mark.parametrize(
    ("text", "sign", "urgency"),
    [
        ("my breathing muscles are getting weaker lately", "breathless", Urgency.EMERGENCY),
        ("I think my diaphragm is getting weaker", "breathless", Urgency.EMERGENCY),
        (
            "I suddenly can't climb the step at the back door, it was fine last week",
            "worsening_weakness",
            Urgency.SAME_DAY,
        ),
        # Choking or coughing at meals, told as new, is the swallowing sign.
        (
            "this week he's started coughing and choking at every meal, even on his own saliva",
            "swallowing_choking",
            Urgency.EMERGENCY,
        ),
        (
            "since yesterday water comes back up my nose and I cough on every sip",
            "swallowing_choking",
            Urgency.EMERGENCY,
        ),
        ("she coughs at most meals lately", "swallowing_choking", Urgency.EMERGENCY),
        # A cough with no meal is still the infection sign.
        (
            "I've had a nasty cough all week, should I skip the gym?",
            "fever_infection",
            Urgency.SAME_DAY,
        ),
        # Limbs that refuse, told as new.
        (
            "went down the back steps and now my legs wont lift and my knees won't bend to get "
            "back up them, this never happened before",
            "worsening_weakness",
            Urgency.SAME_DAY,
        ),
        # Weaker than before, said as having become so.
        (
            "my legs have got much weaker over the past week",
            "worsening_weakness",
            Urgency.SAME_DAY,
        ),
        (
            "I'm puffing just brushing my teeth and my lips look a bit blue",
            "breathless",
            Urgency.EMERGENCY,
        ),
        # Pain that rest does not ease, or too bad to stand on.
        (
            "I'm getting sore again in odd places, even sitting still",
            "worsening_weakness",
            Urgency.SAME_DAY,
        ),
        (
            "it's so bad tonight I can't put weight on it, way worse than any training ache",
            "severe_pain",
            Urgency.SAME_DAY,
        ),
        # A child who walked the stairs asking to be carried up them again.
        (
            "our 6 yo keeps begging to be carried up the stairs again, says his knees hurt",
            "worsening_weakness",
            Urgency.SAME_DAY,
        ),
        (
            "one of our members just messaged that her legs have got weaker and she's fallen twice",
            "worsening_weakness",
            Urgency.SAME_DAY,
        ),
    ],
)
def test_signs_described_indirectly_are_caught(
    detector: Detector, analyzer: Analyzer, text: str, sign: str, urgency: Urgency
) -> None:
    report = detector.detect(analyzer.nlp(text))
    assert sign in {f.sign for f in report.findings}
    assert report.urgency == urgency


@pytest.mark.parametrize(
    "text",
    [
        "my left arm has always been weaker than my right",
        # A question about the future is no sign.
        "If I use a wheelchair more, will my muscles get weaker?",
        "will my legs get much weaker if I stop the physio?",
        "years ago my legs got much weaker but treatment sorted them out",
    ],
)
def test_weaker_as_a_standing_difference_or_in_the_past_is_no_sign(
    detector: Detector, analyzer: Analyzer, text: str
) -> None:
    assert "worsening_weakness" not in {
        f.sign for f in detector.detect(analyzer.nlp(text)).findings
    }


def test_hopelessness_in_a_long_message_is_a_crisis(detector: Detector, analyzer: Analyzer) -> None:
    text = (
        "I've been doing my exercises for a month. Lately nothing feels worth it, not even the "
        "exercises. What stretches should I do?"
    )
    assert detector.detect(analyzer.nlp(text)).crisis


def _parsed(analyzer: Analyzer, text: str, ranking: list[tuple[str, float]]) -> Message:
    """A message as the classifier leaves it: its doc, top intent and ranking."""
    message = Message({TEXT: text})
    message.set(SPACY_DOCS[TEXT], analyzer.nlp(text))
    rows: list[dict[str, Any]] = [{"name": n, "confidence": c} for n, c in ranking]
    message.set(INTENT, rows[0])
    message.set(INTENT_RANKING_KEY, rows)
    return message


def _intent(net: SafetyNet, message: Message) -> str:
    (processed,) = net.process([message])
    name: str = processed.get(INTENT)["name"]
    return name


@pytest.fixture(scope="module")
def net(detector: Detector) -> SafetyNet:
    return SafetyNet(detector, fallback_threshold=0.3)


@pytest.mark.parametrize(
    ("text", "ranking", "expected"),
    [
        ("I had to give up tennis", [("crisis", 0.67), ("feedback", 0.07)], "nlu_fallback"),
        (
            "I had to give up my job, can I still do strength training?",
            [("crisis", 0.5), ("ask_exercise_type", 0.4)],
            "ask_exercise_type",
        ),
        (
            "stiff for a day after pilates, fine now",
            [("report_warning_sign", 0.6), ("ask_exercise_type", 0.35)],
            "ask_exercise_type",
        ),
        ("I feel like giving up", [("crisis", 0.88)], "crisis"),
        ("I don't want to be here anymore", [("crisis", 0.9)], "crisis"),
        ("my legs feel odd today", [("report_warning_sign", 0.9)], "report_warning_sign"),
        # Asking for a person hands the conversation to a volunteer: the words must ask for one.
        (
            "can I do it holding onto a chair?",
            [("ask_human", 0.5), ("inform", 0.4)],
            "inform",
        ),
        # Too unsure of the rest: the fallback, which continues the topic for a follow-up.
        (
            "can I do it holding onto a chair?",
            [("ask_human", 0.44), ("inform", 0.21)],
            "nlu_fallback",
        ),
        ("can I talk to someone?", [("ask_human", 0.6), ("inform", 0.2)], "ask_human"),
        # Asking for more repeats the last answer: the words must ask for more.
        (
            "and rest, how much?",
            [("tell_me_more", 0.68), ("ask_routine", 0.24)],
            "nlu_fallback",
        ),
        ("tell me a bit more", [("tell_me_more", 0.9)], "tell_me_more"),
    ],
)
def test_classifier_alarms_need_the_words_to_back_them(
    net: SafetyNet,
    analyzer: Analyzer,
    text: str,
    ranking: list[tuple[str, float]],
    expected: str,
) -> None:
    assert _intent(net, _parsed(analyzer, text, ranking)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Would a physio be useful for dermatomyositis?",
        "Could resistance bands make my DM worse?",
        # Having to give something up is no question of having a disease.
        "I'd just got back into running and took up rowing. do I have to give both up now?",
    ],
)
def test_exercise_questions_are_not_declined_as_medical(
    net: SafetyNet, analyzer: Analyzer, text: str
) -> None:
    message = _parsed(analyzer, text, [("ask_medical", 0.6), ("ask_exercise_safety", 0.35)])
    assert _intent(net, message) == "ask_exercise_safety"


def test_a_medicine_question_is_still_declined(net: SafetyNet, analyzer: Analyzer) -> None:
    message = _parsed(analyzer, "how much prednisone should I take?", [("ask_medical", 0.9)])
    assert _intent(net, message) == "ask_medical"


def test_a_medicine_question_about_exercise_is_still_declined(
    net: SafetyNet, analyzer: Analyzer
) -> None:
    message = _parsed(analyzer, "can I take ibuprofen before the gym?", [("ask_medical", 0.6)])
    assert _intent(net, message) == "ask_medical"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("how did you build up to walking every day?", "ask_getting_started"),
        ("do you get wiped out after physio?", "ask_getting_started"),
        ("are you a bot?", "bot_challenge"),
    ],
)
def test_questions_to_you_about_exercise_are_exercise_questions(
    net: SafetyNet, analyzer: Analyzer, text: str, expected: str
) -> None:
    ranking = [("bot_challenge", 0.6), ("ask_getting_started", 0.35)]
    assert _intent(net, _parsed(analyzer, text, ranking)) == expected


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("my legs have been getting weaker for the last month", "worsening_weakness"),
        ("since the weekend she can't get out of her chair at all", "worsening_weakness"),
    ],
)
def test_a_time_running_up_to_now_is_not_the_past(
    detector: Detector, analyzer: Analyzer, text: str, sign: str
) -> None:
    assert sign in {f.sign for f in detector.detect(analyzer.nlp(text)).findings}


def test_palpitations_that_stopped_months_ago_do_not_count(
    detector: Detector, analyzer: Analyzer
) -> None:
    text = "the palpitations from the solu-medrol stopped months ago. can I walk further now?"
    assert not detector.detect(analyzer.nlp(text)).flagged


@pytest.mark.parametrize(
    "text",
    [
        "I keep thinking about jumping in front of a train",
        "some days the pain is so bad I don't want to wake up anymore",
        "some nights I think about taking my life",
        "he said he might take his life if he ends up in a wheelchair",
    ],
)
def test_taking_a_life_a_train_or_not_waking_up_are_a_crisis(
    detector: Detector, analyzer: Analyzer, text: str
) -> None:
    assert detector.detect(analyzer.nlp(text)).crisis


@pytest.mark.parametrize(
    "text",
    [
        "the gym set off a flare and I'm flaring right now, could I still swim?",
        "I'm in a flare, could stretching bring on more pain?",
        "I think I'm flaring again since Sunday",
        "the rash on my face has flared up again this week and I feel so weak",
        "my DM has just flared, can I still do my stretches?",
    ],
)
def test_a_flare_told_as_happening_now_is_a_sign(
    detector: Detector, analyzer: Analyzer, text: str
) -> None:
    assert "flare" in {f.sign for f in detector.detect(analyzer.nlp(text)).findings}


def test_thoughts_of_hurting_oneself_are_a_crisis(detector: Detector, analyzer: Analyzer) -> None:
    report = detector.detect(analyzer.nlp("I've had thoughts of hurting myself since my flare"))
    assert report.crisis


def test_another_language_goes_to_the_fallback(net: SafetyNet, analyzer: Analyzer) -> None:
    text = "Est-ce que je peux faire du sport avec une myosite?"
    assert _intent(net, _parsed(analyzer, text, [("ask_exercise_safety", 0.5)])) == "nlu_fallback"


@pytest.mark.parametrize(
    ("text", "wording"),
    [
        ("Est-ce que je peux faire du sport avec une myosite?", {"language": "fr"}),
        # Danish, which langdetect splits between Norwegian and Danish: not English either way.
        ("Må jeg lave styrketræning når jeg har myositis?", {"language": "no"}),
        ("Mag ik krachttraining doen met myositis?", {"language": "nl"}),
        ("so tierd after excersize is that the myositis", {}),
        ("jkjkjk lll", {"gibberish": True}),
        # A stray letter among the mashing is no word.
        ("jjjjjhh kkk ;;;p[", {"gibberish": True}),
        ("is a pool ok", {}),
        ("can I go swimming?", {}),
        # A crisis carries its wording too: the actions read it from every message.
        ("I've had thoughts of hurting myself since my flare", {}),
    ],
)
def test_the_wording_is_in_the_parse_for_the_actions(
    net: SafetyNet, analyzer: Analyzer, text: str, wording: dict[str, Any]
) -> None:
    (processed,) = net.process([_parsed(analyzer, text, [("ask_exercise_safety", 0.5)])])
    assert processed.as_dict(only_output_properties=True)["wording"] == {
        "language": None,
        "gibberish": False,
        **wording,
    }


@pytest.mark.parametrize(
    "text",
    [
        "can I take an extra prednisone tablet on the days I have physio?",
        "is it ok to double up on my painkillers before a long walk?",
        "how many paracetamol can I have before the gym?",
        # Supplements: nothing in the knowledge base covers them.
        "is whey protein ok after my workouts?",
        "should I take a magnesium supplement for cramp after exercise?",
        "do protein shakes help you build muscle at the gym with myositis?",
        # Asking what to take for a symptom is asking for a medicine, named or not.
        "the steroids give me heartburn that wakes me up at night, what can I take for it?",
        "what can I take for the aching after my walks?",
        "is there anything she can take for the cramps after physio?",
        # Changing how much of a named medicine, or how fast it runs in.
        "when I start the gym should they cut my steroids?",
        "will my pred go up when I do more physio?",
        "can the nurse run the IVIG slower, it gives me a headache after my walks",
    ],
)
def test_a_dose_or_supplement_question_stays_medical_around_exercise_words(
    detector: Detector, analyzer: Analyzer, text: str
) -> None:
    report = detector.detect(analyzer.nlp(text))
    assert report.medical
    assert not report.exercise_only


@pytest.mark.parametrize(
    "text",
    [
        "what can I take up for my balance?",
        "is there a class I can take for my hips?",
        # The medicine is the story; the sport is what is asked about.
        "our daughter is 12 with JDM, doing well on her meds, and wants to try out for the "
        "school soccer team. is that safe for her?",
        "he's stable on methotrexate now. could he go back to boxing?",
    ],
)
def test_taking_up_an_activity_is_no_medicine(
    detector: Detector, analyzer: Analyzer, text: str
) -> None:
    assert not detector.detect(analyzer.nlp(text)).medical


@pytest.mark.parametrize(
    "text",
    [
        "ten days of prednisone did nothing, should I ask my doctor for IV steroids instead?",
        "could I go on methotrexate instead of the pred?",
        # Treating without a medicine, or going back on one.
        "can JDM be treated without steroids? the rheumatologist wants to start prednisone",
        "can I ever take a statin again after necrotizing myopathy?",
        "should I go back on the methotrexate?",
        "should I stay off statins for good?",
        "my doctor mentioned another round of cyclophosphamide, should I have it?",
        "will the medicines for my dermatomyositis harm the baby if I get pregnant on them?",
        # What caused it, and a dose raised again.
        "was on atorvastatin 5 years, stopped it and my CK is still 13000. is it the statin or "
        "something autoimmune?",
        "will they put my steroids back up after the delivery?",
        # How doctors tell one cause from another is diagnosis, and names no flare now.
        "how do doctors tell steroid weakness apart from a flare, what tests do they do?",
    ],
)
def test_asking_for_another_treatment_is_medical(
    detector: Detector, analyzer: Analyzer, text: str
) -> None:
    report = detector.detect(analyzer.nlp(text))
    assert report.medical
    assert not report.flagged


@pytest.mark.parametrize(
    "text",
    [
        # A dose told, not asked, or exercise lowering a test.
        "will exercise lower my CK and my need for steroids?",
        "my legs feel heavy since the prednisone went up, should I still do my exercises?",
        # Home strengthening moves are exercise words.
        "wall push ups and sit to stands, are those ok on steroids?",
        "bridges and leg raises. are they safe with steroid weakness?",
        # What advice means in minutes is no result to read.
        "start low and go slow, but what does that mean in minutes for my DM?",
    ],
)
def test_exercise_questions_beside_medical_words_are_not_medical(
    detector: Detector, analyzer: Analyzer, text: str
) -> None:
    assert not detector.detect(analyzer.nlp(text)).medical


@pytest.mark.parametrize(
    "text",
    [
        "does exercise push my creatine kinase up?",
        "my creatine kinase was high after the gym, should I rest?",
    ],
)
def test_creatine_kinase_is_a_blood_test_not_a_supplement(
    detector: Detector, analyzer: Analyzer, text: str
) -> None:
    assert not detector.detect(analyzer.nlp(text)).medical


@pytest.mark.parametrize(
    "text",
    [
        "I'm on a high dose of prednisone, can I still lift weights?",
        "does my statin mean I should not do strength training?",
    ],
)
def test_an_exercise_question_from_someone_on_a_medicine_is_not_a_dose_question(
    detector: Detector, analyzer: Analyzer, text: str
) -> None:
    assert not detector.detect(analyzer.nlp(text)).medical


def test_asking_which_of_two_subtypes_one_has_is_medical(
    detector: Detector, analyzer: Analyzer
) -> None:
    text = "how can I tell if it's IBM or polymyositis I've got, nobody will say"
    assert detector.detect(analyzer.nlp(text)).medical


def test_a_question_about_a_biopsy_is_medical(detector: Detector, analyzer: Analyzer) -> None:
    assert detector.detect(analyzer.nlp("will they want to do a repeat biopsy on me?")).medical


@pytest.mark.parametrize(
    "text",
    [
        "my wife is puffing after a few words since yesterday",
        "she is puffing when talking since this morning",
    ],
)
def test_too_little_breath_to_talk_is_a_breathing_sign(
    detector: Detector, analyzer: Analyzer, text: str
) -> None:
    assert "breathless" in {f.sign for f in detector.detect(analyzer.nlp(text)).findings}


@pytest.mark.parametrize(
    "text",
    [
        "my kids would be better off if I wasn't here",
        "I keep wondering if anyone would notice if I was no longer here",
        "my strength is going and none of this feels worth it anymore",
        "giving up seems so easy some days and I wonder if I want to keep going at all",
        # Self-harm a parent sees.
        "my 15 yo has been cutting her arms since she had to give up dance. what do I do",
        "I want to kill myself at the gym tonight",
        "I keep thinking it'd be easier for everyone if I just wasn't around",
        # Ending the pain at any cost.
        "some nights I just want the pain gone, even if it means I'm gone too",
    ],
)
def test_wishing_to_be_gone_is_a_crisis(detector: Detector, analyzer: Analyzer, text: str) -> None:
    assert detector.detect(analyzer.nlp(text)).crisis


def test_ordinary_plans_easier_for_everyone_are_no_crisis(
    detector: Detector, analyzer: Analyzer
) -> None:
    text = "would it be easier for everyone if I just did my hydro at home?"
    assert not detector.detect(analyzer.nlp(text)).crisis


@pytest.mark.parametrize(
    "text",
    [
        "I'm on methotrexate, is it ok to go to the gym?",
        "I have lung disease and take steroids. can I try pilates?",
        "I got IMNM from a statin. I walk every day now. what next?",
        "I had to give up golf after the diagnosis, what could I do instead?",
    ],
)
def test_a_question_about_exercise_after_a_medical_story_is_an_exercise_question(
    net: SafetyNet, analyzer: Analyzer, text: str
) -> None:
    message = _parsed(analyzer, text, [("ask_medical", 0.6), ("ask_exercise_safety", 0.35)])
    assert _intent(net, message) == "ask_exercise_safety"


@pytest.mark.parametrize(
    "text",
    [
        "I go to the gym a lot, should I stop the methotrexate?",
        "I swim every day. is it ok to drink wine with my tablets?",
        "I got IMNM from a statin, should I stop taking the statin?",
    ],
)
def test_a_medical_question_after_an_exercise_story_is_still_declined(
    net: SafetyNet, analyzer: Analyzer, text: str
) -> None:
    message = _parsed(analyzer, text, [("ask_medical", 0.6), ("ask_exercise_safety", 0.35)])
    assert _intent(net, message) == "ask_medical"


def test_stopping_it_is_stopping_a_medicine(detector: Detector, analyzer: Analyzer) -> None:
    assert detector.detect(analyzer.nlp("how fast can I come off it?")).medical


@pytest.mark.parametrize(
    "text",
    [
        "my legs ache a couple of days after, is that normal?",
        "my arms are sore the day after the band work, is that normal?",
        "is it normal for my thighs to hurt a day or two after the gym?",
        "after HIIT my legs hurt and the pain lingered for days. is that just normal soreness?",
        "the ache in my thighs after physio lasted two days last week. is that too much?",
    ],
)
def test_soreness_a_day_or_two_after_asked_about_is_the_pain_topic(
    detector: Detector, analyzer: Analyzer, text: str
) -> None:
    """Delayed soreness asked about is a question for the pain answer (which says to ease off and
    talk to the physio), not a warning sign: the sign is pain in the muscles just worked."""
    report = detector.detect(analyzer.nlp(text))
    assert not report.findings
    assert "exercised_muscle_pain" in report.dismissed


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        # Weakness, cramp, severity or worsening keep the sign, however the soreness is asked about.
        ("my legs ache a couple of days after hydro and feel really weak, is that normal?", None),
        ("my legs ache a couple of days after the gym and it's getting worse, normal?", None),
        ("my calves cramp the day after my walks, is that normal?", "exercised_muscle_pain"),
        ("my wee went dark a couple of days after the gym, is that normal?", "dark_urine"),
        # Soreness after exercise that is not asked about stays the review-level sign.
        ("my legs ache a couple of days after the session", "exercised_muscle_pain"),
        ("my knees have been sore since the step class yesterday", "exercised_muscle_pain"),
        # Swollen or throbbing muscles after a session, even asked about.
        (
            "is it normal that after my exercises my thighs are rock hard, swollen and throbbing?",
            "exercised_muscle_pain",
        ),
        ("my arms swelled up after the gym and they're throbbing", "exercised_muscle_pain"),
        (
            "my legs are swollen a couple of days after the class, is that normal?",
            "exercised_muscle_pain",
        ),
    ],
)
def test_delayed_soreness_with_another_sign_still_counts(
    detector: Detector, analyzer: Analyzer, text: str, sign: str | None
) -> None:
    report = detector.detect(analyzer.nlp(text))
    assert report.findings
    if sign is not None:
        assert sign in {f.sign for f in report.findings}


@pytest.mark.parametrize(
    "text",
    [
        "water keeps going down the wrong pipe since last week",
        "I think stuff is going down the wrong pipe when I drink lately",
        "my tea went down the wrong pipe again today and I couldn't stop coughing",
    ],
)
def test_the_wrong_pipe_is_choking(detector: Detector, analyzer: Analyzer, text: str) -> None:
    """ "Going down the wrong pipe" is how patient pages name aspiration: the choking sign."""
    report = detector.detect(analyzer.nlp(text))
    assert "swallowing_choking" in {f.sign for f in report.findings}
    assert report.urgency is Urgency.EMERGENCY


def test_the_wrong_pipe_in_the_past_is_not_a_sign(detector: Detector, analyzer: Analyzer) -> None:
    text = "food went down the wrong pipe a few times last year, none since my speech therapy"
    assert not detector.detect(analyzer.nlp(text)).flagged


def test_a_dose_question_about_pain_after_exercise_keeps_the_warning_sign(
    detector: Detector, analyzer: Analyzer
) -> None:
    """Pain in the muscles just worked is a review-level sign (MDA Quest, TMA): asking how much
    painkiller to take for it does not drop the sign for a decline; the sign's reply sends them
    to the physio or doctor, who also answer the medicine question."""
    report = detector.detect(
        analyzer.nlp("how many paracetamol can I take for the muscle pain after exercise?")
    )
    assert report.urgency is Urgency.REVIEW
    assert not report.crisis


def test_a_change_told_as_from_then_to_now_is_the_disease_story(
    detector: Detector, analyzer: Analyzer
) -> None:
    """ "I went from the gym every day to barely managing the stairs" tells how the disease went,
    the gym being what they used to do: not everyday tasks made harder by a session."""
    text = (
        "I went from the gym every single day to barely managing the stairs. "
        "is it worth going back with IBM?"
    )
    assert not detector.detect(analyzer.nlp(text)).findings


@pytest.mark.parametrize(
    "text",
    [
        # A recent change, or tasks harder after a session, are still signs.
        "I went from the gym every day to barely managing the stairs this week",
        "I went from walking a mile to suddenly barely managing the stairs",
        "after the gym I can barely manage the stairs",
    ],
)
def test_everyday_tasks_harder_lately_or_after_a_session_still_count(
    detector: Detector, analyzer: Analyzer, text: str
) -> None:
    assert detector.detect(analyzer.nlp(text)).findings


def test_an_expected_pattern_must_be_one_of_the_signs(settings: Settings, tmp_path: Any) -> None:
    """A typo in an `expected` block would silently never apply: the lexicon refuses it."""
    import yaml

    from bot.knowledge.schema import KnowledgeError

    raw = yaml.safe_load((settings.knowledge_dir / "safety.yml").read_text(encoding="utf-8"))
    sign = next(s for s in raw["signs"] if s.get("expected"))
    sign["expected"][0]["patterns"] = [["muscle_pain", "no_such_pattern"]]
    path = tmp_path / "safety.yml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(KnowledgeError):
        read_lexicon(path)


@pytest.mark.parametrize(
    "text",
    [
        "it took a year and two biopsies to get diagnosed. anyway my hands are the worst bit now."
        " what would you suggest for them?",
        "Her doctor has her on medication now. What can we do as a family to get her back on her"
        " feet?",
        "I take fish oil and vitamin D every day. Where do I start?",
    ],
)
def test_a_story_before_the_question_does_not_make_it_medical(
    detector: Detector, analyzer: Analyzer, text: str
) -> None:
    assert not detector.detect(analyzer.nlp(text)).medical


@pytest.mark.parametrize(
    "text",
    [
        # The question sentence asks the medical question itself.
        "I was diagnosed last year. how much prednisone should I take now?",
        "My hands are weak. Could it be something other than myositis?",
        # It points back at a medical sentence just before it.
        "My doctor wants to put me on methotrexate. Is that a good idea?",
        # One of several questions is medical.
        "I swim every day. Can I stop the prednisone? And is cycling ok?",
    ],
)
def test_a_medical_question_after_a_story_is_still_medical(
    detector: Detector, analyzer: Analyzer, text: str
) -> None:
    assert detector.detect(analyzer.nlp(text)).medical


@pytest.mark.parametrize(
    "text",
    [
        "I had palpitations at diagnosis but my last ECG was clear. is cardio ok now?",
        "my CK results came back high. how heavy should my dumbbells be?",
        "they found antibodies in my bloods. can I do lunges?",
    ],
)
def test_an_aerobic_or_strength_word_makes_a_question_about_exercise(
    net: SafetyNet, analyzer: Analyzer, text: str
) -> None:
    message = _parsed(analyzer, text, [("ask_medical", 0.6), ("ask_exercise_type", 0.35)])
    assert _intent(net, message) == "ask_exercise_type"


@pytest.mark.parametrize(
    "text",
    [
        "my fingers hyperextend like the IBM patients I met. could I have IBM instead of PM?",
        "my skin has gone red over my knuckles. might it be dermatomyositis?",
        "does she have JDM or just growing pains?",
        "could this be lupus rather than myositis?",
    ],
)
def test_asking_whether_one_has_a_named_condition_is_medical(
    detector: Detector, analyzer: Analyzer, text: str
) -> None:
    assert detector.detect(analyzer.nlp(text)).medical


@pytest.mark.parametrize(
    "text", ["does she have to rest more with JDM?", "could I have a lie down between sets?"]
)
def test_have_and_a_condition_alone_is_no_diagnosis_question(
    detector: Detector, analyzer: Analyzer, text: str
) -> None:
    assert not detector.detect(analyzer.nlp(text)).medical


@pytest.mark.parametrize(
    "text",
    [
        "what do you think of methotrexate for myositis?",
        "is azathioprine worth trying for polymyositis?",
        "is hydroxychloroquine any good for the rash?",
    ],
)
def test_asking_for_an_opinion_of_a_medicine_is_medical(
    detector: Detector, analyzer: Analyzer, text: str
) -> None:
    assert detector.detect(analyzer.nlp(text)).medical


@pytest.mark.parametrize(
    "text",
    [
        "I think my diet keeps my DM flares away. what foods should I cut out?",
        "would a Keeogo exoskeleton stop my IBM legs getting weaker? is it worth the money?",
        "I know I could flare after the birth. what exercise is safe once the baby is here?",
    ],
)
def test_keeping_a_flare_or_weakness_away_or_a_flare_that_could_come_is_no_sign(
    detector: Detector, analyzer: Analyzer, text: str
) -> None:
    assert not detector.detect(analyzer.nlp(text)).findings


@pytest.mark.parametrize(
    "text",
    [
        "should they be giving me IVIG?",
        "do I have IBM or polymyositis?",
        # A dose change with the medicine unnamed; what to eat; whether a symptom is the disease.
        "I'm tapering 5mg a week, should I drop 10 a week like the doctors said?",
        "is there food I can eat after training so my body doesn't flare?",
        "my legs are starting to change colour, is that the DM?",
        "is the plaquenil going to do anything for my muscles or is it just for the skin?",
    ],
)
def test_asking_whether_to_be_given_a_medicine_or_whether_one_has_a_disease_is_medical(
    detector: Detector, analyzer: Analyzer, text: str
) -> None:
    assert detector.detect(analyzer.nlp(text)).medical


def test_whether_tiredness_after_exercise_is_the_disease_is_no_medical_question(
    detector: Detector, analyzer: Analyzer
) -> None:
    # However "exercise" is spelt.
    text = "so tierd after excersize is that the myositis"
    assert not detector.detect(analyzer.nlp(text)).medical


def test_the_words_that_bear_out_a_chat_intent_cover_its_training_examples() -> None:
    """The guard never rules out what the classifier was taught the intent is."""
    examples = [
        m
        for path in sorted((PROJECT_ROOT / "data" / "nlu").glob("*.yml"))
        for m in load_data(str(path)).intent_examples
        if m.get(INTENT) in BORNE_OUT_BY
    ]
    assert {m.get(INTENT) for m in examples} == set(BORNE_OUT_BY)
    assert [
        m.get(TEXT) for m in examples if not BORNE_OUT_BY[m.get(INTENT)].search(m.get(TEXT))
    ] == []
