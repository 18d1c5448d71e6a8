"""Encrypted backups of the SQLite database, and restoring them.

The copy is taken with SQLite's online backup API (a consistent snapshot while the app
keeps writing; copying the file could miss the WAL or catch a half-written page), then
encrypted with the newest data key in chunks. Each chunk is a Fernet token carrying its
position and whether it is the last, so a file cut short, reordered or altered is
refused. PostgreSQL is backed up with pg_dump instead (see the README).
"""

from __future__ import annotations

import os
import sqlite3
import struct
import tempfile
from contextlib import closing
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, inspect, literal, select, table
from sqlalchemy.engine import Engine

from intake.security.crypto import DataKeys, DecryptionError

MAGIC = b"intake-backup-v1\n"
CHUNK = 4 * 1024 * 1024
HEADER = struct.Struct(">QB")  # chunk number, 1 if last


class BackupError(RuntimeError):
    """Said to the operator as is: what went wrong and what to do."""


def sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if engine.dialect.name != "sqlite":
        raise BackupError(
            "backup and restore work on SQLite only; back PostgreSQL up with pg_dump (see the README)"
        )
    if not database or database == ":memory:":
        raise BackupError("the database is in memory: there is nothing on disk to back up")
    return Path(database)


def _integrity_ok(path: Path) -> bool:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _copy(source: Path, target: Path) -> None:
    """SQLite's online backup API, all pages in one step: one consistent snapshot."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.execute("PRAGMA busy_timeout=5000")
        dst.execute("PRAGMA busy_timeout=5000")
        src.backup(dst)


def _chunks(path: Path) -> Iterator[tuple[bytes, bool]]:
    with path.open("rb") as handle:
        current = handle.read(CHUNK)
        while True:
            following = handle.read(CHUNK)
            yield current, not following
            if not following:
                return
            current = following


def _private_file(path: Path):
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return os.fdopen(descriptor, "wb")


def backup(engine: Engine, keys: DataKeys, target: Path) -> int:
    """Write an encrypted backup to `target` (which must not exist); its size in bytes."""
    source = sqlite_path(engine)
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file name")
    with tempfile.TemporaryDirectory() as work:
        snapshot = Path(work) / "snapshot.db"
        _copy(source, snapshot)
        if not _integrity_ok(snapshot):
            raise BackupError("the database failed PRAGMA integrity_check; nothing was written")
        partial = target.with_name(target.name + ".partial")
        with _private_file(partial) as out:
            out.write(MAGIC)
            for number, (chunk, last) in enumerate(_chunks(snapshot)):
                out.write(keys.newest.encrypt(HEADER.pack(number, last) + chunk) + b"\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, target)
    return target.stat().st_size


def _decrypt_to(source: Path, keys: DataKeys, target: Path) -> None:
    with source.open("rb") as handle, _private_file(target) as out:
        if handle.readline() != MAGIC:
            raise BackupError(f"{source} is not an intake backup")
        expected, finished = 0, False
        for line in handle:
            try:
                plain = keys.decrypt(line.strip())
            except DecryptionError:
                raise BackupError(
                    "the backup failed its integrity check, or none of INTAKE_DATA_KEYS opens it"
                ) from None
            number, last = HEADER.unpack_from(plain)
            if number != expected or finished:
                raise BackupError("the backup's parts are out of order or repeated")
            out.write(plain[HEADER.size :])
            expected, finished = expected + 1, bool(last)
        if not finished:
            raise BackupError("the backup is cut short")


def holds_data(path: Path) -> bool:
    """True if any table but Alembic's has a row (an empty or new database is fair game)."""
    if not path.exists() or path.stat().st_size == 0:
        return False
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            names = [name for name in inspect(connection).get_table_names() if name != "alembic_version"]
            return any(
                connection.execute(select(literal(1)).select_from(table(name)).limit(1)).first()
                for name in names
            )
    finally:
        engine.dispose()


def restore(engine: Engine, keys: DataKeys, source: Path, force: bool = False) -> None:
    """Replace the app's database with a backup's contents (refused over data, unless forced)."""
    target = sqlite_path(engine)
    if holds_data(target) and not force:
        raise BackupError(
            f"{target} already holds data; restore into an empty database, or add --force to replace it"
        )
    with tempfile.TemporaryDirectory() as work:
        plain = Path(work) / "restored.db"
        _decrypt_to(source, keys, plain)
        if not _integrity_ok(plain):
            raise BackupError("the decrypted backup failed PRAGMA integrity_check; nothing was changed")
        engine.dispose()
        _copy(plain, target)
    engine.dispose()
