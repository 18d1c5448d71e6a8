"""Test uploads, built at test time with Pillow, pillow-heif and PyAV (nothing binary is
committed). They carry what phones write: EXIF GPS, make, model and serial, an ICC
profile, an Orientation tag; QuickTime location and device tags; a display matrix.
Tag numbers: EXIF 2.32 (CIPA DC-008) as Pillow's ExifTags names them; the QuickTime box
layouts (mvhd, mdhd, tkhd) from Apple's QuickTime File Format reference.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from fractions import Fraction
from pathlib import Path

import av
import pillow_heif
from PIL import ExifTags, Image, ImageCms, ImageDraw

MODEL = "PhoneModel-X9-Secret"
MAKE = "ExampleMaker"
SERIAL = "SN-4815162342"
DATUM = "WGS-84-TESTDATUM"
LOCATION = "+40.4168-003.7038/"
POLYGLOT_MARKER = b"POLYGLOT-PAYLOAD-MARKER"


def exif_with_gps(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = MAKE
    exif[ExifTags.Base.Model] = MODEL
    exif[ExifTags.Base.Orientation] = orientation
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.BodySerialNumber] = SERIAL
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (Fraction(40), Fraction(25), Fraction(6048, 100))
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (Fraction(3), Fraction(42), Fraction(1368, 100))
    gps[ExifTags.GPS.GPSMapDatum] = DATUM
    return exif


def marked_picture(width: int, height: int) -> Image.Image:
    """White, with a red block at the stored top-left corner, to tell which way is up."""
    image = Image.new("RGB", (width, height), "white")
    ImageDraw.Draw(image).rectangle((0, 0, width // 4, height // 4), fill="red")
    return image


def jpeg_with_gps(path: Path, size: tuple[int, int] = (64, 48), orientation: int = 6) -> Path:
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>' + SERIAL.encode() + b"</rdf:RDF></x:xmpmeta>"
    marked_picture(*size).save(
        path, "JPEG", exif=exif_with_gps(orientation), icc_profile=srgb, xmp=xmp, comment=MODEL
    )
    return path


def noise_jpeg(path: Path, size: tuple[int, int] = (256, 256)) -> Path:
    Image.frombytes("RGB", size, random.Random(1).randbytes(size[0] * size[1] * 3)).save(
        path, "JPEG", quality=90
    )
    return path


def png(path: Path, size: tuple[int, int] = (40, 30)) -> Path:
    marked_picture(*size).save(path, "PNG")
    return path


def heic_with_gps(path: Path, size: tuple[int, int] = (64, 48)) -> Path:
    pillow_heif.register_heif_opener()
    marked_picture(*size).save(path, "HEIF", exif=exif_with_gps().tobytes(), quality=60)
    return path


def png_bomb(path: Path, side: int = 30_000) -> Path:
    """A 1-bit side x side PNG that is a few hundred kB: IHDR and IDAT written by hand,
    the rows compressed in blocks so that building it needs little memory."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    compressor = zlib.compressobj(9)
    row = b"\x00" + bytes((side + 7) // 8)
    block = row * 1000
    idat = b"".join(compressor.compress(block) for _ in range(side // 1000)) + compressor.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b""))
    return path


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.html", b"<script>alert(1)</script>" + POLYGLOT_MARKER)
    return buffer.getvalue()


def gif_bytes() -> bytes:
    buffer = io.BytesIO()
    marked_picture(8, 8).save(buffer, "GIF")
    return buffer.getvalue()


def avif_head() -> bytes:
    """The ftyp box libavif writes: AVIF, which also names the HEIF brand mif1."""
    brands = b"avif" + b"\x00\x00\x00\x00" + b"avifmif1miafMA1B"
    return struct.pack(">I", 8 + len(brands)) + b"ftyp" + brands + bytes(40)


PDF_BYTES = (
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)


def _frames(width: int, height: int, count: int):
    for index in range(count):
        picture = Image.new("RGB", (width, height), (20, 40, 60))
        x = index * 4 % width
        ImageDraw.Draw(picture).rectangle((x, 0, x + width // 4, height // 4), fill="red")
        yield av.VideoFrame.from_image(picture)


def video(
    path: Path,
    *,
    container: str = "mov",
    codec: str = "libx264",
    audio: str | None = "aac",
    seconds: float = 1.0,
    size: tuple[int, int] = (160, 120),
    rate: int = 24,
    metadata: dict[str, str] | None = None,
    rotation: int = 0,
) -> Path:
    """A short video as a phone would send it; metadata on the container and its streams."""
    options = {"movflags": "use_metadata_tags"} if container in ("mov", "mp4") else {}
    with av.open(str(path), "w", format=container, options=options) as output:
        output.metadata.update(metadata or {})
        stream = output.add_stream(codec, rate=rate)
        stream.width, stream.height, stream.pix_fmt = size[0], size[1], "yuv420p"
        if codec == "libx265":
            stream.options = {"x265-params": "log-level=error"}
        stream.metadata.update(metadata or {})
        if rotation:
            stream.set_display_rotation(rotation)
        sound = _audio_stream(output, audio, metadata) if audio else None
        for frame in _frames(size[0], size[1], int(seconds * rate)):
            output.mux(stream.encode(frame.reformat(format="yuv420p")))
        output.mux(stream.encode(None))
        if sound is not None:
            _write_audio(output, sound, seconds)
    return path


def _audio_stream(output, codec: str, metadata: dict[str, str] | None):
    stream = output.add_stream(codec, rate=48000, layout="mono")
    stream.metadata.update(metadata or {})
    return stream


def _write_audio(output, stream, seconds: float) -> None:
    size = stream.codec_context.frame_size or 1024
    for index in range(int(seconds * 48000) // size):
        frame = av.AudioFrame(format=stream.codec_context.format.name, layout="mono", samples=size)
        frame.planes[0].update(bytes(frame.planes[0].buffer_size))
        frame.rate, frame.pts = 48000, index * size
        output.mux(stream.encode(frame))
    output.mux(stream.encode(None))


def set_claimed_duration(path: Path, units: int) -> Path:
    """Overwrite the duration that mvhd and every mdhd/tkhd claim (in their own timescale
    for mvhd/mdhd), leaving the samples as they are: a header that lies."""
    data = bytearray(path.read_bytes())
    for box, offset in ((b"mvhd", 16), (b"mdhd", 16), (b"tkhd", 20)):
        start = 0
        while (at := data.find(box, start)) != -1:
            if data[at + 4] == 0:  # version 0: 32-bit times
                struct.pack_into(">I", data, at + 4 + offset, units)
            start = at + 4
    path.write_bytes(bytes(data))
    return path


def set_webm_claimed_seconds(path: Path, seconds: float) -> Path:
    """Overwrite the Segment Info Duration (EBML ID 0x4489, an 8-byte float in
    milliseconds at FFmpeg's TimestampScale of 1 ms) that the WebM header claims."""
    data = bytearray(path.read_bytes())
    at = data.index(b"\x44\x89\x88")
    struct.pack_into(">d", data, at + 3, seconds * 1000.0)
    path.write_bytes(bytes(data))
    return path


def slow_to_transcode(path: Path, frames: int = 60, size: tuple[int, int] = (640, 480)) -> Path:
    """Motion JPEG of noise: quick to write, slow for x264 to encode (noise does not compress)."""
    noise = Image.frombytes("RGB", size, random.Random(2).randbytes(size[0] * size[1] * 3))
    with av.open(str(path), "w", format="mov") as output:
        stream = output.add_stream("mjpeg", rate=30)
        stream.width, stream.height, stream.pix_fmt = size[0], size[1], "yuvj420p"
        frame = av.VideoFrame.from_image(noise).reformat(format="yuvj420p")
        for index in range(frames):
            frame.pts = index
            output.mux(stream.encode(frame))
        output.mux(stream.encode(None))
    return path
