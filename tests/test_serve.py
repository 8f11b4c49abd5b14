"""What the supervisor would start, without starting anything."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.profile import PRODUCTION, Profile
from bot.rasa_server import JWT_LEEWAY_SECONDS, limit_jwt_leeway, rasa_arguments
from bot.serve import RUN_SECRETS, Ports, Stack
from bot.settings import Settings


def test_the_full_stack_starts_actions_then_rasa_then_the_web_app(settings: Settings) -> None:
    assert [s.name for s in Stack(settings).plan()] == ["actions", "rasa", "web"]


def test_a_rasa_server_alone_runs_another_assistant(settings: Settings, tmp_path: Path) -> None:
    stack = Stack(
        settings,
        ports=Ports(rasa=25006),
        model=tmp_path / "model.tar.gz",
        profile=Profile("stock", tmp_path / "endpoints.yml"),
        credentials=tmp_path / "credentials.yml",
        parts=("rasa",),
    )
    (rasa,) = stack.plan()
    assert rasa.name == "rasa"
    assert rasa.health_url == "http://127.0.0.1:25006/"
    for flag, name in [
        ("--model", "model.tar.gz"),
        ("--endpoints", "endpoints.yml"),
        ("--credentials", "credentials.yml"),
    ]:
        assert rasa.argv[rasa.argv.index(flag) + 1] == str(tmp_path / name)


def test_no_token_is_on_a_command_line(settings: Settings) -> None:
    # Any local user can read a process's arguments (ps, /proc/<pid>/cmdline), not its environment.
    stack = Stack(settings, api_token="api-token-x", action_token="action-token-y")
    jwt_secret = stack.environment()["RASA_JWT_SECRET"]
    for server in stack.plan():
        assert not any("token-" in argument for argument in server.argv), server.argv
        assert jwt_secret not in server.argv
        assert "--auth-token" not in server.argv
        assert "--jwt-secret" not in server.argv
    environment = stack.environment()
    assert environment["RASA_API_TOKEN"] == "api-token-x"
    assert environment["ACTION_SERVER_TOKEN"] == "action-token-y"


def test_the_rasa_launcher_takes_the_token_and_jwt_secret_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RASA_API_TOKEN", "from-env")
    monkeypatch.setenv("RASA_JWT_SECRET", "jwt-from-env")
    assert rasa_arguments(["rasa", "run", "--port", "1"]) == [
        "rasa",
        "run",
        "--port",
        "1",
        "--auth-token=from-env",
        "--jwt-secret=jwt-from-env",
        "--jwt-method=HS256",
    ]
    # Other commands take neither; explicit ones are kept, in either spelling.
    assert rasa_arguments(["rasa", "train"]) == ["rasa", "train"]
    explicit = ["rasa", "run", "--auth-token", "given", "--jwt-secret=given-too"]
    assert rasa_arguments(explicit) == explicit
    monkeypatch.delenv("RASA_JWT_SECRET")
    assert not any(a.startswith("--jwt-secret") for a in rasa_arguments(["rasa", "run"]))


def test_rasa_parses_secrets_that_start_with_a_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    # secrets.token_urlsafe starts with "-" one time in 64; CI once lost a run to it (exit 2).
    from rasa.__main__ import create_argument_parser

    monkeypatch.setenv("RASA_API_TOKEN", "-token-with-a-dash")
    monkeypatch.setenv("RASA_JWT_SECRET", "--jwt-secret-with-dashes-and-32-chars")
    arguments = create_argument_parser().parse_args(rasa_arguments(["rasa", "run"])[1:])
    assert arguments.auth_token == "-token-with-a-dash"
    assert arguments.jwt_secret == "--jwt-secret-with-dashes-and-32-chars"
    assert arguments.jwt_method == "HS256"


def test_rasa_accepts_an_expired_jwt_for_seconds_not_minutes() -> None:
    # sanic-jwt's own leeway is 180 s: a one-minute JWT would otherwise work for four.
    environ: dict[str, str] = {}
    limit_jwt_leeway(environ)
    assert environ == {"SANIC_SANIC_JWT_LEEWAY": str(JWT_LEEWAY_SECONDS)}
    assert JWT_LEEWAY_SECONDS <= 10
    given = {"SANIC_SANIC_JWT_LEEWAY": "2"}
    limit_jwt_leeway(given)
    assert given == {"SANIC_SANIC_JWT_LEEWAY": "2"}


def test_the_conversation_secrets_are_made_up_per_run_and_required_in_production(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in RUN_SECRETS:
        monkeypatch.delenv(name, raising=False)
    problems = Stack(settings, profile=PRODUCTION).problems()
    assert "SESSION_SECRET is not set" in problems
    assert "ADDRESS_KEY is not set" in problems
    assert "RASA_JWT_SECRET is not set" in problems
    assert not any("REST_CHANNEL_TOKEN" in p for p in problems)  # without it REST is just off

    runs = [Stack(settings), Stack(settings)]
    for name in RUN_SECRETS:
        values = [run.environment()[name] for run in runs]
        assert len(values[0]) >= 32
        assert values[0] != values[1]
    monkeypatch.setenv("SESSION_SECRET", "given-by-the-deployment")
    assert Stack(settings).environment()["SESSION_SECRET"] == "given-by-the-deployment"


def test_a_runs_channel_credentials_are_written_under_var_only(
    settings: Settings, tmp_path: Path
) -> None:
    # A read-only container can write nowhere else (docs/deploy: var/ and /tmp are in memory).
    stack = Stack(replace(settings, var_dir=tmp_path), ports=Ports(rasa=25007))
    rasa = next(s for s in stack.plan() if s.name == "rasa")
    written = Path(rasa.argv[rasa.argv.index("--credentials") + 1])
    assert written == tmp_path / "run-25007" / "credentials.yml"
    assert written.is_file()
