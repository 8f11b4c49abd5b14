"""One gate for every input channel: clean the text, apply the limits, answer when Rasa fails.

REST, socket.io, Telegram, Messenger and Twilio all hand their messages to Rasa through
`InputGuard`, so no channel can skip a limit or leave a user in silence:

- the text loses control characters and lone surrogates (which databases refuse to store);
- a message longer than MAX_MESSAGE_CHARS, or over RATE_LIMIT_PER_MINUTE for its sender, is not
  read: the channel answers 413 or 429, or, where the platform must get 200, a polite reply;
- REST and socket.io clients choose their sender ids, so their messages are also counted per
  client address (RATE_LIMIT_PER_ADDRESS_PER_MINUTE, the address taken as `bot.proxies` says) and
  each socket.io connection per connection (RATE_LIMIT_PER_MINUTE, whatever sender it claims);
- when Rasa fails on a message (its conversation store unreachable, say), the user is told to send
  it again, and the next message is handled normally once the store is back;
- a failed or slow custom action gets the safe reply (`bot.channels.failsafe`).

The replies come from the composer, so they carry both disclaimers and the emergency number.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage

from bot.channels import failsafe
from bot.channels.limits import RateLimiter, rate_limiter
from bot.compose import Composer, Reply
from bot.guide import composer_for
from bot.knowledge.files import read_knowledge
from bot.proxies import client_address
from bot.settings import Settings, load_settings

logger = logging.getLogger(__name__)

# C0 and C1 control characters except tab and newline, and UTF-16 surrogates left unpaired.
_UNREADABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")
MAX_SENDER_CHARS = 128


def clean_text(text: str) -> str:
    """The text as the assistant reads it: unreadable characters removed, trimmed."""
    return _UNREADABLE.sub("", _SURROGATE.sub("\ufffd", text)).strip()


def unreadable(text: str) -> bool:
    """Whether the text holds characters `clean_text` would remove or replace."""
    return bool(_UNREADABLE.search(text) or _SURROGATE.search(text))


def valid_sender(value: Any) -> str | None:
    """The sender id if it is a usable conversation key (short, printable), else None."""
    if not isinstance(value, str) or not 0 < len(value) <= MAX_SENDER_CHARS:
        return None
    return None if value.strip() != value or unreadable(value) else value


@dataclass(frozen=True)
class Refusal:
    """Why a message is not read: the HTTP answer for APIs, the reply for chat platforms."""

    status: int
    error: str
    reply: Reply | None = None
    retry_after: int | None = None

    def as_json(self) -> dict[str, Any]:
        """The body of the HTTP answer."""
        body: dict[str, Any] = {"error": self.error}
        if self.retry_after is not None:
            body["retry_after"] = self.retry_after
        return body


class InputGuard:
    """The limits and fault replies every input channel shares."""

    def __init__(self, settings: Settings, limiter: RateLimiter, composer: Composer) -> None:
        self.max_chars = settings.max_message_chars
        self.per_sender = settings.rate_limit_per_minute
        self.per_address = settings.rate_limit_per_address_per_minute
        self.trusted_proxy_count = settings.trusted_proxy_count
        self.limiter = limiter
        self.composer = composer

    def client_address(self, forwarded_for: str | None, peer: str | None) -> str:
        """The address a request came from, behind this deployment's trusted proxies."""
        return client_address(forwarded_for, peer, self.trusted_proxy_count)

    async def admit(
        self,
        sender_id: str,
        text: str,
        *,
        address: str | None = None,
        connection: str | None = None,
    ) -> str | Refusal:
        """Return the cleaned text to hand on, or why the message must not be read.

        ``address`` (the client's) and ``connection`` (a socket.io connection's id) are counted
        too where the client chooses its sender id, so choosing a new one does not reset them.
        """
        if len(text) > self.max_chars:
            return Refusal(
                413,
                f"message too long: at most {self.max_chars} characters",
                self.composer.too_long(),
            )
        cleaned = clean_text(text)
        if not cleaned:
            return Refusal(400, "message is empty")
        retry_after = await self._wait(sender_id, address, connection)
        if retry_after:
            return Refusal(
                429,
                f"too many messages: try again in {retry_after} seconds",
                self.composer.slow_down(),
                retry_after,
            )
        return cleaned

    async def _wait(self, sender_id: str, address: str | None, connection: str | None) -> int:
        """Seconds until the message may be sent (0: now); it counts against every limit."""
        counts = [(f"sender:{sender_id}", self.per_sender)]
        if connection is not None:
            counts.append((f"connection:{connection}", self.per_sender))
        if address is not None:
            counts.append((f"address:{address}", self.per_address))
        waits = [(await self.limiter.hit(key, limit)).retry_after for key, limit in counts if limit]
        return max(waits, default=0)

    async def hand_on(self, on_new_message: Any, message: UserMessage) -> None:
        """Pass a message to Rasa; if Rasa fails on it, ask the user to send it again."""
        try:
            await on_new_message(message)
        except Exception:  # the conversation store or lock store failed: never silence
            logger.exception("%s: a message could not be handled", message.input_channel)
            await self.reply(message.output_channel, message.sender_id, self.composer.not_saved())

    @staticmethod
    async def reply(output: OutputChannel, recipient_id: str, reply: Reply) -> None:
        """Send one of the guard's own replies; a failure to deliver it is only logged."""
        try:
            await output.send_response(recipient_id, reply.as_message())
        except Exception:  # the user's connection or platform is gone: nothing more to do
            logger.exception("could not deliver a %s reply", reply.payload["type"])


@functools.cache
def shared_guard() -> InputGuard:
    """The guard of this Rasa process, built once when the channels are set up.

    The composer is read from the knowledge files, not the database, so the fault replies work
    while the database is down. Building the guard also makes custom actions fail safe.
    """
    settings = load_settings()
    composer = composer_for(read_knowledge(settings.knowledge_dir), settings)
    failsafe.install(composer, settings.action_timeout_seconds)
    return InputGuard(settings, rate_limiter(settings), composer)
