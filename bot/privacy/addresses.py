"""Where to deliver a pseudonymous conversation's replies, kept encrypted and apart.

Telegram, Messenger and SMS/WhatsApp conversations go by a pseudonym (`bot.channels.conversations`),
so the events table and the console never hold a phone number or a platform id. Answering still
needs the real address, so it is kept here, in one row per conversation, encrypted with ADDRESS_KEY
(Fernet: AES with an HMAC), and deleted with the conversation by "delete my data" and retention
(`bot.retention.delete_conversations`). A database dump without the key shows no address.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import time
import weakref

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import Column, Float, MetaData, String, Table, Text, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from bot.channels.conversations import conversation_id
from bot.db import engine_for
from bot.settings import load_settings, secret

logger = logging.getLogger(__name__)
_metadata = MetaData()
delivery_addresses = Table(
    "delivery_addresses",
    _metadata,
    Column("sender_id", String(255), primary_key=True),
    Column("address", Text, nullable=False),
    Column("stored_at", Float, nullable=False),
)
_ready: weakref.WeakSet[Engine] = weakref.WeakSet()


class MissingKey(RuntimeError):
    """ADDRESS_KEY is not set: addresses (and console two-step secrets) cannot be stored or read."""


def cipher() -> Fernet:
    """The cipher of ADDRESS_KEY (any long random string: it is hashed to Fernet's key size)."""
    key = secret("ADDRESS_KEY")
    if not key:
        raise MissingKey("ADDRESS_KEY is not set")
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(key.encode()).digest()))


def _ensure_table(engine: Engine) -> None:
    """Create the table on first use: Rasa's servers write it, and they run no migrations."""
    if engine not in _ready:
        _metadata.create_all(engine, checkfirst=True)
        _ready.add(engine)


def store(engine: Engine, conversation: str, address: str) -> None:
    """Keep the conversation's address, encrypted, unless it is kept already."""
    _ensure_table(engine)
    with engine.connect() as conn:
        if _stored(conn, conversation) is not None:
            return
    token = cipher().encrypt(address.encode()).decode()
    try:
        with engine.begin() as conn:
            conn.execute(
                delivery_addresses.insert().values(
                    sender_id=conversation, address=token, stored_at=time.time()
                )
            )
    except IntegrityError:  # another server stored it first: the same address
        pass


def lookup(engine: Engine, conversation: str) -> str | None:
    """The conversation's address, or None if it was deleted or the key has changed."""
    _ensure_table(engine)
    with engine.connect() as conn:
        token = _stored(conn, conversation)
    if token is None:
        return None
    try:
        return cipher().decrypt(token.encode()).decode()
    except InvalidToken:
        logger.error("a delivery address cannot be decrypted: was ADDRESS_KEY changed?")
        return None


def _stored(conn: Connection, conversation: str) -> str | None:
    """The encrypted address kept for the conversation, or None."""
    query = select(delivery_addresses.c.address).where(
        delivery_addresses.c.sender_id == conversation
    )
    token: str | None = conn.execute(query).scalar()
    return token


async def remember(channel: str, address: str) -> str:
    """The pseudonymous conversation id of ``address`` on ``channel``, its address kept.

    If the address cannot be kept (the database is down), the message is still handed on: its
    own replies know the address (`RenderingOutput.knows`), and the guard's "send it again"
    covers a store that fails for Rasa too.
    """
    conversation = conversation_id(channel, address)
    try:
        await asyncio.to_thread(store, _engine(), conversation, address)
    except Exception:  # the database or the key is missing: answering this message still works
        logger.exception("%s: could not keep a delivery address", channel)
    return conversation


async def address_of(conversation: str) -> str | None:
    """Where to deliver a conversation's replies (None: nowhere, it was deleted)."""
    return await asyncio.to_thread(lookup, _engine(), conversation)


def _engine() -> Engine:
    return engine_for(load_settings().database_url)
