"""Constant-time comparison of a secret with what a request carries, whatever characters it has.

`hmac.compare_digest` raises TypeError for text that is not ASCII, and header values can hold any
character; comparing UTF-8 bytes makes such a value a plain mismatch instead of a 500.
"""

from __future__ import annotations

import hmac


def same_secret(expected: str, given: str) -> bool:
    """Whether ``given`` equals ``expected``, in time that does not depend on where they differ."""
    return hmac.compare_digest(
        expected.encode("utf-8", "surrogatepass"), given.encode("utf-8", "surrogatepass")
    )


BEARER = "Bearer "


def bearer_ok(expected: str, authorization: str | None) -> bool:
    """Whether an Authorization header is ``Bearer <expected>`` (never, if nothing is expected)."""
    if not expected or not authorization or not authorization.startswith(BEARER):
        return False
    return same_secret(expected, authorization.removeprefix(BEARER))
