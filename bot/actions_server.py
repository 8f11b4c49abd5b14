"""The action server: rasa-sdk's, refusing every call that lacks the shared token.

rasa-sdk's own server has no authentication, listens on every interface and answers an error with
the exception's text and the request body. This one builds the same app, binds it to the given
host (loopback by default), and lets only /health through without the token Rasa sends as
``Authorization: Bearer <ACTION_SERVER_TOKEN>`` (endpoints.yml's `headers:`); its errors name no
internals. A token in the URL (Rasa's own `token:` option sends ``?token=``) is refused even when
right: URLs end up in access logs, so a configuration that puts it there must fail, not leak.
It refuses to start without a token, so a deployment cannot forget it.
"""

from __future__ import annotations

import logging

from rasa_sdk import utils
from rasa_sdk.endpoint import create_app
from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.constant_time import bearer_ok
from bot.settings import action_server_token

logger = logging.getLogger(__name__)

OPEN_PATHS = frozenset({"/health"})
# Rasa's EndpointConfig sends its `token:` as this query parameter (its token_name): refused.
TOKEN_PARAMETER = "token"


def is_action_call(request: Request) -> bool:
    """Whether the body is a JSON object (a compressed body is left to rasa-sdk to read)."""
    if request.headers.get("Content-Encoding") == "deflate":
        return True
    try:
        return isinstance(request.json, dict)
    except SanicException:
        return False


def guarded_app(token: str) -> Sanic:
    """rasa-sdk's app for the project's actions, behind the token check."""
    if not token:
        raise SystemExit("ACTION_SERVER_TOKEN is not set: the action server needs a token")
    app: Sanic = create_app("actions", cors_origins=[])

    async def require_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS:
            return None
        if TOKEN_PARAMETER in request.args:
            logger.warning("refused a call to %s with a token in its URL", request.path)
            error = "missing or wrong token: send it as Authorization: Bearer, never in the URL"
            return response.json({"error": error}, status=401)
        if not bearer_ok(token, request.headers.get("Authorization")):
            logger.warning("refused a call to %s without the action server token", request.path)
            return response.json({"error": "missing or wrong token"}, status=401)
        if request.path == "/webhook" and not is_action_call(request):
            return response.json({"error": "expected an action call: a JSON object"}, status=400)
        return None

    async def plain_error(request: Request, error: Exception) -> HTTPResponse:
        if isinstance(error, SanicException):
            return response.json({"error": str(error)}, status=error.status_code)
        logger.error("action server error on %s", request.path, exc_info=error)
        return response.json({"error": "the action failed"}, status=500)

    app.register_middleware(require_token, "request")
    app.error_handler.add(Exception, plain_error)
    return app


def run(host: str, port: int) -> None:
    """Serve the actions until stopped."""
    utils.configure_colored_logging("INFO")
    utils.update_sanic_log_level()
    app = guarded_app(action_server_token())
    app.run(host, port, workers=utils.number_of_sanic_workers(), access_log=False)
