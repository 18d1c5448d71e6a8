"""bench/worker_memory.py: a page's peak memory per worker counts workers that were
recycled during the page, and is not carried over from an earlier page."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from worker_memory import WorkerMemory, children, peak_mb  # noqa: E402

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads Linux's /proc")

# A stand-in for a gunicorn master: one worker at a time, driven by lines on stdin.
# "alloc MB" makes the worker hold that much, "free" lets it go, "recycle" replaces the
# worker with a new one (as max_requests does). Each command answers "ok".
MASTER = textwrap.dedent('''
    import subprocess, sys
    WORKER = """
    import sys
    held = None
    print("ok", flush=True)
    for line in sys.stdin:
        command, *size = line.split()
        if command == "alloc":
            held = bytearray(int(size[0]) * 1024 * 1024)  # zero-filled pages: resident
        elif command == "free":
            held = None
        elif command == "exit":
            break
        print("ok", flush=True)
    """
    def start():
        worker = subprocess.Popen([sys.executable, "-c", WORKER], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
        worker.stdout.readline()
        return worker
    worker = start()
    print("ok", flush=True)
    for line in sys.stdin:
        if line.strip() == "recycle":
            worker.stdin.write("exit\\n"); worker.stdin.flush(); worker.wait()
            worker = start()
            print("ok", flush=True)
            continue
        worker.stdin.write(line); worker.stdin.flush()
        print(worker.stdout.readline().strip(), flush=True)
''')


@pytest.fixture
def master():
    process = subprocess.Popen(
        [sys.executable, "-c", MASTER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    process.stdout.readline()
    yield process
    process.kill()
    process.wait()
    process.stdin.close()
    process.stdout.close()


def send(master: subprocess.Popen, command: str) -> None:
    master.stdin.write(command + "\n")
    master.stdin.flush()
    assert master.stdout.readline().strip() == "ok"


def test_a_worker_recycled_during_the_page_still_counts(master):
    memory = WorkerMemory(master, interval_s=0.05)
    try:
        with memory.page() as window:
            send(master, "alloc 80")
            time.sleep(0.3)  # several readings while the big worker lives
            send(master, "recycle")
        # After the page only the new, small worker is left: reading it then (as the
        # harness did) would miss the 80 MB.
        after = max(peak_mb(pid) or 0 for pid in children(master.pid))
        assert after < 40
        assert window.mb >= 80
    finally:
        memory.stop()


def test_each_page_starts_from_what_its_workers_hold_now(master):
    memory = WorkerMemory(master, interval_s=0.05)
    try:
        with memory.page() as first:
            send(master, "alloc 80")
            send(master, "free")
        with memory.page() as second:
            send(master, "alloc 1")
        assert first.mb >= 80
        assert second.mb < 40  # the first page's peak is not the second's
    finally:
        memory.stop()
