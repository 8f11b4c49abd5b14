"""Conversation ids: one namespace per channel, and keyed so that no one can name another's.

Rasa keys a conversation by its sender id alone. If each channel passed on the platform's own id
(a Telegram chat id, a phone number), anyone who knew it could reach that conversation from
another channel: read it, write into it, erase it. So every channel turns its sender into a
conversation id here, and only here:

- the id starts with the channel's prefix (``web:``, ``rest:``, ``tg:``, ``fb:``, ``sms:``), so
  a REST sender can never be a Telegram user, and a volunteer's reply goes back to the channel
  the prefix names (`channel_of`);
- a widget's id is an HMAC, under SESSION_SECRET, of a random secret only that browser holds: the
  id alone (shown to volunteers, stored in the database) opens nothing;
- a Telegram, Messenger or SMS/WhatsApp id is replaced by an HMAC of it (a pseudonym), so phone
  numbers and platform ids are neither stored nor shown; the address needed to answer is kept
  encrypted apart (`bot.privacy.addresses`).
"""

from __future__ import annotations

import hashlib
import hmac
import re

from bot.settings import secret

# Rasa's channel names (InputChannel.name()) and the prefix of their conversations.
PREFIXES: dict[str, str] = {
    "socketio": "web",
    "rest": "rest",
    "telegram": "tg",
    "facebook": "fb",
    "twilio": "sms",
}
CHANNELS = {prefix: channel for channel, prefix in PREFIXES.items()}
# Channels whose platform ids identify a person: their conversations go by a pseudonym.
PSEUDONYMOUS = frozenset({"telegram", "facebook", "twilio"})
# What the widget may hold as its secret: at least 128 bits of URL-safe characters.
WIDGET_SECRET = re.compile(r"[A-Za-z0-9_-]{32,128}")
_HEX_CHARS = 32  # 128 bits of HMAC: enough to never collide, short enough to read


class MissingSecret(RuntimeError):
    """SESSION_SECRET is not set, so no conversation id can be derived."""


def keyed(label: str, value: str) -> str:
    """HMAC-SHA256 of ``value`` under SESSION_SECRET, separated per use by ``label``."""
    key = secret("SESSION_SECRET")
    if not key:
        raise MissingSecret("SESSION_SECRET is not set")
    digest = hmac.new(key.encode(), f"{label}\0{value}".encode(), hashlib.sha256).hexdigest()
    return digest[:_HEX_CHARS]


def conversation_id(channel: str, sender: str) -> str:
    """The conversation id of ``sender`` on ``channel`` (a Rasa channel name of PREFIXES)."""
    key = keyed(channel, sender) if channel in PSEUDONYMOUS else sender
    return f"{PREFIXES[channel]}:{key}"


def widget_conversation(session_secret: object) -> str | None:
    """The conversation a widget's secret opens, or None if it is not a well-formed secret."""
    if not isinstance(session_secret, str) or not WIDGET_SECRET.fullmatch(session_secret):
        return None
    return f"{PREFIXES['socketio']}:{keyed('widget', session_secret)}"


def channel_of(conversation: str) -> str | None:
    """The channel a conversation belongs to, from its prefix; None for an id without one."""
    prefix, separator, _ = conversation.partition(":")
    return CHANNELS.get(prefix) if separator else None
