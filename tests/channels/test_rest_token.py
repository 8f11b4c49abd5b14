"""The REST channel's bearer token: any header value is a plain yes or no, never a 500."""

from __future__ import annotations

import pytest

from bot.channels.rest import token_ok

TOKEN = "rest-channel-token-for-this-test"


@pytest.fixture(autouse=True)
def _token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REST_CHANNEL_TOKEN", TOKEN)


def test_the_right_bearer_token_is_accepted() -> None:
    assert token_ok(f"Bearer {TOKEN}")


@pytest.mark.parametrize(
    "header", [None, "", TOKEN, "Bearer wrong", "Bearer \u00e9\u00e9", "Bearer \udcff", "Bearer 😀"]
)
def test_anything_else_is_refused(header: str | None) -> None:
    assert not token_ok(header)


def test_an_empty_token_setting_refuses_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REST_CHANNEL_TOKEN", "")
    assert not token_ok("Bearer ")
