"""The production profile refuses weak or forgotten secrets before anything starts."""

from __future__ import annotations

import secrets

import pytest

from bot.parts import DB_ROLE_PASSWORDS, OPTIONAL_SECRETS, PART_SECRETS, PARTS, SETUP
from bot.preflight import GUESSABLE, MIN_CHARS, MIN_TOKEN_CHARS, preflight
from bot.profile import PRODUCTION
from bot.serve import Stack
from bot.settings import Settings

BASE = {
    "ACTION_ENDPOINT_URL": "http://127.0.0.1:5055/webhook",
    "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none",
    "REDIS_HOST": "127.0.0.1",
    "REDIS_PORT": "1",
    "REDIS_DB": "1",
    "REDIS_PASSWORD": "redis-password",
    "REDIS_KEY_PREFIX": "x",
}


def test_redis_password_must_be_given() -> None:
    environ = {**BASE, "ACTION_SERVER_TOKEN": secrets.token_hex(24)}
    del environ["REDIS_PASSWORD"]
    problems = preflight(PRODUCTION, environ)
    assert any(p.startswith("REDIS_PASSWORD is not set") for p in problems), problems


SECRETS = (
    "RASA_API_TOKEN",
    "RASA_JWT_SECRET",
    "ACTION_SERVER_TOKEN",
    "REST_CHANNEL_TOKEN",
    "SESSION_SECRET",
    "ADDRESS_KEY",
)


@pytest.mark.parametrize("name", SECRETS)
def test_short_secrets_are_refused(name: str) -> None:
    minimum = MIN_CHARS.get(name, MIN_TOKEN_CHARS)
    environ = {**BASE, **{other: secrets.token_hex(24) for other in SECRETS}, name: "x"}
    problems = preflight(PRODUCTION, environ)
    assert f"{name} is too short: use at least {minimum} random characters" in " ".join(problems)
    environ[name] = "y" * (minimum - 1)
    assert any(p.startswith(f"{name} is too short") for p in preflight(PRODUCTION, environ))
    environ[name] = "y" * minimum
    assert not any("too short" in p for p in preflight(PRODUCTION, environ))


def test_the_jwt_secret_is_as_long_as_hs256s_hash() -> None:
    # Any JWT seen in transit lets its reader guess the key offline (RFC 7518 section 3.2).
    assert MIN_CHARS["RASA_JWT_SECRET"] >= 32


EVERY_SECRET = {
    *(name for names in PART_SECRETS.values() for name in names),
    *(name for names in OPTIONAL_SECRETS.values() for name in names),
}


def _secret_problems(part: str, settings: Settings) -> list[str]:
    problems = Stack(settings, profile=PRODUCTION, parts=(part,)).problems()
    return [p for p in problems if " is not set" in p or " is too short" in p]


@pytest.mark.parametrize("part", PARTS)
def test_each_part_requires_its_own_secrets_and_no_other(
    part: str, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A container is given only its part's secrets (docs/deploy): that must be enough to start.
    for name in EVERY_SECRET:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REDIS_HOST", "127.0.0.1")
    given = {name: secrets.token_hex(24) for name in PART_SECRETS[part]}
    for name, value in given.items():
        monkeypatch.setenv(name, value)
    assert _secret_problems(part, settings) == []
    for name, value in given.items():
        monkeypatch.delenv(name)
        assert any(p.startswith(f"{name} is not set") for p in _secret_problems(part, settings))
        if name in GUESSABLE:
            monkeypatch.setenv(name, "short")
            assert f"{name} is too short" in " ".join(_secret_problems(part, settings))
        monkeypatch.setenv(name, value)


def test_the_setup_job_checks_the_database_roles_passwords() -> None:
    environ = {
        "DATABASE_URL": BASE["DATABASE_URL"],
        **dict.fromkeys(DB_ROLE_PASSWORDS.values(), "x"),
    }
    problems = " ".join(preflight(PRODUCTION, environ, (SETUP,)))
    for name in DB_ROLE_PASSWORDS.values():
        assert f"{name} is too short" in problems
    assert "REDIS" not in problems  # the set-up job needs no Redis
