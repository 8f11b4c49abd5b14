"""CSRF tokens bound to a secret only the browser's cookie holds.

A form's token is derived from the session token (or, before sign-in, from a random pre-session
cookie), so another site can neither read nor forge it, and nothing extra is stored.
"""

from __future__ import annotations

import hashlib
import hmac

from bot.constant_time import same_secret


def csrf_token(cookie_secret: str) -> str:
    """Return the token forms carry for the browser holding ``cookie_secret``."""
    return hmac.new(cookie_secret.encode(), b"console-csrf", hashlib.sha256).hexdigest()


def csrf_valid(cookie_secret: str | None, submitted: str | None) -> bool:
    """Whether ``submitted`` is the token for ``cookie_secret`` (compared in constant time)."""
    if not cookie_secret or not submitted:
        return False
    return same_secret(csrf_token(cookie_secret), submitted)
