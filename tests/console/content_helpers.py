"""Drafts made straight through the editorial service, for tests of the content pages."""

from __future__ import annotations

from typing import Any

from bot.console.accounts import find_account
from bot.db import engine_for
from bot.knowledge.editorial import service
from bot.settings import Settings

# A real entry of knowledge/, and a change to it that passes every check.
ENTRY = "tai-chi-overview"
# The same facts as the published answer, in other words (tests must not invent medical claims).
NEW_ANSWER = (
    "A myositis charity suggests a tai chi instructor as one option. No study we draw on has "
    "tested tai chi in myositis, so we cannot say how well it works. Like any exercise, it should "
    "suit you and build up very slowly."
)


def account_id(settings: Settings, email: str) -> int:
    """The id of the account with this e-mail address."""
    with engine_for(settings.database_url).connect() as conn:
        account = find_account(conn, email)
    assert account is not None
    return account.id


def changed_fields(settings: Settings, answer: str = NEW_ANSWER) -> dict[str, Any]:
    """The published fields of ENTRY with a new answer."""
    current = service.current_entry(engine_for(settings.database_url), ENTRY)
    assert current is not None, f"{ENTRY} is not in the knowledge base"
    fields = {name: current[name] for name in service.EDITABLE_FIELDS}
    return {**fields, "answer": answer}


def start_draft(settings: Settings, author: str, answer: str = NEW_ANSWER) -> int:
    """Start a draft of a change to ENTRY by ``author``; return its id."""
    engine = engine_for(settings.database_url)
    topic = str((service.current_entry(engine, ENTRY) or {})["topic"])
    draft = service.start_draft(
        engine, account_id(settings, author), ENTRY, topic, changed_fields(settings, answer)
    )
    return draft.id


def submitted_draft(settings: Settings, author: str, answer: str = NEW_ANSWER) -> int:
    """A draft of a change to ENTRY by ``author``, waiting in the review queue; return its id."""
    draft_id = start_draft(settings, author, answer)
    service.submit(engine_for(settings.database_url), draft_id, account_id(settings, author))
    return draft_id
