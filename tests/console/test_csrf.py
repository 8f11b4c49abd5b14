"""CSRF tokens: any submitted value is a refusal or a pass, never an exception."""

from __future__ import annotations

import pytest

from bot.console.csrf import csrf_token, csrf_valid


def test_the_token_for_the_cookie_passes() -> None:
    assert csrf_valid("cookie", csrf_token("cookie"))


@pytest.mark.parametrize("submitted", ["é", "😀" * 64, "\x00", csrf_token("cookie") + "é"])
def test_a_non_ascii_token_is_refused_not_an_error(submitted: str) -> None:
    assert csrf_valid("cookie", submitted) is False
