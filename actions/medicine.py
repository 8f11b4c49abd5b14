"""Whether a follow-up asks about a medicine named earlier ("how quickly can I come off it?")."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.tracker_view import Turn, earlier_user_texts
from bot.follow_up import about_the_medicine, asks_about_a_dose, points_back
from bot.safety.medicine_words import names_a_medicine


def asks_about_a_named_medicine(turn: Turn, tracker: Tracker) -> bool:
    """Whether a short question asks what to do with a medicine named earlier in the session.

    After "I'm on prednisone, can I exercise?", "how quickly can I come off it?" asks about the
    prednisone: a medical question, though its words name no medicine and the classifier may
    file it under routines. So does a question about a dose, which is a medicine's whether or
    not it points back ("what dose is too high to train on?"). The same words after an answer on
    swimming name no medicine.
    """
    question = turn.question or turn.text
    return (
        about_the_medicine(question)
        and (points_back(question) or asks_about_a_dose(question))
        and medicine_named(tracker)
    )


def medicine_named(tracker: Tracker) -> bool:
    """Whether the user named a medicine earlier in the session ("I'm on prednisone, ...")."""
    return any(names_a_medicine(t) for t in earlier_user_texts(tracker))
