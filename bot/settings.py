"""Settings from environment variables, with defaults that make `make run` work locally.

Everything a deployment changes (database, knowledge folder, helplines, allowed origins, public
addresses) is read here, so that production differs from development by environment only. The
exceptions are the secrets the supervisor hands to the servers (RASA_API_TOKEN, RASA_JWT_SECRET,
ACTION_SERVER_TOKEN, REST_CHANNEL_TOKEN, SESSION_SECRET, ADDRESS_KEY): they are read when needed
(``secret("SESSION_SECRET")``) and kept out of Settings (which is printed and compared).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# "1": console admins need two-step sign-in (`bot.profile.PRODUCTION` sets it).
REQUIRE_ADMIN_MFA = "CONSOLE_REQUIRE_ADMIN_MFA"


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
    # Admins cannot sign in without two-step sign-in (TOTP); the production profile forces it on.
    require_admin_mfa: bool = False
    # How many reverse proxies stand in front of the web app: the client address is the hop the
    # outermost one added to X-Forwarded-For (0: the socket's peer; bot/console/guard.py).
    trusted_proxy_count: int = 0
    # Limits on what one sender may send (bot/channels/guard.py); 0 turns the rate limit off.
    # The per-sender limit also caps each socket.io connection, whatever sender it claims.
    max_message_chars: int = 2000
    rate_limit_per_minute: int = 30
    # Messages one client address may send a minute over REST and socket.io (0: no limit), so a
    # client cannot dodge the per-sender limit by making up sender ids. Several people behind
    # one address (a clinic, a mobile carrier) share it, so it is well above the per-sender one.
    rate_limit_per_address_per_minute: int = 120
    # Shared by every instance for the rate limit when set; otherwise each process counts alone.
    redis_url: str | None = None
    # How long Rasa waits for the action server before sending the safe reply instead.
    action_timeout_seconds: float = 10.0
    # The console's queue and report read only conversations active in this many last days, so
    # a flood of made-up conversations cannot make every page view read the whole history.
    console_queue_days: float = 90.0
    # What the servers write while they run (the default SQLite file, each run's credentials):
    # the only writable place a read-only container needs besides /tmp.
    var_dir: Path = PROJECT_ROOT / "var"
    # How often an action server asks whether new content was published (at most, in seconds).
    kb_reload_seconds: float = 2.0
    # An entry without a next-review date is due this many days after its last review: the
    # charity's policy, not a medical fact.
    review_interval_days: int = 365


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
        var_dir=var_dir,
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
        require_admin_mfa=os.environ.get(REQUIRE_ADMIN_MFA) == "1",
        trusted_proxy_count=int(os.environ.get("TRUSTED_PROXY_COUNT", "0")),
        max_message_chars=int(os.environ.get("MAX_MESSAGE_CHARS", "2000")),
        rate_limit_per_minute=int(os.environ.get("RATE_LIMIT_PER_MINUTE", "30")),
        rate_limit_per_address_per_minute=int(
            os.environ.get("RATE_LIMIT_PER_ADDRESS_PER_MINUTE", "120")
        ),
        redis_url=os.environ.get("REDIS_URL") or None,
        action_timeout_seconds=float(os.environ.get("ACTION_TIMEOUT_SECONDS", "10")),
        console_queue_days=float(os.environ.get("CONSOLE_QUEUE_DAYS", "90")),
        kb_reload_seconds=float(os.environ.get("KB_RELOAD_SECONDS", "2")),
        review_interval_days=int(os.environ.get("REVIEW_INTERVAL_DAYS", "365")),
    )


def secret(name: str) -> str:
    """Return a secret the supervisor hands on ("" if unset), read on use: never in Settings."""
    return os.environ.get(name, "")


def rasa_jwt_secret() -> str:
    """Return the key of the console's JWTs for Rasa's API, read on use: never in Settings."""
    return secret("RASA_JWT_SECRET")


def action_server_token() -> str:
    """Return the token Rasa sends to the action server, read on use like the JWT secret."""
    return os.environ.get("ACTION_SERVER_TOKEN", "")
