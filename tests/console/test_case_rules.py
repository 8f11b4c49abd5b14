"""Case rules volunteers cannot get around: one claim at a time, handled only by its holder (or
an admin), and cases only for conversations that exist."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy.engine import Engine

from bot.console import cases
from bot.console.accounts import Account, Role, add_account
from bot.db import engine_for
from bot.settings import Settings
from tests.console.conftest import store_request_for_a_human

SENDER = "web-conversation-1"


@pytest.fixture
def engine(console_settings: Settings) -> Engine:
    store_request_for_a_human(console_settings, SENDER)
    engine = engine_for(console_settings.database_url)
    return engine


def account(engine: Engine, name: str, role: Role = Role.VOLUNTEER) -> Account:
    with engine.begin() as conn:
        return add_account(conn, f"{name}@example.org", "a long enough password", role, name)


def test_only_the_holder_or_an_admin_marks_a_claimed_case_handled(engine: Engine) -> None:
    holder, other, admin = (
        account(engine, "holder"),
        account(engine, "other"),
        account(engine, "boss", Role.ADMIN),
    )
    with engine.begin() as conn:
        cases.claim(conn, SENDER, holder, time.time())
    with pytest.raises(cases.CaseError), engine.begin() as conn:
        cases.mark_handled(conn, SENDER, other, time.time())
    with engine.connect() as conn:
        state = cases.case_state(conn, SENDER)
    assert state.status is cases.Status.CLAIMED
    assert state.claimed_by == holder.id
    with engine.begin() as conn:
        cases.mark_handled(conn, SENDER, admin, time.time())
        assert cases.case_state(conn, SENDER).status is cases.Status.HANDLED


def test_concurrent_claims_leave_exactly_one_holder(engine: Engine) -> None:
    volunteers = [account(engine, f"v{n}") for n in range(6)]
    start = threading.Barrier(len(volunteers))
    won: list[int] = []
    failed: list[BaseException] = []

    def try_claim(volunteer: Account) -> None:
        start.wait()
        try:
            with engine.begin() as conn:
                cases.claim(conn, SENDER, volunteer, time.time())
            won.append(volunteer.id)
        except cases.CaseError:
            pass
        except Exception as error:  # a database error would be a 500 for the volunteer
            failed.append(error)

    threads = [threading.Thread(target=try_claim, args=(v,)) for v in volunteers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with engine.connect() as conn:
        holder = cases.case_state(conn, SENDER).claimed_by
    assert failed == []
    assert won == [holder]


@pytest.mark.parametrize("sender_id", ["never-seen", "x" * 300])
def test_no_case_or_note_for_a_conversation_that_does_not_exist(
    engine: Engine, sender_id: str
) -> None:
    volunteer = account(engine, "vera")
    with pytest.raises(cases.CaseError), engine.begin() as conn:
        cases.claim(conn, sender_id, volunteer, time.time())
    with pytest.raises(cases.CaseError), engine.begin() as conn:
        cases.add_note(conn, sender_id, volunteer, "a note", time.time())
