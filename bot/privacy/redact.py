"""Takes e-mail addresses, phone numbers and similar identifiers out of what users write.

Conversations are stored for the volunteers and the content team, who need the questions, not
who asked them. Redaction errs on the side of removing: any run of eight or more digits (phone,
Medicare or card numbers) goes, except ISO dates, which are common in health questions.
"""

from __future__ import annotations

import re

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_NUMBER = re.compile(r"(?<![\w+(])(?:\+|\()?\d[\d\s().-]*\d")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MIN_DIGITS = 8
EMAIL_MARK = "[email removed]"
NUMBER_MARK = "[number removed]"


def redact(text: str) -> str:
    """Return ``text`` with e-mail addresses and long numbers replaced by markers."""
    text = _EMAIL.sub(EMAIL_MARK, text)
    return _NUMBER.sub(_number, text)


def _number(match: re.Match[str]) -> str:
    found = match.group(0)
    digits = sum(c.isdigit() for c in found)
    if digits < MIN_DIGITS or _ISO_DATE.fullmatch(found.strip()):
        return found
    trailing = found[len(found.rstrip()) :]
    return NUMBER_MARK + trailing
