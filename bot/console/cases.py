"""What volunteers did about a conversation: its status, who claimed it, handoff, notes."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import Enum

from sqlalchemy import insert, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from bot.console import tables
from bot.console.accounts import Account
from bot.web.history import events

MAX_NOTE_LENGTH = 4000


class Status(str, Enum):
    """Where a conversation is in triage."""

    OPEN = "open"
    CLAIMED = "claimed"
    HANDLED = "handled"


class CaseError(ValueError):
    """A volunteer asked for something the conversation's state does not allow."""


@dataclass(frozen=True)
class CaseState:
    """A conversation's console state; conversations nobody touched are open."""

    status: Status = Status.OPEN
    claimed_by: int | None = None
    claimed_by_name: str | None = None
    handoff_active: bool = False
    updated_at: float = 0.0


@dataclass(frozen=True)
class Note:
    """A volunteer's note on a conversation."""

    author: str
    text: str
    created_at: float


def case_states(
    conn: Connection, sender_ids: Collection[str] | None = None
) -> dict[str, CaseState]:
    """The state of each conversation that has one (of ``sender_ids``, or all)."""
    c, u = tables.cases, tables.users
    query = select(
        c.c.sender_id,
        c.c.status,
        c.c.claimed_by,
        u.c.display_name,
        c.c.handoff_active,
        c.c.updated_at,
    ).select_from(c.outerjoin(u, c.c.claimed_by == u.c.id))
    if sender_ids is not None:
        query = query.where(c.c.sender_id.in_(tuple(sender_ids)))
    return {
        row.sender_id: CaseState(
            Status(row.status),
            row.claimed_by,
            row.display_name,
            bool(row.handoff_active),
            float(row.updated_at),
        )
        for row in conn.execute(query)
    }


def case_state(conn: Connection, sender_id: str) -> CaseState:
    """One conversation's state."""
    return case_states(conn, [sender_id]).get(sender_id, CaseState())


def _save(conn: Connection, sender_id: str, now: float, **values: object) -> None:
    table = tables.cases
    exists = conn.execute(select(table.c.sender_id).where(table.c.sender_id == sender_id)).first()
    if exists:
        conn.execute(
            update(table).where(table.c.sender_id == sender_id).values(updated_at=now, **values)
        )
    else:
        row = {"status": Status.OPEN.value, "handoff_active": False, **values}
        conn.execute(insert(table).values(sender_id=sender_id, updated_at=now, **row))


def require_conversation(conn: Connection, sender_id: str) -> None:
    """Refuse a case or note for a conversation the assistant never had.

    Raises:
        CaseError: no stored event has this conversation id.
    """
    found = conn.execute(
        select(events.c.sender_id).where(events.c.sender_id == sender_id).limit(1)
    ).first()
    if found is None:
        raise CaseError("there is no such conversation")


def claim(conn: Connection, sender_id: str, account: Account, now: float) -> None:
    """Claim a conversation for ``account``, in one statement so two volunteers cannot both win.

    Raises:
        CaseError: there is no such conversation, or another volunteer holds it.
    """
    require_conversation(conn, sender_id)
    table = tables.cases
    claimed = {"status": Status.CLAIMED.value, "claimed_by": account.id, "updated_at": now}
    free = or_(
        table.c.status != Status.CLAIMED.value,
        table.c.claimed_by.is_(None),
        table.c.claimed_by == account.id,
    )
    taken = conn.execute(
        update(table).where(table.c.sender_id == sender_id).where(free).values(**claimed)
    ).rowcount
    if taken:
        return
    if case_state(conn, sender_id).status is not Status.CLAIMED:
        try:
            with conn.begin_nested():
                conn.execute(
                    insert(table).values(sender_id=sender_id, handoff_active=False, **claimed)
                )
            return
        except IntegrityError:
            pass  # another volunteer's claim created the row first
    holder = case_state(conn, sender_id).claimed_by_name
    raise CaseError(f"{holder or 'another volunteer'} has claimed it")


def require_claim(conn: Connection, sender_id: str, account: Account) -> CaseState:
    """Return the state if ``account`` holds the conversation.

    Raises:
        CaseError: the account has not claimed it.
    """
    state = case_state(conn, sender_id)
    if state.status is not Status.CLAIMED or state.claimed_by != account.id:
        raise CaseError("claim the conversation first")
    return state


def mark_handled(conn: Connection, sender_id: str, account: Account, now: float) -> None:
    """Close the conversation: its holder, or an admin, may.

    Raises:
        CaseError: someone else holds it, or a volunteer still talks to the user in a handoff.
    """
    state = case_state(conn, sender_id)
    if not account.is_admin:
        require_claim(conn, sender_id, account)
    if state.handoff_active:
        raise CaseError("hand the conversation back to the assistant first")
    _save(conn, sender_id, now, status=Status.HANDLED.value, claimed_by=account.id)


def set_handoff(conn: Connection, sender_id: str, active: bool, now: float) -> None:
    """Record whether a volunteer is talking to the user instead of the assistant."""
    _save(conn, sender_id, now, handoff_active=active)


def add_note(conn: Connection, sender_id: str, account: Account, text: str, now: float) -> None:
    """Add a note to a conversation.

    Raises:
        CaseError: the note is empty or too long.
    """
    text = text.strip()
    if not text or len(text) > MAX_NOTE_LENGTH:
        raise CaseError(f"a note needs 1 to {MAX_NOTE_LENGTH} characters")
    require_conversation(conn, sender_id)
    conn.execute(
        insert(tables.notes).values(
            sender_id=sender_id, author=account.display_name, text=text, created_at=now
        )
    )


def notes_of(conn: Connection, sender_id: str) -> list[Note]:
    """A conversation's notes, oldest first."""
    n = tables.notes
    rows = conn.execute(
        select(n.c.author, n.c.text, n.c.created_at)
        .where(n.c.sender_id == sender_id)
        .order_by(n.c.created_at, n.c.id)
    )
    return [Note(row.author, row.text, float(row.created_at)) for row in rows]
