"""Engine settings that make SQLite safe for concurrent writers."""

from __future__ import annotations

import os

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session

from intake.extensions import db


def init_app(app: Flask) -> None:
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    )
    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)


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
QUERY_ONLY = "intake_query_only"  # in a pooled connection's info: its PRAGMA query_only
READS_ALONE = "intake_reads_alone"  # in a session's info: its reads run in autocommit


def _sqlite_begin_immediate(connection) -> None:
    # A deferred transaction that reads and then writes gets SQLITE_BUSY at once,
    # ignoring busy_timeout. Taking the write lock up front makes writers queue instead.
    # A read that never writes (a page view, a CSV export) opts out, so it never holds
    # writers up; query_only makes a write slipped into one fail every time, in tests,
    # rather than only under load.
    # The PRAGMA is set only when it changes: a connection keeps it between transactions.
    # Both go straight to the driver's connection, as every transaction of every request
    # begins here: through SQLAlchemy's statement machinery each cost about 0.1 ms
    # (bench/HISTORY.md, "regrouping").
    read_only = bool(connection.get_execution_options().get(READ_ONLY))
    driver = connection.connection.driver_connection
    if connection.info.get(QUERY_ONLY, False) != read_only:
        driver.execute(f"PRAGMA query_only = {'ON' if read_only else 'OFF'}")
        connection.info[QUERY_ONLY] = read_only
    driver.execute("BEGIN" if read_only else "BEGIN IMMEDIATE")


def start_reading(session: Session, *, page_view: bool = False) -> None:
    """Begin the session's transaction as a read that cannot write: on SQLite a plain
    (deferred) BEGIN that neither takes nor waits for the write lock.

    `page_view` (a patient's GET or HEAD, which as a rule writes nothing) lets PostgreSQL
    run the reads in autocommit: at READ COMMITTED every statement sees its own snapshot
    even inside a transaction, so a page loses nothing, and it saves the BEGIN and
    ROLLBACK round trips (bench/HISTORY.md). Not for a POST (its read and write share one
    transaction there), a streamed export (a server-side cursor needs a transaction) or
    a clinician's page (its audit row would wait for a second checkout and ping). A
    write after it goes through `finish_reading`, as on SQLite."""
    options: dict = {READ_ONLY: True}
    if page_view and session.get_bind().dialect.name != "sqlite":
        options["isolation_level"] = "AUTOCOMMIT"
        session.info[READS_ALONE] = True
    session.connection(execution_options=options)


def finish_reading(session: Session | scoped_session) -> None:
    """Make the session ready to write after a read. On SQLite, and after a page view's
    autocommit reads on PostgreSQL, the read ends, so that the next statement begins a
    write transaction of its own (on SQLite BEGIN IMMEDIATE, which queues for the lock);
    what was read stays loaded rather than expired (the read wrote nothing, and a write
    onto a copy is checked against its version, version_id_col). Otherwise PostgreSQL
    locks rows, not the database: the write goes in the reading's own transaction, on
    the connection already checked out (and pinged)."""
    current = session() if isinstance(session, scoped_session) else session
    reads_alone = current.info.pop(READS_ALONE, False)
    if current.get_bind().dialect.name != "sqlite" and not reads_alone:
        return
    keep, current.expire_on_commit = current.expire_on_commit, False
    try:
        current.commit()
    finally:
        current.expire_on_commit = keep
