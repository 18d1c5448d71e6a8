"""sniff: the bytes decide, from files the libraries themselves wrote."""

from __future__ import annotations

import struct

import pytest

from intake.media.sniff import HEAD_BYTES, Kind, Sniffed, sniff
from tests.media import files


def head(path) -> bytes:
    with open(path, "rb") as file:
        return file.read(HEAD_BYTES)


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (lambda p: files.jpeg_with_gps(p / "x.bin"), Sniffed(Kind.PHOTO, "jpeg")),
        (lambda p: files.png(p / "x.bin"), Sniffed(Kind.PHOTO, "png")),
        (lambda p: files.heic_with_gps(p / "x.bin"), Sniffed(Kind.PHOTO, "heif")),
        (lambda p: files.video(p / "x.bin", container="mp4", audio=None), Sniffed(Kind.VIDEO, "mp4")),
        (lambda p: files.video(p / "x.bin", container="mov", audio=None), Sniffed(Kind.VIDEO, "mov")),
        (
            lambda p: files.video(p / "x.bin", container="webm", codec="libvpx", audio=None),
            Sniffed(Kind.VIDEO, "webm"),
        ),
    ],
    ids=["jpeg", "png", "heic", "mp4", "mov", "webm"],
)
def test_each_accepted_format_from_real_bytes(tmp_path, build, expected):
    # The name says nothing ("x.bin"): only the content can tell.
    assert sniff(head(build(tmp_path))) == expected


def test_old_quicktime_file_without_ftyp_is_mov():
    for atom in (b"moov", b"wide", b"mdat", b"free", b"skip"):
        assert sniff(struct.pack(">I", 8) + atom + bytes(32)) == Sniffed(Kind.VIDEO, "mov")


def test_iso_brands_decide_between_mp4_mov_and_heif():
    def ftyp(major: bytes, *compatible: bytes) -> bytes:
        body = major + bytes(4) + b"".join(compatible)
        return struct.pack(">I", 8 + len(body)) + b"ftyp" + body + bytes(16)

    assert sniff(ftyp(b"qt  ", b"qt  ")) == Sniffed(Kind.VIDEO, "mov")
    assert sniff(ftyp(b"mp42", b"isom")) == Sniffed(Kind.VIDEO, "mp4")
    assert sniff(ftyp(b"3gp5", b"3gp5")) == Sniffed(Kind.VIDEO, "mp4")
    assert sniff(ftyp(b"mif1", b"heic")) == Sniffed(Kind.PHOTO, "heif")
    assert sniff(ftyp(b"xxxx", b"heix")) == Sniffed(Kind.PHOTO, "heif")
    assert sniff(ftyp(b"xxxx", b"yyyy")) is None


def test_renamed_pdf_is_nothing(tmp_path):
    renamed = tmp_path / "photo.jpg"
    renamed.write_bytes(files.PDF_BYTES)
    assert sniff(head(renamed)) is None


@pytest.mark.parametrize(
    "data",
    [
        files.zip_bytes(),
        files.gif_bytes(),
        files.avif_head(),
        b"",
        b"\xff\xd8",  # too short to be a JPEG
        b"\x89PNG\r\n",  # a PNG signature cut short
        b"hello, this is text\n" * 4,
        b"\x1a\x45\xdf\xa3",  # EBML magic and nothing else
    ],
    ids=["zip", "gif", "avif", "empty", "short-jpeg", "short-png", "text", "bare-ebml"],
)
def test_other_types_are_nothing(data):
    assert sniff(data[:HEAD_BYTES]) is None


def test_matroska_that_is_not_webm_is_nothing(tmp_path):
    path = files.video(tmp_path / "x.mkv", container="matroska", codec="libvpx", audio=None)
    assert head(path).startswith(b"\x1a\x45\xdf\xa3")
    assert sniff(head(path)) is None
