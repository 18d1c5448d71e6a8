"""process(): hostile and ordinary uploads through the sandbox process, end to end."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import av
import pytest
from PIL import Image

from intake.media.processing import Limits, Processed, Refused, process
from intake.media.sniff import Kind
from tests.media import files

PHONE_TAGS = {
    "location": files.LOCATION,
    "com.apple.quicktime.location.ISO6709": files.LOCATION,
    "make": files.MAKE,
    "model": files.MODEL,
    "com.apple.quicktime.model": files.MODEL,
    "software": "17.4.1",
    "creation_time": "2024-05-01T10:00:00.000000Z",
    "handler_name": "Core Media Video",
}
PHONE_KEYS = {"location", "location-eng", "make", "model", "software", "creation_time"} | set(PHONE_TAGS)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("built")


def output(processed: Processed, role: str) -> Path:
    (found,) = [o.path for o in processed.outputs if o.role == role]
    return found


def refusal(source: Path, expected: Kind, work_dir: Path, limits: Limits = Limits()) -> str:  # noqa: B008
    with pytest.raises(Refused) as refused:
        process(source, expected, work_dir, limits)
    return refused.value.code


def assert_clean_jpeg(path: Path) -> None:
    data = path.read_bytes()
    for secret in (files.SERIAL, files.MODEL, files.MAKE, files.DATUM):
        assert secret.encode() not in data
    with Image.open(path) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        assert not {"exif", "icc_profile", "xmp", "comment"} & image.info.keys()
        assert {marker for marker, _ in image.applist} <= {"APP0"}  # JFIF only


def test_jpeg_loses_gps_and_device_and_is_turned_upright(tmp_path):
    source = files.jpeg_with_gps(tmp_path / "upload", size=(64, 48), orientation=6)
    with Image.open(source) as original:  # the test file really carries it all
        assert original.getexif().get_ifd(0x8825) and "icc_profile" in original.info
    processed = process(source, Kind.PHOTO, tmp_path / "out")
    main = output(processed, "main")
    assert_clean_jpeg(main)
    assert_clean_jpeg(output(processed, "thumb"))
    with Image.open(main) as image:
        assert image.size == (48, 64) == (processed.width, processed.height)
        rgb = image.convert("RGB")
        # Orientation 6: the stored top-left corner is shown at the top right.
        assert rgb.getpixel((45, 2))[1] < 80 and rgb.getpixel((2, 2))[1] > 200
    assert (processed.kind, processed.source_format, processed.duration_seconds) == (Kind.PHOTO, "jpeg", None)


def test_large_photo_is_scaled_down_with_a_thumbnail(tmp_path):
    source = files.png(tmp_path / "upload", size=(3000, 1000))
    processed = process(source, Kind.PHOTO, tmp_path / "out")
    with Image.open(output(processed, "main")) as main, Image.open(output(processed, "thumb")) as thumb:
        assert main.size == (2560, 853) and thumb.size == (480, 160)


def test_heic_becomes_jpeg_without_metadata(tmp_path):
    source = files.heic_with_gps(tmp_path / "upload")
    processed = process(source, Kind.PHOTO, tmp_path / "out")
    assert processed.source_format == "heif"
    assert_clean_jpeg(output(processed, "main"))
    assert (processed.width, processed.height) == (64, 48)


@pytest.mark.parametrize("side", [30_000, 8_000], ids=["far-over", "just-over"])
def test_png_bomb_is_refused_before_decoding(tmp_path, side):
    # 8000 x 8000 is over 50 M pixels, yet under the 2x where Pillow itself raises.
    source = files.png_bomb(tmp_path / "upload", side=side)
    assert source.stat().st_size < 2_000_000
    started = time.monotonic()
    assert refusal(source, Kind.PHOTO, tmp_path / "out") == "too_many_pixels"
    assert time.monotonic() - started < 5


def test_truncated_jpeg_is_damaged(tmp_path):
    data = files.noise_jpeg(tmp_path / "whole").read_bytes()
    (tmp_path / "upload").write_bytes(data[: len(data) // 2])
    assert refusal(tmp_path / "upload", Kind.PHOTO, tmp_path / "out") == "damaged"


def test_polyglot_keeps_the_picture_and_drops_the_payload(tmp_path):
    data = files.noise_jpeg(tmp_path / "whole").read_bytes()
    (tmp_path / "upload").write_bytes(data + files.zip_bytes())
    processed = process(tmp_path / "upload", Kind.PHOTO, tmp_path / "out")
    for made in processed.outputs:
        assert files.POLYGLOT_MARKER not in made.path.read_bytes()
        assert b"PK\x03\x04" not in made.path.read_bytes()


def test_wrong_kinds_are_refused(tmp_path):
    pdf = tmp_path / "photo.jpg"
    pdf.write_bytes(files.PDF_BYTES)
    jpeg = files.jpeg_with_gps(tmp_path / "video.mp4")
    mp4 = files.video(tmp_path / "photo.png", container="mp4", audio=None)
    assert refusal(pdf, Kind.PHOTO, tmp_path / "a") == "unknown_type"
    assert refusal(pdf, Kind.VIDEO, tmp_path / "b") == "unknown_type"
    assert refusal(jpeg, Kind.VIDEO, tmp_path / "c") == "not_a_video"
    assert refusal(mp4, Kind.PHOTO, tmp_path / "d") == "not_a_photo"


def assert_no_phone_metadata(path: Path) -> None:
    data = path.read_bytes()
    for secret in (b"40.4168", files.MODEL.encode(), files.MAKE.encode(), b"Core Media", b"17.4.1"):
        assert secret not in data
    with av.open(str(path)) as container:
        for metadata in [container.metadata, *(s.metadata for s in container.streams)]:
            assert not PHONE_KEYS & metadata.keys() - {"handler_name"}
            assert files.LOCATION not in metadata.values()


def test_h264_mov_is_remuxed_without_location_or_device(tmp_path):
    source = files.video(tmp_path / "upload", container="mov", metadata=PHONE_TAGS)
    with av.open(str(source)) as original:  # the test file really carries them
        assert original.metadata["com.apple.quicktime.location.ISO6709"] == files.LOCATION
    processed = process(source, Kind.VIDEO, tmp_path / "out")
    main = output(processed, "main")
    assert_no_phone_metadata(main)
    assert not processed.transcoded
    assert processed.outputs[0].content_type == "video/mp4"
    data = main.read_bytes()
    assert data.index(b"moov") < data.index(b"mdat")  # +faststart
    with av.open(str(main)) as container:
        assert [s.codec_context.name for s in container.streams] == ["h264", "aac"]
    assert_clean_jpeg(output(processed, "poster"))
    assert (processed.width, processed.height, processed.duration_seconds) == (160, 120, 1.0)


def test_hevc_is_transcoded_to_h264(tmp_path):
    source = files.video(tmp_path / "upload", codec="libx265", metadata=PHONE_TAGS)
    processed = process(source, Kind.VIDEO, tmp_path / "out")
    main = output(processed, "main")
    assert processed.transcoded
    with av.open(str(main)) as container:
        video = container.streams.video[0]
        assert (video.codec_context.name, video.codec_context.pix_fmt) == ("h264", "yuv420p")
        assert container.streams.audio[0].codec_context.name == "aac"
    assert_no_phone_metadata(main)
    assert output(processed, "poster").is_file()


def test_webm_is_remuxed_as_webm(tmp_path):
    source = files.video(tmp_path / "upload", container="webm", codec="libvpx-vp9", audio="libopus")
    processed = process(source, Kind.VIDEO, tmp_path / "out")
    main = output(processed, "main")
    assert not processed.transcoded and main.suffix == ".webm"
    assert processed.outputs[0].content_type == "video/webm"
    with av.open(str(main)) as container:
        assert container.format.name.startswith("matroska")
        assert [s.codec_context.name for s in container.streams] == ["vp9", "opus"]


def test_audio_the_container_cannot_take_is_transcoded(tmp_path):
    # H.264 is copied; PCM audio (as some cameras write it) becomes AAC for MP4.
    source = files.video(tmp_path / "upload", container="mov", audio="pcm_s16le")
    processed = process(source, Kind.VIDEO, tmp_path / "out")
    assert not processed.transcoded
    with av.open(str(output(processed, "main"))) as container:
        assert [s.codec_context.name for s in container.streams] == ["h264", "aac"]
        assert sum(1 for _ in container.demux(container.streams.audio[0])) > 20


def test_truncated_mp4_is_damaged(tmp_path):
    data = files.video(tmp_path / "whole", container="mp4").read_bytes()
    (tmp_path / "upload").write_bytes(data[: len(data) // 2])  # the moov atom is at the end
    assert refusal(tmp_path / "upload", Kind.VIDEO, tmp_path / "out") == "damaged"


def test_video_longer_than_the_limit_is_refused(tmp_path):
    source = files.video(tmp_path / "upload", container="mp4", seconds=2)
    assert refusal(source, Kind.VIDEO, tmp_path / "out", Limits(max_video_seconds=0.5)) == "too_long"


def test_header_claiming_hours_is_refused_before_the_packets(tmp_path):
    # One second of packets: only the claim (3 hours) is over the 120 s limit.
    source = files.video(tmp_path / "upload", container="webm", codec="libvpx", audio=None)
    files.set_webm_claimed_seconds(source, 3 * 3600)
    assert refusal(source, Kind.VIDEO, tmp_path / "out") == "too_long"


def test_header_claiming_too_little_is_caught_by_the_packets(tmp_path):
    source = files.set_claimed_duration(files.video(tmp_path / "upload", container="mp4", seconds=6), 1)
    with av.open(str(source)) as container:  # the header now says well under a second
        assert container.duration < av.time_base
    assert refusal(source, Kind.VIDEO, tmp_path / "out", Limits(max_video_seconds=2)) == "too_long"


def children() -> set[int]:
    """This process's child processes, from /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        try:
            if (
                entry.name.isdigit()
                and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == os.getpid()
            ):
                found.add(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


def test_wall_clock_limit_kills_the_child(built):
    source = built / "slow.mov"
    if not source.exists():
        files.slow_to_transcode(source, frames=300)
    before = children()
    started = time.monotonic()
    assert refusal(source, Kind.VIDEO, built / "wall", Limits(wall_seconds=0.5)) == "took_too_long"
    assert time.monotonic() - started < 3
    assert children() <= before


def test_cpu_limit_stops_the_child(built):
    source = built / "slow.mov"
    if not source.exists():
        files.slow_to_transcode(source, frames=300)
    assert refusal(source, Kind.VIDEO, built / "cpu", Limits(cpu_seconds=1)) == "took_too_long"


def test_memory_limit_refuses_a_large_photo_cleanly(tmp_path):
    source = tmp_path / "upload"
    Image.new("RGB", (8000, 6000), (90, 120, 200)).save(source, "JPEG")  # 144 MB decoded
    code = refusal(source, Kind.PHOTO, tmp_path / "out", Limits(memory_bytes=200 * 1024 * 1024))
    assert code in ("too_big_to_process", "damaged")
    # This process is untouched: the same photo passes with the default limits.
    assert process(source, Kind.PHOTO, tmp_path / "again").width == 2560


@pytest.mark.parametrize("codec", ["libx264", "libx265"], ids=["remux", "transcode"])
def test_portrait_video_keeps_its_display_matrix(tmp_path, codec):
    # As an iPhone held upright writes it: landscape pixels, turned 90 degrees on display.
    source = files.video(tmp_path / "upload", codec=codec, size=(160, 120), rotation=-90)
    processed = process(source, Kind.VIDEO, tmp_path / "out")
    assert processed.transcoded == (codec == "libx265")
    with av.open(str(output(processed, "main"))) as container:
        assert next(container.decode(video=0)).rotation == -90
    assert (processed.width, processed.height) == (120, 160)
    with Image.open(output(processed, "poster")) as poster:
        assert poster.size == (120, 160)


def test_work_dir_holds_only_the_outputs(tmp_path):
    source = files.jpeg_with_gps(tmp_path / "upload")
    processed = process(source, Kind.PHOTO, tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["main.jpg", "thumb.jpg"]
    assert all(o.path.parent == (tmp_path / "out").resolve() for o in processed.outputs)
    shutil.rmtree(tmp_path / "out")
