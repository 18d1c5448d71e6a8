"""Engine settings that make SQLite safe for concurrent writers."""

from __future__ import annotations

import os

from flask import g
from sqlalchemy import Row, Select, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session


def engine_options(database_url: str, options: dict) -> dict:
    """The configured engine options, less a pre-ping on SQLite: a ping finds connections a
    server dropped (a PostgreSQL restart, a load balancer's idle cut). A SQLite file has
    no server to drop them, and the ping would cost a statement on every request."""
    if database_url.startswith("sqlite"):
        return {key: value for key, value in options.items() if key != "pool_pre_ping"}
    return options


def configure_engine(engine: Engine) -> None:
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_begin_immediate)


def _sqlite_on_connect(dbapi_connection, _record) -> None:
    # Take transaction control from pysqlite so that "begin" below is the only BEGIN.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    _owner_only(cursor)
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _owner_only(cursor) -> None:
    """The database file readable by its owner only (SQLite gives its -wal and -shm files
    the same mode). Health data in it is encrypted; the rest is nobody else's business."""
    for _seq, name, path in cursor.execute("PRAGMA database_list").fetchall():
        if name == "main" and path and os.path.exists(path) and os.stat(path).st_mode & 0o077:
            try:
                os.chmod(path, 0o600)
            except OSError:
                pass  # not ours to change (a read-only deployment): leave it as set up


READ_ONLY = "intake_read_only"
ONE_STATEMENT = "intake_one_statement"
QUERY_ONLY = "intake_query_only"  # in a pooled connection's info: its PRAGMA query_only


def _sqlite_begin_immediate(connection) -> None:
    # A deferred transaction that reads and then writes gets SQLITE_BUSY at once,
    # ignoring busy_timeout. Taking the write lock up front makes writers queue instead.
    # A read that never writes (a page view, a CSV export) opts out, so it never holds
    # writers up; query_only makes a write slipped into one fail every time, in tests,
    # rather than only under load. A lone SELECT needs no BEGIN at all: the driver runs
    # it in autocommit, as its own consistent snapshot.
    # The PRAGMA is set only when it changes: a connection keeps it between transactions.
    options = connection.get_execution_options()
    if options.get(ONE_STATEMENT):
        return
    read_only = bool(options.get(READ_ONLY))
    if connection.info.get(QUERY_ONLY, False) != read_only:
        connection.exec_driver_sql(f"PRAGMA query_only = {'ON' if read_only else 'OFF'}")
        connection.info[QUERY_ONLY] = read_only
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def start_reading(session: Session) -> None:
    """Begin the session's transaction as a read that cannot write: on SQLite a plain
    (deferred) BEGIN that neither takes nor waits for the write lock."""
    session.connection(execution_options={READ_ONLY: True})


def read_first_row(connection: Connection, statement: Select, params: dict) -> Row | None:
    """Run one SELECT outside any transaction, outside the ORM session, and return its
    first row: for a page whose only database work is one read, the session's bookkeeping
    cost as much as the read. One statement is its own transaction: on SQLite it neither
    takes nor waits for the write lock; on PostgreSQL, autocommit spares the BEGIN and
    ROLLBACK round trips around it. The connection is left as it was, out of any
    transaction, ready for a write transaction of its own."""
    sqlite = connection.dialect.name == "sqlite"
    connection.execution_options(**({ONE_STATEMENT: True} if sqlite else {"isolation_level": "AUTOCOMMIT"}))
    try:
        return connection.execute(statement, params).first()
    finally:
        connection.rollback()  # ends SQLAlchemy's own transaction; nothing to send
        connection.execution_options(
            **({ONE_STATEMENT: False} if sqlite else {"isolation_level": connection.default_isolation_level}))


def request_connection(engine: Engine) -> Connection:
    """One Core connection for the rest of the request (app context), outside the ORM
    session: a save reads and writes on it with one checkout from the pool, on PostgreSQL
    one ping. Returned to the pool when the context ends (close_request_connection)."""
    connection = g.get(_REQUEST_CONNECTION)
    if connection is None:
        connection = engine.connect()
        setattr(g, _REQUEST_CONNECTION, connection)
    return connection


def close_request_connection(_error: BaseException | None = None) -> None:
    connection = g.pop(_REQUEST_CONNECTION, None)
    if connection is not None:
        connection.close()


_REQUEST_CONNECTION = "_intake_core_connection"


def finish_reading(session: Session) -> None:
    """End the session's transaction so that its next statement begins a new one: after a
    read-only transaction, a write transaction of its own (on SQLite, BEGIN IMMEDIATE,
    which queues for the lock)."""
    session.commit()
