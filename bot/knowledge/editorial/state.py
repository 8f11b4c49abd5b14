"""The knowledge base's published version: what action servers watch and `kb load` guards."""

from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection, Engine

from bot.knowledge.editorial import tables

_ROW = 1


class NewerPublished(Exception):
    """The database holds published changes the files do not have; loading would lose them."""


def ensure(conn: Connection) -> None:
    """Create the editorial tables and the state row if missing (never drops anything)."""
    tables.metadata.create_all(conn)
    if conn.execute(select(tables.state.c.id)).first() is None:
        conn.execute(insert(tables.state).values(id=_ROW, version=0, exported_version=0))


def version(conn: Connection) -> int:
    """Return the published version (0 before the first load)."""
    value = conn.execute(select(tables.state.c.version).where(tables.state.c.id == _ROW)).scalar()
    return int(value or 0)


def published_version(engine: Engine) -> int:
    """Return the knowledge base's published version (what action servers watch)."""
    with engine.connect() as conn:
        return version(conn)


def bump(conn: Connection) -> int:
    """Move the published version on by one and return it (row-locked, so bumps never clash)."""
    conn.execute(
        update(tables.state)
        .where(tables.state.c.id == _ROW)
        .values(version=tables.state.c.version + 1)
    )
    return version(conn)


def mark_exported(conn: Connection, published: int) -> None:
    """Record that the files now hold version ``published``."""
    conn.execute(
        update(tables.state).where(tables.state.c.id == _ROW).values(exported_version=published)
    )


def refuse_unexported(conn: Connection) -> None:
    """Raise when publishes happened since the files were last loaded or exported.

    Raises:
        NewerPublished: saying what to run instead.
    """
    row = conn.execute(select(tables.state).where(tables.state.c.id == _ROW)).mappings().first()
    if row is not None and row["version"] > row["exported_version"]:
        raise NewerPublished(
            f"the database holds content published in the console (version {row['version']}) "
            f"that the files do not have (they hold version {row['exported_version']}): run "
            "`python -m bot kb export` and commit the files, or `python -m bot kb load --force` "
            "to discard the published changes"
        )
