"""The action server's token: taken from the Authorization header Rasa sends, never from a URL.

Each request goes over a real socket to the guarded app, and the accepted one is sent by Rasa's
own EndpointConfig read from the project's endpoints files, so what Rasa sends is what is checked.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio
from rasa.utils.endpoints import ClientResponseError, EndpointConfig, read_endpoint_config
from sanic import Sanic

from bot.actions_server import guarded_app
from bot.settings import PROJECT_ROOT
from tests.sanic_serving import serving

pytestmark = pytest.mark.asyncio(loop_scope="module")
TOKEN = "action-token-for-this-test"
ENDPOINT_FILES = (PROJECT_ROOT / "endpoints.yml", PROJECT_ROOT / "endpoints.production.yml")
# Every variable the endpoints files name, so Rasa can read them.
ENDPOINT_VARIABLES = {
    "DATABASE_URL": "sqlite:///unused.db",
    "REDIS_HOST": "127.0.0.1",
    "REDIS_PORT": "6379",
    "REDIS_DB": "1",
    "REDIS_PASSWORD": "",
    "REDIS_KEY_PREFIX": "myositis",
}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def base() -> AsyncIterator[str]:
    app: Sanic = guarded_app(TOKEN)
    async with serving(app) as port:
        yield f"http://127.0.0.1:{port}"


async def status_of(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(url, headers=headers, timeout=aiohttp.ClientTimeout(30)) as answer,
    ):
        return answer.status, await answer.text()


@pytest.mark.parametrize("endpoints", ENDPOINT_FILES, ids=lambda p: p.name)
async def test_rasa_sends_the_token_in_a_header_the_server_accepts(
    base: str, endpoints: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in {**ENDPOINT_VARIABLES, "ACTION_SERVER_TOKEN": TOKEN}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("ACTION_ENDPOINT_URL", f"{base}/actions")
    endpoint = read_endpoint_config(str(endpoints), "action_endpoint")
    assert endpoint is not None
    assert endpoint.token is None  # Rasa would put it in the URL
    listed = await endpoint.request(method="get")  # as Rasa calls it: raises on a 401
    assert {"name": "action_answer"} in listed


@pytest.mark.parametrize(
    "headers",
    [
        None,
        {"Authorization": "Bearer wrong"},
        {"Authorization": TOKEN},
        {"X-Token": TOKEN},
        {"Authorization": "Bearer \u00e9\u00e9"},
    ],
    ids=["none", "wrong", "not-bearer", "other-header", "non-ascii"],
)
async def test_a_missing_or_wrong_header_is_refused(
    base: str, headers: dict[str, str] | None
) -> None:
    status, body = await status_of(f"{base}/actions", headers)
    assert status == 401
    assert "missing or wrong token" in body


async def test_the_token_in_the_url_is_refused_even_when_right(base: str) -> None:
    status, body = await status_of(f"{base}/actions?token={TOKEN}")
    assert status == 401
    assert "never in the URL" in body
    status, _ = await status_of(
        f"{base}/actions?token={TOKEN}", {"Authorization": f"Bearer {TOKEN}"}
    )
    assert status == 401


async def test_rasa_with_a_url_token_is_refused(base: str) -> None:
    with pytest.raises(ClientResponseError) as refused:
        await EndpointConfig(f"{base}/actions", token=TOKEN).request(method="get")
    assert refused.value.status == 401


async def test_health_needs_no_token(base: str) -> None:
    assert (await status_of(f"{base}/health"))[0] == 200
