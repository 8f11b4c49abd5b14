"""Each part's PostgreSQL role can do what its code does, and is refused everything else.

Run against a real PostgreSQL database: the code of each part runs as its role (Rasa's own
tracker store, the console, the knowledge base), then each role tries what it must not.
"""

from __future__ import annotations

import secrets
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ProgrammingError

from bot import cli
from bot.console import cases
from bot.console import tables as console_tables
from bot.console.accounts import Role, add_account
from bot.console.migrate import migrate
from bot.console.sessions import open_session, session_account
from bot.db_roles import ROLES_LOCK_KEY, apply_roles
from bot.knowledge import repository
from bot.knowledge.editorial import service
from bot.knowledge.editorial.state import published_version
from bot.knowledge.schema import KnowledgeSet
from bot.parts import DB_ROLE_PASSWORDS
from bot.privacy import addresses
from bot.privacy.tracker_store import RedactingTrackerStore
from bot.retention import delete_conversations, expired_senders
from bot.web.history import session_messages

PARTS = ("rasa", "web", "actions")


@dataclass
class Roles:
    """A fresh database with the knowledge and console tables, and where each role connects."""

    owner_url: str
    prefix: str
    passwords: dict[str, str]
    engines: list[Engine]

    def url(self, part: str) -> str:
        """The database URL of one part's role."""
        url = make_url(self.owner_url).set(
            username=f"{self.prefix}_{part}", password=self.passwords[part]
        )
        return str(url.render_as_string(hide_password=False))

    def engine(self, part: str) -> Engine:
        """An engine logged in as one part's role."""
        engine = create_engine(self.url(part), future=True)
        self.engines.append(engine)
        return engine

    def owner(self) -> Engine:
        """An engine logged in as the tables' owner."""
        engine = create_engine(self.owner_url, future=True)
        self.engines.append(engine)
        return engine


@pytest.fixture
def roles(postgres_database: str, knowledge: KnowledgeSet) -> Iterator[Roles]:
    # Roles belong to the whole PostgreSQL server: a prefix of their own keeps tests apart.
    made = Roles(
        postgres_database,
        f"t{uuid.uuid4().hex[:10]}",
        {part: secrets.token_hex(16) for part in PARTS},
        [],
    )
    owner = made.owner()
    repository.load(owner, knowledge)
    migrate(owner)
    with owner.begin() as conn:
        apply_roles(conn, made.passwords, made.prefix)
    yield made
    for engine in made.engines:
        engine.dispose()
    names = ", ".join(f"{made.prefix}_{part}" for part in PARTS)
    with create_engine(postgres_database, future=True).begin() as conn:
        conn.exec_driver_sql(f"DROP OWNED BY {names}")
        conn.exec_driver_sql(f"DROP ROLE {names}")


def refused(engine: Engine, statement: str) -> bool:
    """Whether PostgreSQL refuses the statement for lack of a privilege or of ownership."""
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(statement)
    except ProgrammingError as error:
        message = str(error.orig)
        return "permission denied" in message or "must be owner" in message
    return False


def _tracker(sender: str) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(
        sender, [UserUttered("can I swim?"), BotUttered("Yes, swimming is gentle.")]
    )


async def test_each_part_can_do_what_its_code_does(
    roles: Roles, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ADDRESS_KEY", secrets.token_urlsafe(32))
    sender = "tg:role-test"
    url = make_url(roles.url("rasa"))
    # Rasa's own start-up (its table check) and saving, as the Rasa role.
    store = RedactingTrackerStore(
        domain=Domain.empty(),
        dialect="postgresql",
        host=url.host,
        port=url.port,
        db=url.database,
        username=url.username,
        password=url.password,
    )
    await store.save(_tracker(sender))
    rasa = roles.engine("rasa")
    addresses.store(rasa, sender, "12345")
    assert addresses.lookup(rasa, sender) == "12345"

    web = roles.engine("web")
    assert [m["text"] for m in session_messages(web, sender)] == [
        "can I swim?",
        "Yes, swimming is gentle.",
    ]
    now = time.time()
    with web.begin() as conn:
        account = add_account(conn, "role@example.org", "a long password 42", Role.VOLUNTEER)
        token = open_session(conn, account, now, 3600)
        assert session_account(conn, token, now) == account
        cases.claim(conn, sender, account, now)
        cases.add_note(conn, sender, account, "called back", now)
    assert repository.read(web).entries
    with roles.owner().connect() as conn:
        for table in console_tables.metadata.sorted_tables:
            for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE"):
                held = conn.execute(
                    text("SELECT has_table_privilege(:role, :table, :privilege)"),
                    {"role": f"{roles.prefix}_web", "table": table.name, "privilege": privilege},
                ).scalar_one()
                assert held is (table is not console_tables.schema_versions), (table, privilege)

    assert repository.read(roles.engine("actions")).entries

    # "Delete my data" and retention, as the Rasa role: every row of the conversation goes.
    with rasa.begin() as conn:
        later = datetime.now(timezone.utc) + timedelta(days=1)
        assert expired_senders(conn, later) == [sender]
        assert delete_conversations(conn, [sender]) == 1
    with web.connect() as conn:
        assert cases.notes_of(conn, sender) == []
    assert session_messages(web, sender) == []
    assert addresses.lookup(rasa, sender) is None


def test_the_web_app_publishes_and_the_action_servers_see_it(roles: Roles) -> None:
    web = roles.engine("web")
    with web.begin() as conn:
        editor = add_account(conn, "ed@example.org", "a long password 42", Role.ADMIN).id
        reviewer = add_account(conn, "rev@example.org", "a long password 42", Role.ADMIN).id
    current = service.current_entry(web, "tai-chi-overview")
    assert current is not None
    fields = {name: current[name] for name in service.EDITABLE_FIELDS}
    published = []
    for entry_id in (None, "tai-chi-overview"):  # a new entry, then an edit
        draft = service.start_draft(web, editor, entry_id, "tai_chi", fields)
        service.submit(web, draft.id, editor)
        published.append(service.approve(web, draft.id, reviewer, date(2027, 6, 1), "approved"))
    service.rollback(web, "tai-chi-overview", 1, reviewer, "as it was")

    actions = roles.engine("actions")
    live = {e.id: e.version for e in repository.read(actions).entries}
    assert live[published[0].entry_id] == 1
    assert live["tai-chi-overview"] == 3
    assert published_version(actions) == published_version(web) == 4


@pytest.mark.parametrize(
    ("part", "statement"),
    [
        ("actions", "SELECT * FROM events"),
        ("actions", "INSERT INTO events (sender_id, type_name) VALUES ('x', 'user')"),
        ("actions", "SELECT * FROM console_users"),
        ("actions", "DELETE FROM kb_entries"),
        ("web", "INSERT INTO events (sender_id, type_name) VALUES ('x', 'user')"),
        ("web", "DELETE FROM events"),
        ("web", "SELECT * FROM delivery_addresses"),
        ("web", "UPDATE kb_sources SET short = 'changed'"),
        ("web", "DELETE FROM kb_entries"),
        ("web", "DELETE FROM kb_versions"),
        ("web", "UPDATE kb_versions SET reason = 'rewritten'"),
        ("actions", "UPDATE kb_state SET version = 0"),
        ("web", "DROP TABLE console_users"),
        ("web", "DROP TABLE events"),
        ("web", "CREATE TABLE mine (id integer)"),
        ("web", "INSERT INTO console_schema_versions VALUES (99, 'x', 0)"),
        ("rasa", "SELECT * FROM console_users"),
        ("rasa", "UPDATE events SET data = '{}'"),
        (
            "rasa",
            "INSERT INTO console_notes (sender_id, author, text, created_at) "
            "VALUES ('x', 'x', 'x', 0)",
        ),
        ("rasa", "DELETE FROM kb_entries"),
        ("rasa", "DROP TABLE events"),
    ],
)
def test_each_part_is_refused_what_it_does_not_need(
    roles: Roles, part: str, statement: str
) -> None:
    assert refused(roles.engine(part), statement)


def test_running_again_changes_passwords_and_takes_back_extra_grants(roles: Roles) -> None:
    owner = roles.owner()
    web = f"{roles.prefix}_web"
    verifier = "SELECT rolpassword FROM pg_authid WHERE rolname = :n"
    with owner.begin() as conn:
        conn.exec_driver_sql(f"GRANT INSERT, DELETE ON events TO {web}")
        before = conn.execute(text(verifier), {"n": web}).scalar_one()
    assert not refused(roles.engine("web"), "DELETE FROM events")
    roles.passwords["web"] = secrets.token_hex(16)
    with owner.begin() as conn:
        apply_roles(conn, roles.passwords, roles.prefix)
        after = conn.execute(text(verifier), {"n": web}).scalar_one()
    assert refused(roles.engine("web"), "DELETE FROM events")
    # Stored as a SCRAM verifier, never as the password itself.
    assert after.startswith("SCRAM-SHA-256$")
    assert after != before
    assert roles.passwords["web"] not in after


def test_the_command_needs_every_password(
    roles: Roles, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", roles.owner_url)
    for part, name in DB_ROLE_PASSWORDS.items():
        monkeypatch.setenv(name, roles.passwords[part])
    monkeypatch.delenv("DB_WEB_PASSWORD")
    assert cli.main(["db", "roles", "--prefix", roles.prefix]) == 1
    assert "DB_WEB_PASSWORD not set" in capsys.readouterr().err
    monkeypatch.setenv("DB_WEB_PASSWORD", roles.passwords["web"])
    assert cli.main(["db", "roles", "--prefix", roles.prefix]) == 0
    assert f"{roles.prefix}_actions" in capsys.readouterr().out


def test_set_up_jobs_running_at_once_take_turns(roles: Roles) -> None:
    # Helm runs an init container per Rasa pod; their GRANTs on one role would collide.
    with roles.owner().begin() as conn:
        apply_roles(conn, roles.passwords, roles.prefix)
        with roles.owner().connect() as other:
            try_lock = text("SELECT pg_try_advisory_xact_lock(:key)")
            assert other.execute(try_lock, {"key": ROLES_LOCK_KEY}).scalar_one() is False
