"""The production profile: its endpoints file, and a clear refusal to start without its services."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest
import yaml

from bot.preflight import preflight
from bot.profile import DEVELOPMENT, PRODUCTION
from bot.serve import Stack
from bot.settings import PROJECT_ROOT, Settings

SECRET = "s3cret-never-printed"


def _closed_port() -> int:
    """A loopback port nothing listens on: the system just handed it out and it was released."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _bot(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_endpoints_differ_from_development_only_by_the_redis_lock_store() -> None:
    development = yaml.safe_load(DEVELOPMENT.endpoints.read_text())
    production = yaml.safe_load(PRODUCTION.endpoints.read_text())
    lock_store = production.pop("lock_store")
    assert production == development
    assert "lock_store" not in development  # Rasa's in-memory lock store
    assert lock_store == {
        "type": "bot.lock_store.ExpiryTolerantRedisLockStore",
        "url": "${REDIS_HOST}",
        "port": "${REDIS_PORT}",
        "db": "${REDIS_DB}",
        "password": "${REDIS_PASSWORD}",
        "key_prefix": "${REDIS_KEY_PREFIX}",
    }
    assert PRODUCTION.defaults["REDIS_KEY_PREFIX"].isalnum()  # Rasa ignores any other prefix


def test_serve_production_names_the_database_and_redis_it_cannot_reach() -> None:
    database_port, redis_port = _closed_port(), _closed_port()
    result = _bot(
        "serve",
        "--production",
        env={
            "DATABASE_URL": f"postgresql://guide:{SECRET}@127.0.0.1:{database_port}/assistant",
            "REDIS_HOST": "127.0.0.1",
            "REDIS_PORT": str(redis_port),
            "REDIS_PASSWORD": SECRET,
        },
    )
    assert result.returncode == 1
    assert "cannot start the production profile:" in result.stderr
    assert (
        f"database unreachable: postgresql database assistant at 127.0.0.1:{database_port} "
        "(DATABASE_URL)" in result.stderr
    )
    assert f"Redis unreachable: 127.0.0.1:{redis_port} db 1" in result.stderr
    assert "Connection refused" in result.stderr
    assert SECRET not in result.stderr + result.stdout
    assert "is up" not in result.stdout


def test_production_refuses_sqlite_and_a_missing_redis_host() -> None:
    environ = {
        **PRODUCTION.defaults,
        "ACTION_ENDPOINT_URL": "http://127.0.0.1:5055/webhook",
        "ACTION_SERVER_TOKEN": SECRET,
        "DATABASE_URL": "sqlite:///var/myositis.db",
    }
    assert preflight(PRODUCTION, environ) == [
        "REDIS_HOST is not set (endpoints.production.yml needs it)",
        "REDIS_PASSWORD is not set (endpoints.production.yml needs it)",
        "the production profile needs DATABASE_URL to name a PostgreSQL database that every "
        "server shares, not an SQLite file",
    ]


def test_development_names_an_unreachable_database_at_start() -> None:
    port = _closed_port()
    url = f"postgresql://guide:{SECRET}@127.0.0.1:{port}/assistant"
    for command in (["serve"], ["check"], ["kb", "load"], ["db", "migrate"]):
        result = _bot(*command, env={"DATABASE_URL": url})
        assert result.returncode == 1, command
        assert (
            f"database unreachable: postgresql database assistant at 127.0.0.1:{port} "
            "(DATABASE_URL): connection to server at" in result.stderr
        ), command
        assert "Traceback" not in result.stderr
        assert SECRET not in result.stderr + result.stdout


def test_production_passes_when_postgres_and_redis_answer(
    postgres_database: str, redis_environment: dict[str, str]
) -> None:
    environ = {
        **redis_environment,
        "ACTION_ENDPOINT_URL": "http://127.0.0.1:5055/webhook",
        "ACTION_SERVER_TOKEN": SECRET,
        "DATABASE_URL": postgres_database,
    }
    assert preflight(PRODUCTION, environ) == []
    wrong_password = preflight(PRODUCTION, {**environ, "REDIS_PASSWORD": SECRET})
    assert len(wrong_password) == 1
    assert wrong_password[0].startswith(
        f"Redis unreachable: {environ['REDIS_HOST']}:{environ['REDIS_PORT']}"
    )
    assert SECRET not in wrong_password[0]


def test_production_needs_tokens_shared_by_every_server(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RASA_API_TOKEN", raising=False)
    monkeypatch.delenv("ACTION_SERVER_TOKEN", raising=False)
    problems = Stack(settings, profile=PRODUCTION).problems()
    assert problems[0] == "RASA_API_TOKEN is not set"
    assert "ACTION_SERVER_TOKEN is not set (endpoints.production.yml needs it)" in problems
    # In development each run makes up its own.
    development = Stack(settings)
    assert development.api_token
    assert development.action_token
    assert development.environment()["ACTION_SERVER_TOKEN"] == development.action_token
