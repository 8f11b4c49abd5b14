"""The parts of a deployment and the secrets each part needs, so a container gets only its own.

A container runs one part (`python -m bot serve --production --only rasa`): a flaw in the
internet-facing web app then cannot reveal the messaging platforms' tokens or the action token,
and the action servers hold nothing that opens Rasa's HTTP API. The production checks
(`Stack.problems`) require exactly these per part, and a test holds docs/deploy/compose.yaml and
helm-values.yaml to them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

SERVER_NAMES = ("actions", "rasa", "web")
# The once-per-release job: loads the knowledge base, migrates and creates the database roles.
SETUP = "setup"
PARTS = (*SERVER_NAMES, SETUP)

# The password of each part's PostgreSQL role (bot/db_roles.py), known to the set-up job only;
# each server gets its own inside its DATABASE_URL.
DB_ROLE_PASSWORDS: Mapping[str, str] = {
    "rasa": "DB_RASA_PASSWORD",
    "web": "DB_WEB_PASSWORD",
    "actions": "DB_ACTIONS_PASSWORD",
}

# What production cannot run each part without, DATABASE_URL aside (every part has its own).
PART_SECRETS: Mapping[str, tuple[str, ...]] = {
    # Checks the token Rasa sends with every action call.
    "actions": ("ACTION_SERVER_TOKEN",),
    # Guards the HTTP API (operators' token, the console's signed JWTs), calls the actions, keys
    # conversation ids, encrypts delivery addresses and takes the Redis lock (the last two secrets
    # are named by endpoints.production.yml too).
    "rasa": (
        "RASA_API_TOKEN",
        "RASA_JWT_SECRET",
        "SESSION_SECRET",
        "ADDRESS_KEY",
        "ACTION_SERVER_TOKEN",
        "REDIS_PASSWORD",
    ),
    # Signs the console's short-lived JWTs for Rasa's HTTP API (never holds the API token),
    # derives a widget's conversation from its secret, and decrypts console admins' two-step
    # secrets (its database role cannot read delivery addresses, which the same key encrypts).
    "web": ("RASA_JWT_SECRET", "SESSION_SECRET", "ADDRESS_KEY"),
    SETUP: tuple(DB_ROLE_PASSWORDS.values()),
}

# Secrets a part may be given but also runs without: the shared message limit (REDIS_URL holds
# the Redis password) and the channels each switches on (README.md).
OPTIONAL_SECRETS: Mapping[str, tuple[str, ...]] = {
    "rasa": (
        "REDIS_URL",
        "REST_CHANNEL_TOKEN",
        "TELEGRAM_TOKEN",
        "TELEGRAM_SECRET_TOKEN",
        "MESSENGER_VERIFY_TOKEN",
        "MESSENGER_APP_SECRET",
        "MESSENGER_PAGE_ACCESS_TOKEN",
        "TWILIO_ACCOUNT_SID",
        "TWILIO_AUTH_TOKEN",
    ),
}


def secrets_of(parts: Iterable[str]) -> list[str]:
    """The secrets the ``parts`` need together, each once, in the order of PART_SECRETS."""
    return list(dict.fromkeys(name for part in parts for name in PART_SECRETS[part]))
