"""A file's type from its first bytes, never from its name or the browser's say-so.

Signatures: JPEG (ITU T.81, SOI + marker), PNG (RFC 2083), ISO base media file format
boxes (ISO/IEC 14496-12: `ftyp` and its brands; HEIF is ISO/IEC 23008-12), QuickTime atoms
(Apple's QuickTime File Format), and the EBML header of WebM (RFC 8794, DocType "webm").
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

# Enough for an ftyp box with a long list of compatible brands, and for the EBML header.
HEAD_BYTES = 512


class Kind(StrEnum):
    PHOTO = "photo"
    VIDEO = "video"


@dataclass(frozen=True)
class Sniffed:
    kind: Kind
    format: str  # "jpeg", "png", "heif", "mp4", "mov" or "webm"


_PNG = b"\x89PNG\r\n\x1a\n"
_EBML = b"\x1a\x45\xdf\xa3"
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
# AVIF files are HEIF too (mif1 among their brands), but Pillow cannot read them here.
_AVIF_BRANDS = {b"avif", b"avis", b"avio"}
_MP4_BRANDS = {
    *(b"iso" + bytes([c]) for c in b"m23456789"),
    *(b"mp4" + bytes([c]) for c in b"12v"),
    *(b"avc" + bytes([c]) for c in b"1234"),
    *(b"3gp" + bytes([c]) for c in b"456789"),
    *(b"3g2" + bytes([c]) for c in b"abc"),
    b"M4V ",
    b"M4VH",
    b"M4VP",
    b"dash",
    b"MSNV",
    b"hvc1",
    b"av01",
}
_MOV_BRAND = b"qt  "
# QuickTime files older than ftyp start with one of these atoms.
_MOV_ATOMS = {b"moov", b"wide", b"mdat", b"free", b"skip"}


def sniff(head: bytes) -> Sniffed | None:
    """The kind and format that the first HEAD_BYTES bytes of a file show, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed(Kind.PHOTO, "jpeg")
    if head.startswith(_PNG):
        return Sniffed(Kind.PHOTO, "png")
    if head.startswith(_EBML):
        return Sniffed(Kind.VIDEO, "webm") if _ebml_doctype(head) == b"webm" else None
    if head[4:8] == b"ftyp":
        return _by_brands(_ftyp_brands(head))
    if len(head) >= 8 and head[4:8] in _MOV_ATOMS:
        return Sniffed(Kind.VIDEO, "mov")
    return None


def _ftyp_brands(head: bytes) -> list[bytes]:
    """The major brand first, then the compatible ones (the minor version skipped)."""
    size = int.from_bytes(head[0:4], "big")
    end = min(size, len(head)) if size >= 16 else len(head)
    brands = [head[8:12]]
    brands += [head[i : i + 4] for i in range(16, end - 3, 4)]
    return [b for b in brands if len(b) == 4]


def _by_brands(brands: list[bytes]) -> Sniffed | None:
    if not brands or _AVIF_BRANDS.intersection(brands):
        return None
    # The major brand decides when it is known; a compatible brand only when it is not.
    for brand in brands:
        if brand in _HEIF_BRANDS:
            return Sniffed(Kind.PHOTO, "heif")
        if brand == _MOV_BRAND:
            return Sniffed(Kind.VIDEO, "mov")
        if brand in _MP4_BRANDS:
            return Sniffed(Kind.VIDEO, "mp4")
    return None


def _vint(data: bytes, at: int, *, keep_marker: bool) -> tuple[int, int] | None:
    """An EBML variable-length integer at `at`: (value, length), or None if cut off."""
    if at >= len(data) or data[at] == 0:
        return None
    length = 9 - data[at].bit_length()
    if at + length > len(data):
        return None
    value = int.from_bytes(data[at : at + length], "big")
    if not keep_marker:
        value &= (1 << (7 * length)) - 1
    return value, length


def _ebml_doctype(head: bytes) -> bytes | None:
    """The DocType element (ID 0x4282) among the children of the EBML header."""
    size = _vint(head, 4, keep_marker=False)
    if size is None:
        return None
    at = 4 + size[1]
    end = min(at + size[0], len(head))
    while at < end:
        element, id_length = _vint(head, at, keep_marker=True) or (None, 0)
        length = _vint(head, at + id_length, keep_marker=False) if element is not None else None
        if length is None:
            return None
        at += id_length + length[1]
        if element == 0x4282:
            return head[at : at + length[0]]
        at += length[0]
    return None
