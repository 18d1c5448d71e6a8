"""Responses are compressed where the client accepts it (Flask-Compress): a step page is
about 26 KB of HTML, much of it on a phone's connection."""

from __future__ import annotations

import gzip


def _before_the_token(page: bytes) -> bytes:
    # Each page carries a CSRF token of its own: compare what comes before it.
    return page.split(b'name="csrf_token"')[0]


def test_it_gzips_a_page_for_a_browser_that_accepts_gzip(client):
    plain = client.get("/")
    packed = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    body = gzip.decompress(packed.data)
    assert len(packed.data) < len(body) / 2
    assert _before_the_token(body) == _before_the_token(plain.data)


def test_it_prefers_brotli_or_zstd_when_offered(client):
    response = client.get("/", headers={"Accept-Encoding": "gzip, br, zstd"})
    assert response.headers["Content-Encoding"] in ("br", "zstd")


def test_it_leaves_streamed_static_files_alone(client):
    """Flask-Compress's stream wrapper would never close the file a static response
    streams from (a ResourceWarning here, a leaked handle in a worker)."""
    response = client.get("/static/css/app.css", headers={"Accept-Encoding": "gzip, br, zstd"})
    assert response.status_code == 200 and "Content-Encoding" not in response.headers
    response.close()
