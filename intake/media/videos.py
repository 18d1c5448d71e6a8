"""A video remuxed, or re-encoded to H.264, without any of the phone's metadata.

Runs inside the sandbox process (intake.media.sandbox). Only the first video stream and
the first audio stream are kept: iPhones also write timecode and "mebx" metadata tracks.
The output's container and stream metadata are set empty; FFmpeg then writes only its own
"encoder" tag (libavformat's mux.c). The display matrix is kept, so a portrait video stays
upright (FFmpeg docs, "Side data", AV_PKT_DATA_DISPLAYMATRIX; Chrome and Firefox honour it).
"""

from __future__ import annotations

from pathlib import Path

import av
from PIL import Image

from intake.media.sniff import Sniffed

MAX_EDGE = 1280
POSTER_EDGE = 1280
POSTER_AT_SECONDS = 1.0
# Packet timestamps may run past the claimed duration by up to this much (B-frame delay).
TOLERANCE_SECONDS = 1.0
# FFmpeg would start a thread per core, each with its stack, in the child's RLIMIT_AS.
THREADS = 4
_DEMUXER = {"mp4": "mov", "mov": "mov", "webm": "matroska"}
# Which video codecs each output container takes as they are, and which audio codecs.
_COPY_VIDEO = {"mp4": {"h264"}, "webm": {"vp8", "vp9", "av1"}}
_COPY_AUDIO = {"mp4": {"aac", "mp3"}, "webm": {"opus", "vorbis"}}
_AUDIO_ENCODER = {"mp4": "aac", "webm": "libopus"}
_CONTENT_TYPE = {"mp4": "video/mp4", "webm": "video/webm"}


class VideoRefused(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def process_video(source: Path, sniffed: Sniffed, work_dir: Path, max_seconds: float) -> dict:
    """Write main.mp4 or main.webm and poster.jpg into work_dir; the result for the parent."""
    with av.open(str(source), format=_DEMUXER[sniffed.format], metadata_errors="ignore") as container:
        video = _video_stream(container)
        _check_claimed(container, video, max_seconds)
        codec = video.codec_context.name
    target = "webm" if sniffed.format == "webm" and codec in _COPY_VIDEO["webm"] else "mp4"
    transcode = codec not in _COPY_VIDEO[target]
    rotation = _poster(source, sniffed, work_dir / "poster.jpg")
    main = work_dir / f"main.{target}"
    with av.open(str(source), format=_DEMUXER[sniffed.format], metadata_errors="ignore") as container:
        _Writer(container, main, target, transcode, rotation, max_seconds).run()
    width, height, duration = _probe(main, rotation)
    return {
        "width": width,
        "height": height,
        "duration_seconds": duration,
        "transcoded": transcode,
        "outputs": [
            {"role": "main", "path": str(main), "content_type": _CONTENT_TYPE[target]},
            {"role": "poster", "path": str(work_dir / "poster.jpg"), "content_type": "image/jpeg"},
        ],
    }


def _video_stream(container) -> av.VideoStream:
    if not container.streams.video:
        raise VideoRefused("not_a_video")
    return container.streams.video[0]


def _check_claimed(container, video, max_seconds: float) -> None:
    """Refused on what the header says, before a single packet is read."""
    claimed = []
    if container.duration:
        claimed.append(container.duration / av.time_base)
    if video.duration and video.time_base:
        claimed.append(float(video.duration * video.time_base))
    if max(claimed, default=0.0) > max_seconds:
        raise VideoRefused("too_long")


def _poster(source: Path, sniffed: Sniffed, path: Path) -> int:
    """The frame at about one second, upright, as a plain JPEG; returns the rotation
    (degrees counter-clockwise, as VideoFrame.rotation reads the display matrix)."""
    with av.open(str(source), format=_DEMUXER[sniffed.format], metadata_errors="ignore") as container:
        container.streams.video[0].codec_context.thread_count = THREADS
        frame = None
        for count, frame in enumerate(container.decode(video=0)):
            if count >= 300 or (frame.time or 0.0) >= POSTER_AT_SECONDS:
                break
        if frame is None:
            raise VideoRefused("damaged")
        rotation = round(frame.rotation / 90) * 90 % 360
        image = frame.to_image()
    image = image.rotate(rotation, expand=True) if rotation else image
    image.thumbnail((POSTER_EDGE, POSTER_EDGE), Image.Resampling.LANCZOS)
    image.info.clear()
    image.save(path, "JPEG", quality=85, exif=b"", icc_profile=None)
    return rotation


class _Writer:
    """One pass over the packets: copied or decoded and encoded, timestamps checked."""

    def __init__(self, container, path: Path, target: str, transcode: bool, rotation: int, limit: float):
        self.input, self.transcode, self.limit = container, transcode, limit
        options = {"movflags": "+faststart"} if target == "mp4" else {}
        self.output = av.open(str(path), "w", format=target, options=options)
        self.output.metadata.clear()
        self.video_in = container.streams.video[0]
        self.video_in.codec_context.thread_count = THREADS
        self.video_out = self._video_out(rotation)
        self.audio_in = container.streams.audio[0] if container.streams.audio else None
        self.copy_audio = (
            self.audio_in is not None and self.audio_in.codec_context.name in _COPY_AUDIO[target]
        )
        self.audio_out = self._audio_out(target) if self.audio_in is not None else None
        self.resampler = None
        self.first: dict[int, float] = {}

    def _video_out(self, rotation: int):
        if not self.transcode:
            stream = self.output.add_stream_from_template(self.video_in)
        else:
            stream = self.output.add_stream("libx264", rate=self.video_in.guessed_rate or 30)
            stream.width, stream.height = _even_within(self.video_in.width, self.video_in.height)
            stream.pix_fmt = "yuv420p"
            stream.codec_context.time_base = self.video_in.time_base
            stream.options = {"preset": "veryfast", "crf": "23"}
            stream.codec_context.thread_count = THREADS
        if rotation:
            stream.set_display_rotation(rotation)
        stream.metadata.clear()
        return stream

    def _audio_out(self, target: str):
        if self.copy_audio:
            stream = self.output.add_stream_from_template(self.audio_in)
        else:
            rate = 48000 if target == "webm" else (self.audio_in.rate or 48000)
            stream = self.output.add_stream(_AUDIO_ENCODER[target], rate=rate, layout="stereo")
        stream.metadata.clear()
        return stream

    def run(self) -> None:
        streams = [s for s in (self.video_in, self.audio_in) if s is not None]
        with self.output:
            for packet in self.input.demux(streams):
                self._check_time(packet)
                if packet.stream is self.video_in:
                    self._video(packet)
                else:
                    self._audio(packet)
            if self.transcode:
                self.output.mux(self.video_out.encode(None))
            if self.resampler is not None:
                self._encode_audio(None)
                self.output.mux(self.audio_out.encode(None))

    def _check_time(self, packet) -> None:
        """A header may claim a short video over hours of packets: the packets decide too."""
        stamp = packet.pts if packet.pts is not None else packet.dts
        if stamp is None or packet.time_base is None:
            return
        seconds = float(stamp * packet.time_base)
        first = self.first.setdefault(packet.stream.index, seconds)
        if seconds - min(first, seconds) > self.limit + TOLERANCE_SECONDS:
            raise VideoRefused("too_long")

    def _video(self, packet) -> None:
        if not self.transcode:
            if packet.dts is not None:
                packet.stream = self.video_out
                self.output.mux(packet)
            return
        for frame in self.video_in.decode(packet):
            frame = frame.reformat(width=self.video_out.width, height=self.video_out.height, format="yuv420p")
            self.output.mux(self.video_out.encode(frame))

    def _audio(self, packet) -> None:
        if self.copy_audio:
            if packet.dts is not None:
                packet.stream = self.audio_out
                self.output.mux(packet)
            return
        context = self.audio_out.codec_context
        if self.resampler is None:
            self.resampler = av.AudioResampler(
                format=context.format, layout=context.layout, rate=context.rate, frame_size=context.frame_size
            )
        for frame in self.audio_in.decode(packet):
            self._encode_audio(frame)

    def _encode_audio(self, frame) -> None:
        for chunk in self.resampler.resample(frame):
            self.output.mux(self.audio_out.encode(chunk))


def _even_within(width: int, height: int) -> tuple[int, int]:
    """Scaled down to MAX_EDGE on the long side, each side even (yuv420p needs it)."""
    scale = min(1.0, MAX_EDGE / max(width, height))
    return max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2)


def _probe(path: Path, rotation: int) -> tuple[int, int, float | None]:
    """Our own output, read back: size as displayed, and the duration."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        width, height = stream.codec_context.width, stream.codec_context.height
        duration = container.duration / av.time_base if container.duration else None
    if rotation in (90, 270):
        width, height = height, width
    return width, height, round(duration, 3) if duration is not None else None
