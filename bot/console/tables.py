"""SQLAlchemy tables the console owns; created and changed only by `bot.console.migrate`.

Times are seconds since the epoch (floats), as in Rasa's `events.timestamp`, so a claim or a
note compares directly with the conversation's events.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Float, ForeignKey, Integer, MetaData, String, Table, Text

metadata = MetaData()

schema_versions = Table(
    "console_schema_versions",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("description", Text, nullable=False),
    Column("applied_at", Float, nullable=False),
)

users = Table(
    "console_users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("display_name", String(120), nullable=False),
    Column("role", String(16), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    # Two-step sign-in (bot/console/two_step.py): the TOTP secret encrypted with ADDRESS_KEY
    # (NULL: not enrolled), and the last 30-second step a code was accepted for (no replays).
    Column("totp_secret", Text),
    Column("totp_last_step", Integer),
)

sessions = Table(
    "console_sessions",
    metadata,
    # SHA-256 of the cookie's token: a leaked table does not sign anyone in.
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("console_users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False, index=True),
)

# Sign-ins whose password was right and that wait for the two-step code; the browser holds a
# random token, the table its SHA-256 like a session's.
pending_signins = Table(
    "console_pending_signins",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("console_users.id", ondelete="CASCADE"), nullable=False),
    Column("expires_at", Float, nullable=False, index=True),
)

signin_attempts = Table(
    "console_signin_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("email", String(254), nullable=False, index=True),
    Column("address", String(64), nullable=False, index=True),
    Column("succeeded", Boolean, nullable=False),
    Column("at", Float, nullable=False, index=True),
)

cases = Table(
    "console_cases",
    metadata,
    Column("sender_id", String(255), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("claimed_by", Integer, ForeignKey("console_users.id", ondelete="SET NULL")),
    Column("handoff_active", Boolean, nullable=False, default=False),
    Column("updated_at", Float, nullable=False),
)

notes = Table(
    "console_notes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("author", String(120), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", Float, nullable=False),
)

# Every table holding data about a conversation, keyed by its `sender_id` column.
CONVERSATION_TABLES = (cases, notes)
