"""Engine settings that make SQLite safe for concurrent writers."""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Iterator

from flask import Flask, g
from sqlalchemy import event
from sqlalchemy.engine import Connection, CursorResult, Engine
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

from intake.extensions import db


def init_app(app: Flask) -> None:
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    )
    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    app.teardown_appcontext(close_request_connection)


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
    # rather than only under load. A connection that runs each statement alone
    # (request_connection) gets no BEGIN at all: the driver runs each in autocommit, a
    # SELECT as its own snapshot, an UPDATE waiting for the write lock as BEGIN IMMEDIATE
    # would (see write_alone for its PRAGMA).
    # The PRAGMA is set only when it changes: a connection keeps it between transactions.
    options = connection.get_execution_options()
    if options.get(ONE_STATEMENT):
        return
    read_only = bool(options.get(READ_ONLY))
    _set_query_only(connection, read_only)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def _set_query_only(connection: Connection, on: bool) -> None:
    if connection.info.get(QUERY_ONLY, False) != on:
        connection.exec_driver_sql(f"PRAGMA query_only = {'ON' if on else 'OFF'}")
        connection.info[QUERY_ONLY] = on


def start_reading(session: Session) -> None:
    """Begin the session's transaction as a read that cannot write: on SQLite a plain
    (deferred) BEGIN that neither takes nor waits for the write lock."""
    session.connection(execution_options={READ_ONLY: True})


def _each_statement_alone(connection: Connection) -> dict:
    return {ONE_STATEMENT: True} if connection.dialect.name == "sqlite" else {"isolation_level": "AUTOCOMMIT"}


def _in_transactions(connection: Connection) -> dict:
    if connection.dialect.name == "sqlite":
        return {ONE_STATEMENT: False}
    return {"isolation_level": connection.default_isolation_level}


def request_connection(engine: Engine) -> Connection:
    """One Core connection for the rest of the request (app context), outside the ORM
    session, on which each statement is its own transaction: the busiest pages' only
    database work is one statement (a step page's read; a save's read, then its UPDATE),
    and a transaction around it cost as much as the statement. On SQLite a lone SELECT
    neither takes nor waits for the write lock; on PostgreSQL, autocommit spares the BEGIN
    and COMMIT round trips. `locked(connection)` is for the rare work that needs more.

    One checkout from the pool (on PostgreSQL, one ping) for the request; returned when
    the context ends (close_request_connection)."""
    connection = g.get(_REQUEST_CONNECTION)
    if connection is None:
        connection = engine.connect()
        connection.execution_options(**_each_statement_alone(connection))
        setattr(g, _REQUEST_CONNECTION, connection)
    return connection


@contextmanager
def locked(connection: Connection) -> Iterator[Connection]:
    """A write transaction on the request's connection, for work of several statements:
    on SQLite it holds the write lock from its start, on PostgreSQL what it selects
    FOR UPDATE. Committed on success, rolled back on error; each statement runs alone
    again afterwards."""
    connection.rollback()  # ends SQLAlchemy's own record of a transaction; nothing to send
    connection.execution_options(**_in_transactions(connection))
    try:
        with connection.begin():
            yield connection
    finally:
        connection.execution_options(**_each_statement_alone(connection))


def write_alone(connection: Connection, statement: Executable, params: dict) -> CursorResult:
    """Run one write statement on the request's connection, as its own transaction. On
    SQLite the pooled connection may have served a read-only transaction last; it is made
    writable first (a lone SELECT does not need it, hence not done for every statement)."""
    if connection.dialect.name == "sqlite":
        _set_query_only(connection, False)
    return connection.execute(statement, params)


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
