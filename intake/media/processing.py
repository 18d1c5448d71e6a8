"""Checking and re-encoding an upload in a child process: the only entry the app calls.

The parent never loads Pillow or FFmpeg: a decoder that a hostile file crashes, or makes
loop or swallow memory, takes only the child with it (intake.media.sandbox sets its own
rlimits), and the parent turns what happened into a Refused code.
"""

from __future__ import annotations

import json
import os
import signal

# The sandbox is started with it, its argv fixed (see _run_child).
import subprocess  # nosec B404
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from intake.media.sniff import Kind

REFUSAL_CODES = (
    "not_a_photo",
    "not_a_video",
    "unknown_type",
    "too_many_pixels",
    "too_long",
    "damaged",
    "took_too_long",
    "too_big_to_process",
)
_INTAKE_DIR = Path(__file__).resolve().parent.parent
# `python -m intake.media.sandbox` would run intake/__init__.py, which loads Flask and the
# whole app before the sandbox can set its limits; an empty stand-in package avoids that.
_BOOTSTRAP = (
    "import runpy, sys, types\n"
    "package = types.ModuleType('intake')\n"
    "package.__path__ = [sys.argv[1]]\n"
    "sys.modules['intake'] = package\n"
    "runpy.run_module('intake.media.sandbox', run_name='__main__', alter_sys=True)\n"
)
_CONTENT_TYPES = {"image/jpeg", "video/mp4", "video/webm"}
_ROLES = {"main", "thumb", "poster"}


@dataclass(frozen=True)
class Limits:
    max_pixels: int = 50_000_000
    max_video_seconds: float = 120.0
    cpu_seconds: int = 300
    memory_bytes: int = 1536 * 1024 * 1024
    wall_seconds: float = 600.0
    max_output_bytes: int = 400 * 1024 * 1024


@dataclass(frozen=True)
class Output:
    role: str  # "main", "thumb" (photos), "poster" (videos)
    path: Path
    content_type: str  # "image/jpeg", "video/mp4", "video/webm"


@dataclass(frozen=True)
class Processed:
    kind: Kind
    source_format: str  # what sniff said
    width: int
    height: int
    duration_seconds: float | None
    transcoded: bool
    outputs: tuple[Output, ...]


class Refused(Exception):
    """The upload is not kept; .code is one of REFUSAL_CODES, for the patient's message."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def process(source: Path, expected: Kind, work_dir: Path, limits: Limits = Limits()) -> Processed:  # noqa: B008
    """Check `source` by its bytes and write its clean re-encoding into `work_dir`."""
    work_dir = work_dir.resolve()
    work_dir.mkdir(parents=True, exist_ok=True)
    request = {
        "source": str(source.resolve()),
        "expected": Kind(expected).value,
        "work_dir": str(work_dir),
        **{k: v for k, v in asdict(limits).items() if k != "wall_seconds"},
    }
    result = _run_child(request, work_dir, limits.wall_seconds)
    if not result.get("ok"):
        code = result.get("code")
        raise Refused(code if code in REFUSAL_CODES else "damaged")
    return _processed(result, work_dir)


def _run_child(request: dict, work_dir: Path, wall_seconds: float) -> dict:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(_INTAKE_DIR.parent),
        "PYTHONDONTWRITEBYTECODE": "1",
        # glibc reserves 64 MB of address space per thread arena; FFmpeg's threads would
        # otherwise use up RLIMIT_AS without using the memory.
        "MALLOC_ARENA_MAX": "2",
        "OMP_NUM_THREADS": "1",
        "LC_ALL": "C.UTF-8",
    }
    try:
        # Bandit B603: the argv is fixed (this interpreter, our bootstrap), no shell; the
        # upload's path goes in the JSON on stdin, never on the command line.
        child = subprocess.run(  # nosec B603
            [sys.executable, "-s", "-c", _BOOTSTRAP, str(_INTAKE_DIR)],
            input=json.dumps(request),
            capture_output=True,
            text=True,
            timeout=wall_seconds,
            env=env,
            cwd=work_dir,
            check=False,
        )
    except subprocess.TimeoutExpired as expired:  # run() has killed and reaped the child
        raise Refused("took_too_long") from expired
    if child.returncode == -signal.SIGXCPU:
        raise Refused("took_too_long")
    if child.returncode != 0:  # a signal (SIGSEGV, SIGKILL, SIGXFSZ) or MemoryError at start
        raise Refused("too_big_to_process")
    try:
        result = json.loads(child.stdout)
    except ValueError as error:
        raise Refused("damaged") from error
    return result if isinstance(result, dict) else {"ok": False}


def _processed(result: dict, work_dir: Path) -> Processed:
    outputs = tuple(_output(item, work_dir) for item in result["outputs"])
    duration = result.get("duration_seconds")
    return Processed(
        kind=Kind(result["kind"]),
        source_format=str(result["source_format"]),
        width=int(result["width"]),
        height=int(result["height"]),
        duration_seconds=float(duration) if duration is not None else None,
        transcoded=bool(result["transcoded"]),
        outputs=outputs,
    )


def _output(item: dict, work_dir: Path) -> Output:
    """The child's word on where it wrote is checked: inside work_dir, a file, known kind."""
    path = Path(item["path"]).resolve()
    if not path.is_relative_to(work_dir) or not path.is_file():
        raise Refused("damaged")
    if item["role"] not in _ROLES or item["content_type"] not in _CONTENT_TYPES:
        raise Refused("damaged")
    return Output(role=item["role"], path=path, content_type=item["content_type"])
