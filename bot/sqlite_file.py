"""An SQLite file kept open between sessions, and let go of the moment the file is not there.

SQLAlchemy 1.4 opens and closes an SQLite file for every session (NullPool), and Rasa's tracker
store opens a session or two per message: opening, closing and setting up the connection took
about 5% of the Rasa server's time under load. A pool keeps connections open; but an open
connection would go on writing to a file that has been moved away (the fault test's "database
gone"), so each checkout first checks that the path still names the file the connection opened,
and otherwise drops it and connects again (which fails if nothing usable is there, as an
unpooled connection would). Replacing the file of a running assistant is not supported: with a
write-ahead log, stop it first.
"""

from __future__ import annotations

import os
from typing import Any

import sqlalchemy
from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import DisconnectionError

IDENTITY = "sqlite_file_identity"


def pooled_sqlite_engine(url: URL) -> Engine:
    """An engine for an SQLite file that writes ahead to a log and keeps its connections."""
    path = str(url.database)
    engine = sqlalchemy.create_engine(
        url,
        poolclass=sqlalchemy.pool.QueuePool,
        # Used by one thread at a time, handed between them by the pool (as SQLAlchemy 2.0 does).
        connect_args={"check_same_thread": False},
    )
    with engine.connect() as connection:  # the log mode stays with the file
        connection.exec_driver_sql("PRAGMA journal_mode=WAL")

    def on_connect(connection: Any, record: Any) -> None:
        cursor = connection.cursor()
        # Sync the log at checkpoints, not at every commit: a commit survives a restart of the
        # process; only a power cut can lose the last ones.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        record.info[IDENTITY] = file_identity(path)

    def on_checkout(_connection: Any, record: Any, _proxy: Any) -> None:
        if record.info.get(IDENTITY) != file_identity(path):
            raise DisconnectionError(f"{path} is no longer the file this connection opened")

    sqlalchemy.event.listen(engine, "connect", on_connect)
    sqlalchemy.event.listen(engine, "checkout", on_checkout)
    engine.dispose()  # the connection that set the log mode predates the listeners
    return engine


def file_identity(path: str) -> tuple[int, int] | None:
    """The device and inode ``path`` names now (None when nothing is there)."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (found.st_dev, found.st_ino)
