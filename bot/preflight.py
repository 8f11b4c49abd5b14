"""Checks, before any server starts, that what the profile needs is set and answers.

Without them a missing database shows as Rasa retrying forever in silence (its SQL tracker store
waits for the database in a loop), and a missing Redis only as failed messages later. Each
problem names the variable and the host:port to fix; no password is ever printed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

import redis
import yaml
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from bot.channels.enabled import variables
from bot.db import engine_for
from bot.parts import DB_ROLE_PASSWORDS, OPTIONAL_SECRETS, SERVER_NAMES, secrets_of
from bot.profile import Profile

TIMEOUT_SECONDS = 5.0
_DEFAULT_PORTS = {"postgresql": 5432, "mysql": 3306}
TOKEN_VARIABLES = ("RASA_API_TOKEN", "ACTION_SERVER_TOKEN")
# Secrets checked for length: the shared tokens, the keys of conversation ids and delivery
# addresses, and the passwords of the database roles.
GUESSABLE = (
    *TOKEN_VARIABLES,
    "RASA_JWT_SECRET",
    "REST_CHANNEL_TOKEN",
    "SESSION_SECRET",
    "ADDRESS_KEY",
    *DB_ROLE_PASSWORDS.values(),
)
MIN_TOKEN_CHARS = 16
# Longer minimums. Each JWT the console sends lets anyone who reads it try secrets offline, as
# fast as they can compute HMACs, so the signing key must be at least as long as the hash
# (RFC 7518 section 3.2: 256 bits for HS256).
MIN_CHARS: Mapping[str, int] = {"RASA_JWT_SECRET": 32}
_REDIS_VARIABLES = {"REDIS_HOST", "REDIS_PORT", "REDIS_DB", "REDIS_PASSWORD"}


@dataclass(frozen=True)
class RedisAddress:
    """Where the lock store is, read from the variables endpoints.production.yml names."""

    host: str
    port: int
    db: int
    password: str = field(repr=False)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> RedisAddress:
        """Read REDIS_HOST, REDIS_PORT, REDIS_DB and REDIS_PASSWORD."""
        return cls(
            environ["REDIS_HOST"],
            int(environ["REDIS_PORT"]),
            int(environ["REDIS_DB"]),
            environ["REDIS_PASSWORD"],
        )


def database_location(url: str) -> str:
    """Say which database ``url`` names, without its password."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return f"SQLite file {parsed.database}"
    port = parsed.port or _DEFAULT_PORTS.get(backend, "?")
    return f"{backend} database {parsed.database} at {parsed.host or 'localhost'}:{port}"


def _first_line(error: BaseException) -> str:
    cause = getattr(error, "orig", None) or error
    return (str(cause).strip().splitlines() or [type(cause).__name__])[0]


def unreachable_database(url: str, error: SQLAlchemyError) -> str:
    """Say that the database at ``url`` did not answer, and why."""
    return f"database unreachable: {database_location(url)} (DATABASE_URL): {_first_line(error)}"


def database_problem(url: str) -> str | None:
    """Connect to the database at ``url`` once; say what is wrong, or None when it answers."""
    try:
        engine = engine_for(url)
    except ArgumentError:
        return "DATABASE_URL is not a database URL (e.g. postgresql://user@host:5432/name)"
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        return unreachable_database(url, error)
    return None


def redis_problem(address: RedisAddress) -> str | None:
    """Ping Redis once; say what is wrong, or None when it answers."""
    client = redis.Redis(
        host=address.host,
        port=address.port,
        db=address.db,
        password=address.password or None,
        socket_connect_timeout=TIMEOUT_SECONDS,
        socket_timeout=TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    except redis.RedisError as error:
        return (
            f"Redis unreachable: {address.host}:{address.port} db {address.db} "
            f"(REDIS_HOST, REDIS_PORT, REDIS_DB, REDIS_PASSWORD): {_first_line(error)}"
        )
    finally:
        client.close()
    return None


def endpoint_variables(profile: Profile) -> list[str]:
    """The variables the profile's endpoints file names (Rasa's server reads them)."""
    endpoints = yaml.safe_load(profile.endpoints.read_text(encoding="utf-8")) or {}
    return variables(endpoints)


def unset_variables(profile: Profile, environ: Mapping[str, str]) -> list[str]:
    """The variables the profile's endpoints file names that ``environ`` does not set.

    Rasa refuses to start on any of them, with a message that does not say which profile wants it.
    """
    return [name for name in endpoint_variables(profile) if name not in environ]


def weak_tokens(environ: Mapping[str, str], names: Iterable[str] = TOKEN_VARIABLES) -> list[str]:
    """Those of ``names`` set but too short to resist guessing (each guards an API or data)."""
    return [
        f"{name} is too short: use at least {MIN_CHARS.get(name, MIN_TOKEN_CHARS)} random "
        "characters (e.g. openssl rand -hex 24)"
        for name in names
        if 0 < len(environ.get(name, "")) < MIN_CHARS.get(name, MIN_TOKEN_CHARS)
    ]


def preflight(
    profile: Profile, environ: Mapping[str, str], parts: Collection[str] = SERVER_NAMES
) -> list[str]:
    """Every reason the ``parts`` of ``profile`` could not work in ``environ`` (empty when none).

    Only a Rasa server reads the endpoints file and takes the Redis lock, so only its part needs
    them; every part needs the database.
    """
    unset = unset_variables(profile, environ) if "rasa" in parts else []
    needs = f"({profile.endpoints.name} needs it)"
    found: list[str | None] = [f"{name} is not set {needs}" for name in unset]
    url = environ.get("DATABASE_URL", "")
    if profile.shared and url.startswith("sqlite"):
        found.append(
            f"the {profile.name} profile needs DATABASE_URL to name a PostgreSQL database that "
            "every server shares, not an SQLite file"
        )
    elif "DATABASE_URL" not in unset:
        found.append(database_problem(url))
    if profile.shared and "rasa" in parts and not _REDIS_VARIABLES & set(unset):
        try:
            address = RedisAddress.from_environment(environ)
        except ValueError:
            found.append("REDIS_PORT and REDIS_DB must be whole numbers")
        else:
            found.append(redis_problem(address))
    if profile.shared:
        needed = {
            *secrets_of(parts),
            *(n for part in parts for n in OPTIONAL_SECRETS.get(part, ())),
        }
        found.extend(weak_tokens(environ, [name for name in GUESSABLE if name in needed]))
    return [problem for problem in found if problem]
