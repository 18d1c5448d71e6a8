"""How far one job raises resident memory, in a process of its own (bench/dashboard.py
starts one per job and size, with the benchmark's environment):

    python bench/dashboard_memory.py dashboard|csv|fhir

`dashboard` requests every measured page ROUNDS times; `csv` and `fhir` export the whole
table through the real routes, reading the streamed body chunk by chunk as a browser
would. After a warm-up, the kernel's high-water mark is reset (/proc/self/clear_refs);
the figure is the high-water mark after the job less the resident memory before it, so
C allocations count too (a sort SQLite did in memory would show). A fresh process per
job: memory an earlier job freed would otherwise hide growth. Prints one JSON line.
"""

from __future__ import annotations

import codecs
import csv
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Iterable, Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dashboard_app import app_from, pages, signed_in_client  # noqa: E402

EXPORTS = {"csv": "/clinic/export.csv", "fhir": "/clinic/export.fhir.json"}
ROUNDS = 20


def _kib(field: str) -> int:
    return int(re.search(rf"^{field}:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.M).group(1))


def _reset_high_water() -> None:
    Path("/proc/self/clear_refs").write_text("5")


def _text(chunks: Iterable[bytes]) -> Iterator[str]:
    # Rows never straddle chunks (each chunk is whole rows), so lines can be split per chunk.
    for piece in codecs.iterdecode(chunks, "utf-8"):
        yield from piece.splitlines(keepends=True)


def _count(kind: str, chunks: Iterable[bytes]) -> int:
    if kind == "csv":
        return sum(1 for _ in csv.reader(_text(chunks))) - 1  # less the header
    return sum(piece.count('"fullUrl":') for piece in _text(chunks))


def _export(client, kind: str, query: str = "") -> tuple[int, int]:
    """(rows, bytes) of one export, read as it streams."""
    response = client.get(EXPORTS[kind] + query, buffered=False)
    assert response.status_code == 200, response.status_code
    sizes: list[int] = []

    def chunks() -> Iterator[bytes]:
        for chunk in response.response:
            sizes.append(len(chunk))
            yield chunk

    try:
        return _count(kind, chunks()), sum(sizes)
    finally:
        response.close()


def _dashboard(client, urls: list[str]) -> tuple[int, int]:
    for url in urls * ROUNDS:
        assert client.get(url).status_code == 200, url
    return len(urls) * ROUNDS, 0


def main(job: str) -> None:
    app = app_from(os.environ)
    client = signed_in_client(app)
    urls = pages(app, client)
    reference = urls["reference search"].split("?", 1)[1]
    if job == "dashboard":
        run = lambda: _dashboard(client, list(urls.values()))  # noqa: E731
        run()  # warm up
    else:
        run = lambda: _export(client, job)  # noqa: E731
        assert _export(client, job, "?" + reference)[0] == 1  # warm up on one row
    _reset_high_water()
    before = _kib("VmRSS")
    started = time.perf_counter()
    count, size = run()
    print(
        json.dumps(
            {
                "job": job,
                "count": count,
                "bytes": size,
                "seconds": time.perf_counter() - started,
                "rss_rise_mib": (_kib("VmHWM") - before) / 1024,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
