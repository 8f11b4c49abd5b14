"""Settings from environment variables, with defaults that make `make run` work locally.

Everything a deployment changes (database, knowledge folder, helplines, allowed origins, public
addresses) is read here, so that production differs from development by environment only. The
one exception is RASA_API_TOKEN, a secret the supervisor hands to Rasa and keeps out of Settings.
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
    )
