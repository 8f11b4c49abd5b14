"""Settings from environment variables, with defaults that make `make run` work locally.

Everything a deployment changes (database, knowledge folder, helplines, allowed origins, public
addresses) is read here, so that production differs from development by environment only. The
exceptions are RASA_API_TOKEN and ACTION_SERVER_TOKEN, secrets the supervisor hands to the servers:
they are read when needed (``rasa_api_token()``, ``action_server_token()``) and kept out of
Settings (which is printed and compared).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value) if value else default


@dataclass(frozen=True)
class Settings:
    """The configuration one process runs with."""

    database_url: str
    knowledge_dir: Path
    spacy_pipeline: Path
    max_entries_per_answer: int = 2
    emergency_number: str = "000"
    crisis_line: str = "Lifeline on 13 11 14"
    cors_origins: tuple[str, ...] = ("http://127.0.0.1:8080", "http://localhost:8080")
    rasa_public_url: str = "http://127.0.0.1:5005"
    telegram_api_url: str = "https://api.telegram.org"
    messenger_api_url: str = "https://graph.facebook.com/v21.0"
    twilio_api_url: str = "https://api.twilio.com"
    sms_max_chars: int = 1600
    volunteer_hours: str = "mon-fri 09:00-17:00"
    volunteer_timezone: str = "Australia/Sydney"
    # Where the web app itself calls Rasa's HTTP API (the console's handoff), not the public URL.
    rasa_url: str = "http://127.0.0.1:5005"
    console_session_hours: float = 8.0
    signin_window_minutes: float = 15.0
    signin_max_failures_per_account: int = 5
    signin_max_failures_per_address: int = 20
    # Behind a reverse proxy every client shares its address: take X-Forwarded-For's instead.
    console_trust_forwarded_for: bool = False
    # Limits on what one sender may send (bot/channels/guard.py); 0 turns the rate limit off.
    max_message_chars: int = 2000
    rate_limit_per_minute: int = 30
    # Shared by every instance for the rate limit when set; otherwise each process counts alone.
    redis_url: str | None = None
    # How long Rasa waits for the action server before sending the safe reply instead.
    action_timeout_seconds: float = 10.0


def sqlite_url(path: Path) -> str:
    """Return the SQLAlchemy URL of an SQLite file."""
    return f"sqlite:///{path}"


def load_settings() -> Settings:
    """Read the settings from the environment.

    ``DATABASE_URL`` takes any SQLAlchemy URL (PostgreSQL in production); by default the knowledge
    base and conversations live in an SQLite file under the ignored ``var/`` folder.
    """
    var_dir = _path("MYOSITIS_VAR_DIR", PROJECT_ROOT / "var")
    return Settings(
        database_url=os.environ.get("DATABASE_URL") or sqlite_url(var_dir / "myositis.db"),
        knowledge_dir=_path("KNOWLEDGE_DIR", PROJECT_ROOT / "knowledge"),
        spacy_pipeline=_path("SPACY_PIPELINE", PROJECT_ROOT / "build" / "spacy" / "en_myositis"),
        max_entries_per_answer=int(os.environ.get("MAX_ENTRIES_PER_ANSWER", "2")),
        emergency_number=os.environ.get("EMERGENCY_NUMBER", "000"),
        crisis_line=os.environ.get("CRISIS_LINE", "Lifeline on 13 11 14"),
        cors_origins=tuple(os.environ.get("CORS_ORIGINS", " ".join(Settings.cors_origins)).split()),
        rasa_public_url=os.environ.get("RASA_PUBLIC_URL", Settings.rasa_public_url),
        # The platforms' API addresses change only to point the channels at a local fake in tests.
        telegram_api_url=os.environ.get("TELEGRAM_API_URL", Settings.telegram_api_url),
        messenger_api_url=os.environ.get("MESSENGER_API_URL", Settings.messenger_api_url),
        twilio_api_url=os.environ.get("TWILIO_API_URL", Settings.twilio_api_url),
        sms_max_chars=int(os.environ.get("SMS_MAX_CHARS", str(Settings.sms_max_chars))),
        volunteer_hours=os.environ.get("VOLUNTEER_HOURS", Settings.volunteer_hours),
        volunteer_timezone=os.environ.get("VOLUNTEER_TIMEZONE", Settings.volunteer_timezone),
        rasa_url=os.environ.get("RASA_URL", Settings.rasa_url),
        console_session_hours=float(os.environ.get("CONSOLE_SESSION_HOURS", "8")),
        signin_window_minutes=float(os.environ.get("SIGNIN_WINDOW_MINUTES", "15")),
        signin_max_failures_per_account=int(os.environ.get("SIGNIN_MAX_FAILURES_PER_ACCOUNT", "5")),
        signin_max_failures_per_address=int(
            os.environ.get("SIGNIN_MAX_FAILURES_PER_ADDRESS", "20")
        ),
        console_trust_forwarded_for=os.environ.get("CONSOLE_TRUST_FORWARDED_FOR") == "1",
        max_message_chars=int(os.environ.get("MAX_MESSAGE_CHARS", "2000")),
        rate_limit_per_minute=int(os.environ.get("RATE_LIMIT_PER_MINUTE", "30")),
        redis_url=os.environ.get("REDIS_URL") or None,
        action_timeout_seconds=float(os.environ.get("ACTION_TIMEOUT_SECONDS", "10")),
    )


def rasa_api_token() -> str:
    """Return the token for Rasa's HTTP API, read on use so it never sits in Settings."""
    return os.environ.get("RASA_API_TOKEN", "")


def action_server_token() -> str:
    """Return the token Rasa sends to the action server, read on use like the API token."""
    return os.environ.get("ACTION_SERVER_TOKEN", "")
