"""Media bytes at rest: sealed chunk by chunk with the answers' keys, read back as a stream.

Each chunk is a Fernet token (authenticated encryption, intake/security/crypto.py) over a
header naming its file, rendition, number and whether it is the last, then the bytes.
Reading checks every header against what was asked for, so a chunk swapped from another
file, moved, dropped or cut short is refused like an altered one. Key rotation re-seals
chunks under the newest key (storage/maintenance.py). Memory stays at about one chunk, whatever the
file's size: writers take any iterable of bytes, readers seek by chunk.

Storage is behind these few functions (`RenditionWriter`, `open_rendition`, `delete_media`)
so an S3-compatible store could stand in for the database one day (DESIGN.md).
"""

from __future__ import annotations

import base64
import hashlib
import io
import struct
from typing import BinaryIO

from sqlalchemy import delete, insert, select

from intake.extensions import db
from intake.models import MediaChunk, MediaFile, MediaRendition
from intake.security.crypto import DataKeys, DecryptionError, data_keys
from intake.storage import media_rows
from intake.storage.database import READ_ONLY

CHUNK = 1024 * 1024  # plain bytes per stored chunk; the resumable upload's chunk too
_HEADER = struct.Struct(">36s8sIB")  # file's public id, rendition, chunk number, 1 if last


class MediaIntegrityError(DecryptionError):
    """A chunk failed its check, or is not the one its place expects."""


def _header(public_id: str, rendition: str, seq: int, last: bool) -> bytes:
    return _HEADER.pack(public_id.encode("ascii"), rendition.encode("ascii"), seq, int(last))


def seal_chunk(keys: DataKeys, public_id: str, rendition: str, seq: int, last: bool, plain: bytes) -> bytes:
    token = keys.newest.encrypt(_header(public_id, rendition, seq, last) + plain)
    # Stored as the token's bytes, not its base64 text: a third smaller.
    return base64.urlsafe_b64decode(token)


def open_chunk(keys: DataKeys, public_id: str, rendition: str, seq: int, last: bool, stored: bytes) -> bytes:
    plain = keys.decrypt(base64.urlsafe_b64encode(stored))
    if plain[: _HEADER.size] != _header(public_id, rendition, seq, last):
        raise MediaIntegrityError("a media chunk is not the one its place expects")
    return plain[_HEADER.size :]


class RenditionWriter:
    """Appends chunks to one rendition; `add` seals and inserts a chunk at a time (Core
    inserts, so the session never holds the bytes), `finish` records size and SHA-1."""

    def __init__(self, media: MediaFile, name: str, content_type: str) -> None:
        self.media, self.name = media, name
        self.rendition = media.rendition(name)
        if self.rendition is None:
            self.rendition = MediaRendition(media=media, name=name, content_type=content_type)
            db.session.add(self.rendition)
            db.session.flush()
        self.keys = data_keys()
        self.pending = b""
        self.sha1 = hashlib.sha1(usedforsecurity=False)

    def add(self, data: bytes, last: bool = False) -> None:
        """Store `data` as the next chunk. All but the last must be exactly CHUNK bytes."""
        if not last and len(data) != CHUNK:
            raise ValueError("only the last chunk may be shorter than CHUNK")
        rendition = self.rendition
        sealed = seal_chunk(self.keys, self.media.public_id, self.name, rendition.chunk_count, last, data)
        db.session.execute(
            insert(MediaChunk).values(rendition_id=rendition.id, seq=rendition.chunk_count, data=sealed)
        )
        rendition.chunk_count += 1
        rendition.size += len(data)
        self.sha1.update(data)

    def finish(self) -> MediaRendition:
        self.rendition.sha1 = self.sha1.hexdigest()
        return self.rendition


class RenditionReader(io.RawIOBase):
    """A rendition's plain bytes as a seekable, read-only file: what the job and HTTP
    range requests read. Holds one chunk in memory. Each chunk is read on a connection
    of its own, in a read-only transaction: a response streams after its request's
    context has ended, and must never hold the write lock (or a connection) between reads."""

    def __init__(self, media_public_id: str, rendition: MediaRendition) -> None:
        super().__init__()
        self.public_id, self.rendition = media_public_id, rendition
        self.name_, self.rendition_id = rendition.name, rendition.id
        self.size, self.chunk_count = rendition.size, rendition.chunk_count
        self.keys, self.engine = data_keys(), db.engine
        self.position = 0
        self.cached: tuple[int, bytes] | None = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = max(0, base + offset)
        return self.position

    def _chunk(self, seq: int) -> bytes:
        if self.cached and self.cached[0] == seq:
            return self.cached[1]
        query = select(MediaChunk.data).where(
            MediaChunk.rendition_id == self.rendition_id, MediaChunk.seq == seq
        )
        with self.engine.connect().execution_options(**{READ_ONLY: True}) as connection:
            stored = connection.scalar(query)
        if stored is None:
            raise MediaIntegrityError("a media chunk is missing")
        plain = open_chunk(self.keys, self.public_id, self.name_, seq, seq == self.chunk_count - 1, stored)
        self.cached = (seq, plain)
        return plain

    def readinto(self, buffer) -> int:
        if self.position >= self.size:
            return 0
        seq, within = divmod(self.position, CHUNK)
        piece = self._chunk(seq)[within : within + len(buffer)]
        buffer[: len(piece)] = piece
        self.position += len(piece)
        return len(piece)


def open_rendition(media: MediaFile, name: str) -> RenditionReader | None:
    rendition = media.rendition(name)
    return None if rendition is None else RenditionReader(media.public_id, rendition)


def copy_to(reader: RenditionReader, target: BinaryIO) -> None:
    while piece := reader.read(CHUNK):
        target.write(piece)


def drop_rendition(media: MediaFile, name: str) -> None:
    rendition = media.rendition(name)
    if rendition is not None:
        db.session.execute(delete(MediaChunk).where(MediaChunk.rendition_id == rendition.id))
        media.renditions.remove(rendition)


def delete_media(media_ids: list[int]) -> int:
    """Every chunk, rendition and row of these files (a file removed or taken again)."""
    return (
        media_rows.delete_media_where(select(MediaFile.id).where(MediaFile.id.in_(media_ids)))
        if media_ids
        else 0
    )
