"""Peak resident memory of a gunicorn master's workers while a page is measured.

Reading the workers' peak (VmHWM) once, after the pages, missed every worker that had
been recycled by then (gunicorn's max_requests): in a full run each server restarts its
workers 1 to 6 times, so the table showed the peak of the youngest workers only. Here a
thread reads every worker's peak four times a second, so a worker's last reading is
taken at most a quarter of a second before it exits.

At the start of each page the workers' peaks are reset (`/proc/PID/clear_refs`, 5), so
a page's figure is what a worker reached while that page was driven, not what an earlier
page left. Where the reset is refused, the figure is the peak so far: never lower than
the truth.
"""

from __future__ import annotations

import subprocess
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

INTERVAL_S = 0.25


def children(master_pid: int) -> list[int]:
    try:
        return [
            int(pid) for pid in Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
        ]
    except OSError:
        return []


def peak_mb(pid: int) -> float | None:
    """The process's peak resident memory (VmHWM) in MB; None once it has exited."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def reset_peak(pid: int) -> None:
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        pass  # refused or exited: the reading stays the peak so far


class Window:
    """The highest worker peak seen since the window opened."""

    def __init__(self) -> None:
        self.mb = 0.0

    def see(self, mb: float | None) -> None:
        if mb is not None and mb > self.mb:
            self.mb = mb


class WorkerMemory:
    """Watches one gunicorn master's workers from a background thread."""

    def __init__(self, master: subprocess.Popen, interval_s: float = INTERVAL_S) -> None:
        self.master_pid = master.pid
        self.interval_s = interval_s
        self._window: Window | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    @contextmanager
    def page(self) -> Iterator[Window]:
        """`with memory.page() as window: drive the page`; then `window.mb`."""
        window = Window()
        for pid in children(self.master_pid):
            reset_peak(pid)
        with self._lock:
            self._window = window
        try:
            yield window
        finally:
            self._sample()
            with self._lock:
                self._window = None

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        while not self._stop.wait(self.interval_s):
            self._sample()

    def _sample(self) -> None:
        with self._lock:
            if self._window is not None:
                for pid in children(self.master_pid):
                    self._window.see(peak_mb(pid))
