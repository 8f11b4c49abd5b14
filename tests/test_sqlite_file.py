"""A pooled SQLite file: connections kept between sessions, and dropped when the file goes."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError

from bot.settings import sqlite_url
from bot.sqlite_file import pooled_sqlite_engine


def open_engine(path: Path) -> Engine:
    engine = pooled_sqlite_engine(make_url(sqlite_url(path)))
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE IF NOT EXISTS said (words TEXT)"))
    return engine


def say(engine: Engine, words: str) -> None:
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO said VALUES (:w)"), {"w": words})


def said(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return [row[0] for row in connection.execute(text("SELECT words FROM said"))]


def test_one_connection_serves_session_after_session(tmp_path: Path) -> None:
    engine = open_engine(tmp_path / "store.db")
    opened = []
    for words in ("one", "two", "three"):
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO said VALUES (:w)"), {"w": words})
            opened.append(id(connection.connection.dbapi_connection))
    assert len(set(opened)) == 1
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL


def test_a_file_taken_away_fails_the_next_session_and_comes_back(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    engine = open_engine(path)
    say(engine, "before")
    away = path.with_name("away.db")
    path.rename(away)
    path.mkdir()  # nothing SQLite can open is there now
    with pytest.raises(OperationalError):
        say(engine, "while gone")
    path.rmdir()
    away.rename(path)
    say(engine, "after")
    assert said(engine) == ["before", "after"]
