"""The media memory benchmark's own pieces: the phone-like video it sends is as large as
asked and is a MOV by its bytes (as the app tells types), so the figures it reports are
for a real 150 MB video, not for a refused file."""

from __future__ import annotations

from bench.media_memory import PIECE, phone_video
from intake.media.sniff import Kind, sniff


def test_the_video_is_the_size_asked_and_a_mov_by_its_bytes(tmp_path):
    video = phone_video(tmp_path / "IMG_0001.MOV", 3)
    size = video.stat().st_size
    assert 0.97 * 3 * PIECE <= size <= 3 * PIECE + 2 * PIECE
    found = sniff(video.read_bytes()[:512])
    assert found is not None and (found.kind, found.format) == (Kind.VIDEO, "mov")
