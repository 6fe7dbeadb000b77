"""Engine set-up that depends on the database: SQLite hardening for the embedded default."""

from flask import has_request_context, request
from sqlalchemy import Engine, event

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def harden_sqlite(engine: Engine) -> None:
    """WAL, a busy timeout, foreign keys, and write transactions that begin IMMEDIATE.

    A deferred transaction that reads first and writes later fails at once with
    "database is locked" when another writer got there first; ``BEGIN IMMEDIATE`` takes
    the write lock up front, so concurrent submissions queue on the busy timeout instead.
    Read-only requests keep plain deferred transactions, so pages never wait on writers.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" below emits BEGIN
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _may_write() else "BEGIN")


def _may_write() -> bool:
    """Writes happen in POST requests and CLI commands, never in GET requests."""
    return not has_request_context() or request.method not in READ_ONLY_METHODS
