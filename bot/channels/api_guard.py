"""Rasa's HTTP API, with the bodies its handlers would crash on refused before they get there.

Rasa 3.6 answers some malformed requests to its HTTP API with a 500: a JSON list or number sent
to /model/parse, /conversations/<id>/messages or /conversations/<id>/trigger_intent, or a number
where it expects text. This request middleware checks those bodies first and answers 400 with a
JSON error naming what is wrong. It also refuses the routes that train, test, replace or unload
the model (a deployed assistant's model comes from its release, and a leaked token must not let
anyone swap the model of a health assistant). The REST channel, always on, registers it.

Both checks decide on the route Sanic's router resolved (its path template), never on the raw
path: the router also sends `/model/train/`, `/model//` and other spellings to the same handlers.
"""

from __future__ import annotations

from typing import Any

from sanic import response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.guard import unreadable

# The fields a JSON body needs: (name, type, required).
Fields = tuple[tuple[str, type, bool], ...]
_CONVERSATION = "conversations/<conversation_id:path>/"
_ACTION_FIELDS: Fields = (("name", str, True), ("entities", dict, False))
# Rasa's route templates (Sanic's `route.path`, no leading slash) whose POST bodies are checked.
JSON_ROUTES: dict[str, Fields] = {
    "model/parse": (("text", str, True), ("message_id", str, False)),
    _CONVERSATION + "messages": (
        ("text", str, True),
        ("sender", str, True),
        ("parse_data", dict, False),
    ),
    _CONVERSATION + "trigger_intent": _ACTION_FIELDS,
    _CONVERSATION + "execute": _ACTION_FIELDS,
}
# The routes that train, test, replace (PUT) or unload (DELETE) the model.
MODEL_CHANGES = frozenset({"model", "model/train", "model/test/stories", "model/test/intents"})
_TYPE_NAMES: dict[type, str] = {str: "a string", dict: "a JSON object"}


def problem(request: Request) -> str | None:
    """What is wrong with a request to a checked route, or None.

    Text must be readable and not empty: the channels clean what users type, but this API is for
    trusted callers, who are told instead (a NUL or a lone surrogate cannot be stored, and Rasa
    fails on empty text).
    """
    fields = JSON_ROUTES.get(route_path(request))
    if request.method != "POST" or fields is None:
        return None
    why = body_problem(request, fields)
    text = request.json.get("text") if why is None else None
    if isinstance(text, str) and not text.strip():
        why = "text is empty"
    elif isinstance(text, str) and unreadable(text):
        why = "text contains control characters or unpaired surrogates"
    return why


def route_path(request: Request) -> str:
    """The path template of the route the router chose for ``request`` ("": none)."""
    route = getattr(request, "route", None)
    return "" if route is None else str(route.path)


def body_problem(request: Request, fields: Fields) -> str | None:
    """Whether the body is a JSON object with each field of the expected type."""
    try:
        body: Any = request.json
    except SanicException:
        return "the body is not valid JSON"
    if not isinstance(body, dict):
        return "the body must be a JSON object"
    for name, kind, required in fields:
        if name not in body:
            if required:
                return f"{name} is required"
        elif not isinstance(body[name], kind):
            return f"{name} must be {_TYPE_NAMES[kind]}"
    return None


async def check_api_request(request: Request) -> HTTPResponse | None:
    """Answer a refused request here; let every other request through to Rasa."""
    if request.method in {"POST", "PUT", "DELETE"} and route_path(request) in MODEL_CHANGES:
        return response.json({"error": "this server's model cannot be changed over HTTP"}, 403)
    why = problem(request)
    return None if why is None else response.json({"error": why}, status=400)
