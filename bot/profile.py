"""Development and production profiles: the endpoints file Rasa gets and its defaults.

Development runs one Rasa server on an SQLite file with Rasa's in-memory lock store. Production
runs several Rasa servers, which share conversations only through PostgreSQL and take turns on a
conversation only through Redis: an in-memory lock is per process, so two servers could otherwise
process one conversation's messages at once and interleave or lose events.
``python -m bot serve --production`` selects it; docs/deploy/README.md describes a deployment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.settings import PROJECT_ROOT


@dataclass(frozen=True)
class Profile:
    """An endpoints file, the defaults of the variables it names, and what it must reach."""

    name: str
    endpoints: Path
    # Lowest-priority environment: the process environment overrides each of these.
    defaults: Mapping[str, str] = field(default_factory=dict)
    # Several servers share the database, so it must be a server (not SQLite), and Redis.
    shared: bool = False
    # Console admins must sign in with a TOTP code too; set for every server, whatever the
    # environment says, so a deployment cannot turn it off by accident.
    require_admin_mfa: bool = False


DEVELOPMENT = Profile("development", PROJECT_ROOT / "endpoints.yml")
PRODUCTION = Profile(
    "production",
    PROJECT_ROOT / "endpoints.production.yml",
    # No default REDIS_PASSWORD: a deployment must say it (empty only for a Redis without AUTH).
    defaults={"REDIS_PORT": "6379", "REDIS_DB": "1", "REDIS_KEY_PREFIX": "myositis"},
    shared=True,
    require_admin_mfa=True,
)
