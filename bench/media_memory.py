"""Benchmark: a worker's memory while a patient sends a 150 MB video (issue 29, part 5:
"a 150 MB upload raises a worker's memory by less than 30 MB").

    .venv/bin/python bench/media_memory.py [--mb 150] [--mode tus|form|both] [--database sqlite|postgresql]

Starts the app under gunicorn (one sync worker, the embedded default: the checking job
runs in that worker's process, its parsing in a sandbox child), walks a patient to the
photos page over HTTP, and sends a phone-like video (Motion JPEG of noise in a MOV, so
it is big and must be transcoded) either resumably in 1 MB pieces (tus, as the page's
script does) or whole with the form (no script). The worker's peak resident memory
(VmHWM, reset before the upload) is read after the upload and after the check.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import (  # noqa: E402
    APP_PORT,
    ROOT,
    VENV_BIN,
    environment,
    start_server,
)
from bench.worker_memory import children, peak_mb, reset_peak  # noqa: E402

PIECE = 1024 * 1024
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
BASE = f"http://127.0.0.1:{APP_PORT}"


def phone_video(path: Path, megabytes: int) -> Path:
    """Noise frames as Motion JPEG: about 1 MB a frame at 1280x720, so `megabytes` frames."""
    import random

    import av
    from PIL import Image

    rng = random.Random(29)
    with av.open(str(path), "w", format="mov") as output:
        stream = output.add_stream("mjpeg", rate=30)
        stream.width, stream.height, stream.pix_fmt = 1280, 720, "yuvj420p"
        stream.options = {"q:v": "2"}
        frames = [Image.frombytes("RGB", (1280, 720), rng.randbytes(1280 * 720 * 3)) for _ in range(4)]
        index = written = 0
        while written < megabytes * PIECE * 0.98:
            frame = av.VideoFrame.from_image(frames[index % 4]).reformat(format="yuvj420p")
            frame.pts = index
            for packet in stream.encode(frame):
                written += packet.size
                output.mux(packet)
            index += 1
        output.mux(stream.encode(None))
    return path


class Browser:
    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> str:
        return self.opener.open(BASE + path, timeout=60).read().decode()

    def token(self, path: str) -> str:
        return CSRF.search(self.get(path)).group(1)

    def post(self, path: str, fields: dict, token_from: str = "/") -> None:
        data = urllib.parse.urlencode({"csrf_token": self.token(token_from), **fields}, doseq=True).encode()
        self.opener.open(urllib.request.Request(BASE + path, data=data), timeout=60).read()

    def send(self, method: str, path: str, body: bytes | None, headers: dict) -> dict:
        request = urllib.request.Request(BASE + path, data=body, method=method, headers=headers)
        with self.opener.open(request, timeout=600) as response:
            response.read()
            return dict(response.headers)


def walk_to_the_photos_page(browser: Browser) -> None:
    from tests.answers import COMPLETE_FORM

    browser.post("/", COMPLETE_FORM["welcome"])
    for step in ("safety", "about", "twitching", "episodes"):
        browser.post(f"/step/{step}", {**COMPLETE_FORM[step], "action": "next"})


def send_resumably(browser: Browser, video: Path) -> None:
    token = browser.token("/step/media")
    size = video.stat().st_size
    headers = {"Tus-Resumable": "1.0.0", "X-CSRFToken": token}
    meta = "slot ZXBpc29kZQ==,consent eWVz"  # base64 of "episode", "yes"
    created = browser.send(
        "POST", "/media/uploads", b"", {**headers, "Upload-Length": str(size), "Upload-Metadata": meta}
    )
    url = urllib.parse.urlparse(created["Location"]).path
    with video.open("rb") as handle:
        offset = 0
        while offset < size:
            piece = handle.read(PIECE)
            sent = browser.send(
                "PATCH", url, piece,
                {**headers, "Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream"},
            )  # fmt: skip
            offset = int(sent["Upload-Offset"])


def send_with_the_form(browser: Browser, video: Path) -> None:
    boundary = uuid.uuid4().hex
    token = browser.token("/step/media")
    head = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in (("csrf_token", token), ("media.consent", "y"), ("action", "back"))
    ).encode()
    head += f'--{boundary}\r\nContent-Disposition: form-data; name="episode"; filename="IMG_0001.MOV"\r\nContent-Type: video/quicktime\r\n\r\n'.encode()
    body = head + video.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
    browser.send("POST", "/step/media", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})


def wait_until_checked(browser: Browser, seconds: float = 900) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = re.findall(r'"status":\s*"(\w+)"', browser.get("/media/files"))
        if status and status[-1] not in ("uploading", "received"):
            return status[-1]
        time.sleep(1)
    return "timed out"


def measure(mode: str, video: Path, worker: int) -> dict:
    browser = Browser()
    walk_to_the_photos_page(browser)
    browser.get("/step/media")
    reset_peak(worker)
    time.sleep(0.3)
    before = peak_mb(worker)
    started = time.monotonic()
    (send_resumably if mode == "tus" else send_with_the_form)(browser, video)
    uploaded, upload_s = peak_mb(worker), time.monotonic() - started
    status = wait_until_checked(browser)
    return {
        "mode": mode, "before": before, "uploaded": uploaded, "checked": peak_mb(worker),
        "upload_s": upload_s, "total_s": time.monotonic() - started, "status": status,
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=150)
    parser.add_argument("--mode", choices=("tus", "form", "both"), default="both")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="intake-media-bench-") as folder:
        work = Path(folder)
        print(f"making a {args.mb} MB video ...", flush=True)
        video = phone_video(work / "IMG_0001.MOV", args.mb)
        size_mb = video.stat().st_size / PIECE
        # Development settings, so that the session cookie is not Secure-only over plain HTTP;
        # the keys and the database are still the run's own (bench/run.py, environment).
        env = {**environment(args.database, work), "INTAKE_ENV": "development", "MEDIA_JOBS": "thread"}
        migrate = [VENV_BIN / "flask", "--app", "intake", "db", "upgrade"]
        subprocess.run(migrate, env=env, cwd=ROOT, check=True, capture_output=True)
        gunicorn = [
            str(VENV_BIN / "gunicorn"),
            "-c",
            "gunicorn.conf.py",
            "-w",
            "1",
            "-b",
            f"127.0.0.1:{APP_PORT}",
        ]
        server = start_server(gunicorn, env, APP_PORT, ROOT)
        try:
            [worker] = children(server.pid)
            modes = ("tus", "form") if args.mode == "both" else (args.mode,)
            rows = [measure(mode, video, worker) for mode in modes]
        except Exception:
            print((work / f"server-{APP_PORT}.log").read_text()[-3000:])
            raise
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"\n{args.database}, {size_mb:.0f} MB MOV (Motion JPEG, transcoded to H.264)")
    print("| upload | worker peak before | after upload | after check | rise | upload s | total s | result |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        rise = max(r["uploaded"], r["checked"]) - r["before"]
        print(
            f"| {r['mode']} | {r['before']:.1f} MB | {r['uploaded']:.1f} MB | {r['checked']:.1f} MB | "
            f"{rise:+.1f} MB | {r['upload_s']:.1f} | {r['total_s']:.1f} | {r['status']} |"
        )


if __name__ == "__main__":
    main()
