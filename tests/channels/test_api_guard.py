"""The HTTP API guard, tried against Rasa's own router with every spelling of each route.

Rasa's Sanic app routes `/model/train/`, `/model/` and other spellings to the same handlers as
the canonical paths, so the guard must decide on the route the router resolved, not on the raw
path. Each request goes over a real socket to Rasa's app (created by `rasa.server.create_app`,
with the token a leaked-token attacker would hold), so the router is the one users reach.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio
import rasa.server
from sanic import Sanic

from bot.channels.api_guard import check_api_request
from tests.sanic_serving import serving

pytestmark = pytest.mark.asyncio(loop_scope="module")
TOKEN = "leaked-token"
REFUSED = "this server's model cannot be changed over HTTP"
# (method, canonical path) of every route that trains, tests, replaces or unloads the model.
MODEL_CHANGES = (
    ("POST", "/model/train"),
    ("POST", "/model/test/stories"),
    ("POST", "/model/test/intents"),
    ("PUT", "/model"),
    ("DELETE", "/model"),
)


def spellings(path: str) -> Iterator[str]:
    """Ways of writing ``path`` that a router might still resolve to the same route."""
    yield path
    yield path + "/"
    yield path + "//"
    yield "/" + path
    yield path.replace("/", "//")
    yield path.upper()
    yield path[:-1] + f"%{ord(path[-1]):02X}"
    yield path.replace("/model", "/%6Dodel")
    yield path.replace("/model", "/./model")
    yield path.replace("/model", "/x/../model")
    yield path + "?x=1"


@pytest.fixture(scope="module")
def rasa_app() -> Sanic:
    app: Sanic = rasa.server.create_app(auth_token=TOKEN)
    app.register_middleware(check_api_request, "request")
    return app


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def port(rasa_app: Sanic) -> AsyncIterator[int]:
    async with serving(rasa_app) as port:
        yield port


async def raw_request(
    port: int, method: str, target: str, body: bytes = b"{}", headers: str = ""
) -> tuple[int, str]:
    """Send ``target`` exactly as written (no client-side normalisation); return status, body."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    separator = "&" if "?" in target else "?"
    head = (
        f"{method} {target}{separator}token={TOKEN} HTTP/1.1\r\nHost: localhost\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n{headers}"
        "Connection: close\r\n\r\n"
    )
    writer.write(head.encode("utf-8", "surrogateescape") + body)
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(), 60)
    writer.close()
    status_line, _, rest = answer.partition(b"\r\n")
    return int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2].decode(errors="replace")


@pytest.mark.parametrize(
    ("method", "target"),
    [(method, spelled) for method, path in MODEL_CHANGES for spelled in spellings(path)],
)
async def test_no_spelling_of_a_model_change_reaches_rasa(
    port: int, method: str, target: str
) -> None:
    status, body = await raw_request(port, method, target)
    # Refused by the guard, or not routed at all (so no handler ran).
    assert (status == 403 and REFUSED in body) or status in {404, 405}, (status, body)


async def test_every_model_changing_route_of_rasa_is_covered(rasa_app: Sanic, port: int) -> None:
    changing = {
        (method, "/" + route.path)
        for route in rasa_app.router.routes
        for method in route.methods
        if route.path == "model" or route.path.startswith(("model/train", "model/test"))
    }
    assert changing == set(MODEL_CHANGES)


@pytest.mark.parametrize("target", list(spellings("/model/parse")))
async def test_body_checks_apply_whatever_the_spelling(port: int, target: str) -> None:
    status, body = await raw_request(port, "POST", target, body=b"[1]")
    assert status in {400, 404, 405}, (status, body)
    if status == 400:
        assert json.loads(body)["error"] == "the body must be a JSON object"


async def test_reading_routes_are_not_refused(port: int) -> None:
    status, body = await raw_request(port, "GET", "/version/")
    assert status == 200
    assert "version" in json.loads(body)
