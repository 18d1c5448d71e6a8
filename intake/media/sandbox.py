"""The child process that decodes an upload: one JSON request on stdin, one JSON result
on stdout (`python -m intake.media.sandbox`; intake.media.processing starts it).

Its own limits come first, before Pillow or FFmpeg is loaded: address space, CPU seconds,
the largest file it may write, and no core dump (which would hold the patient's photo).
Whatever a hostile file does to a decoder ends as {"ok": false, "code": ...}, or as the
child's death, which the parent reads from the exit status; never as a traceback.
"""

from __future__ import annotations

import errno
import json
import os
import resource
import sys
from pathlib import Path

from intake.media.sniff import HEAD_BYTES, Kind, sniff

# The refusals photos.py and videos.py raise (as PhotoRefused, VideoRefused, with .code).
_CODES = {"too_many_pixels", "too_long", "damaged", "not_a_video"}


def main() -> int:
    # Only the result goes to the parent. What decoders print (x264's notes, FFmpeg's
    # complaints, all driven by the file) is dropped: it could spoil the JSON on stdout,
    # and a pipe has no size limit.
    result_out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 1)
    os.dup2(quiet, 2)
    try:
        request = json.loads(sys.stdin.read())
        _limit(request)
        result = {"ok": True, **_run(request)}
    except _Refusal as refusal:
        result = {"ok": False, "code": refusal.code}
    except MemoryError:
        result = {"ok": False, "code": "too_big_to_process"}
    except OSError as error:
        too_big = error.errno in (errno.EFBIG, errno.ENOMEM, errno.ENOSPC)
        result = {"ok": False, "code": "too_big_to_process" if too_big else "damaged"}
    except Exception as error:  # any decoder failure on a hostile file
        code = getattr(error, "code", None)
        result = {"ok": False, "code": code if code in _CODES else "damaged"}
    json.dump(result, result_out)
    result_out.close()
    return 0


class _Refusal(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _limit(request: dict) -> None:
    _set(resource.RLIMIT_CORE, 0)
    _set(resource.RLIMIT_AS, int(request["memory_bytes"]))
    # The soft limit sends SIGXCPU, the hard one a few seconds later SIGKILL.
    _set(resource.RLIMIT_CPU, int(request["cpu_seconds"]), extra=5)
    _set(resource.RLIMIT_FSIZE, int(request["max_output_bytes"]))


def _set(which: int, soft: int, extra: int = 0) -> None:
    _, hard = resource.getrlimit(which)
    wanted = soft + extra
    if hard != resource.RLIM_INFINITY:
        soft, wanted = min(soft, hard), min(wanted, hard)
    resource.setrlimit(which, (soft, wanted))


def _run(request: dict) -> dict:
    source, work_dir = Path(request["source"]), Path(request["work_dir"])
    expected = Kind(request["expected"])
    with source.open("rb") as file:
        sniffed = sniff(file.read(HEAD_BYTES))
    if sniffed is None:
        raise _Refusal("unknown_type")
    if sniffed.kind != expected:
        raise _Refusal("not_a_photo" if expected is Kind.PHOTO else "not_a_video")
    # Imported only now, under the limits.
    if sniffed.kind is Kind.PHOTO:
        from intake.media.photos import process_photo

        done = process_photo(source, sniffed, work_dir, int(request["max_pixels"]))
    else:
        from intake.media.videos import process_video

        done = process_video(source, sniffed, work_dir, float(request["max_video_seconds"]))
    return {"kind": sniffed.kind.value, "source_format": sniffed.format, **done}


if __name__ == "__main__":
    sys.exit(main())
