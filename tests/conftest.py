"""Shared fixtures: the knowledge, the built spaCy pipeline, and databases to load into."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis
from sanic import Sanic
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from bot.guide import Guide
from bot.knowledge.files import read_knowledge
from bot.knowledge.schema import KnowledgeSet
from bot.knowledge.vocabulary import Vocabulary, read_vocabulary
from bot.nlp.analyzer import Analyzer
from bot.settings import PROJECT_ROOT, Settings, load_settings, sqlite_url

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")
REDIS_URL = os.environ.get("TEST_REDIS_URL")
# CI sets REQUIRE_SERVICES=1: a test that needs PostgreSQL, Redis or a browser then fails instead
# of skipping when the service is missing.
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


# Several Sanic apps start in one test process (Rasa's, the action server's, a channel's). Out of
# test mode Sanic 21.12 rewrites its class's methods when the first starts, and the next fails.
Sanic.test_mode = True


def skip_or_fail(reason: str) -> None:
    """Skip a test whose service is missing, unless CI requires the service."""
    if REQUIRE_SERVICES:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def settings() -> Settings:
    return load_settings()


@pytest.fixture(scope="session")
def knowledge(settings: Settings) -> KnowledgeSet:
    return read_knowledge(settings.knowledge_dir)


@pytest.fixture(scope="session")
def vocabulary(settings: Settings) -> Vocabulary:
    return read_vocabulary(settings.knowledge_dir / "vocabulary.yml")


@pytest.fixture(scope="session")
def analyzer(settings: Settings) -> Analyzer:
    return Analyzer.from_path(settings.spacy_pipeline)


@pytest.fixture(scope="session")
def guide(knowledge: KnowledgeSet, settings: Settings) -> Guide:
    return Guide.from_knowledge(knowledge, settings)


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Engine:
    return create_engine(sqlite_url(tmp_path / "kb.db"), future=True)


@pytest.fixture
def postgres_engine() -> Iterator[Engine]:
    """An engine on a fresh PostgreSQL schema, dropped afterwards."""
    if not POSTGRES_URL:
        skip_or_fail("TEST_POSTGRES_URL is not set")
    assert POSTGRES_URL is not None
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, future=True)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine(
        POSTGRES_URL, future=True, connect_args={"options": f"-csearch_path={schema}"}
    )
    yield engine
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def postgres_database() -> Iterator[str]:
    """The URL of a fresh PostgreSQL database, dropped afterwards.

    For servers started as separate processes, which take a URL rather than an engine.
    """
    if not POSTGRES_URL:
        skip_or_fail("TEST_POSTGRES_URL is not set")
    assert POSTGRES_URL is not None
    name = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, future=True, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def redis_environment() -> Iterator[dict[str, str]]:
    """The REDIS_* variables of the production profile for TEST_REDIS_URL's server.

    Each test gets its own key prefix, and its keys are deleted afterwards.
    """
    if not REDIS_URL:
        skip_or_fail("TEST_REDIS_URL is not set")
    assert REDIS_URL is not None
    parsed = urlsplit(REDIS_URL)
    prefix = f"test{uuid.uuid4().hex[:12]}"
    yield {
        "REDIS_HOST": parsed.hostname or "127.0.0.1",
        "REDIS_PORT": str(parsed.port or 6379),
        "REDIS_DB": parsed.path.strip("/") or "0",
        "REDIS_PASSWORD": parsed.password or "",
        "REDIS_KEY_PREFIX": prefix,
    }
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=10)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
    client.close()


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request: pytest.FixtureRequest) -> Engine:
    """Each database the knowledge base runs on."""
    engine: Engine = request.getfixturevalue(f"{request.param}_engine")
    return engine


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """A writable copy of the knowledge folder, to break on purpose."""
    target = tmp_path / "knowledge"
    for path in (PROJECT_ROOT / "knowledge").rglob("*"):
        if path.is_file():
            dest = target / path.relative_to(PROJECT_ROOT / "knowledge")
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(path.read_bytes())
    return target


@pytest.fixture
def settings_for(tmp_path: Path, settings: Settings) -> Settings:
    """Settings pointing at a temporary database."""
    return replace(settings, database_url=sqlite_url(tmp_path / "cli.db"))
