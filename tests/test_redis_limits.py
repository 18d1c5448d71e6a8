"""Rate limits counted in the real Redis (TEST_REDIS_URL, else 127.0.0.1:6379/5): with
REDIS_URL set, two app processes (two workers) share one count; with memory:// each
process counts alone. In CI a missing Redis fails these tests; elsewhere they skip."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from limits.storage import MemoryStorage, RedisStorage

from intake.extensions import db, limiter
from tests.conftest import IN_CI, make_app

REDIS_URL = os.environ.get("TEST_REDIS_URL") or ("" if IN_CI else "redis://127.0.0.1:6379/5")
ROOT = Path(__file__).resolve().parents[1]
LIMIT = "3 per hour"  # the window starts at the first post: no clock edge to race

# A second worker: its own process, its own app, the same settings; prints the status
# of each of its posts to /language (no draft needed, nothing written) from `address`.
WORKER = (
    """
import sys
from config import TestingConfig
from intake import create_app
from intake.extensions import db

database, redis_url, address, posts = sys.argv[1:5]
settings = {"SQLALCHEMY_DATABASE_URI": database, "REDIS_URL": redis_url or None,
            "PATIENT_POST_RATE_LIMIT": "%s", "WTF_CSRF_ENABLED": False}
app = create_app(type("Worker", (TestingConfig,), settings))
with app.app_context():
    db.create_all()
client = app.test_client()
client.environ_base["REMOTE_ADDR"] = address
print(" ".join(str(client.post("/language", data={"lang": "en"}).status_code) for _ in range(int(posts))))
"""
    % LIMIT
)


def _reachable(url: str) -> str | None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        return f"Redis at {url} is not reachable ({error})"
    return None


@pytest.fixture
def redis_url():
    problem = (
        "CI must run these tests against Redis: set TEST_REDIS_URL"
        if not REDIS_URL
        else _reachable(REDIS_URL)
    )
    if problem:
        if IN_CI:
            pytest.fail(problem)
        pytest.skip(problem)
    return REDIS_URL


@pytest.fixture
def address():
    """The patient's address, new for each test, so that its keys are this test's own
    (removed afterwards from Redis, if it was used)."""
    import redis

    name = f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}"
    yield name
    if REDIS_URL and not _reachable(REDIS_URL):
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"*{name}*"):
            client.delete(key)


@pytest.fixture
def worker_app(tmp_path):
    def build(redis: str | None):
        app = make_app(
            f"sqlite:///{tmp_path / 'worker.db'}",
            REDIS_URL=redis,
            PATIENT_POST_RATE_LIMIT=LIMIT,
            WTF_CSRF_ENABLED=False,
        )
        with app.app_context():
            db.create_all()
        return app

    return build


def _other_worker(tmp_path, redis: str | None, address: str, posts: int) -> list[int]:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            WORKER,
            f"sqlite:///{tmp_path / 'other.db'}",
            redis or "",
            address,
            str(posts),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT), "CI": ""},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return [int(status) for status in result.stdout.split()]


def _post(app, address: str) -> int:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client.post("/language", data={"lang": "en"}).status_code


def test_it_counts_in_redis_when_redis_url_is_set(worker_app, redis_url, address):
    import redis

    app = worker_app(redis_url)
    assert isinstance(limiter.storage, RedisStorage)
    assert [_post(app, address) for _ in range(4)] == [302, 302, 302, 429]
    keys = list(redis.Redis.from_url(redis_url).scan_iter(f"*{address}*"))
    assert keys, "the count lives in Redis"


def test_two_workers_share_one_count_through_redis(worker_app, redis_url, address, tmp_path):
    app = worker_app(redis_url)
    assert [_post(app, address) for _ in range(2)] == [302, 302]
    assert _other_worker(tmp_path, redis_url, address, 2) == [302, 429], "the other worker sees these posts"
    assert _post(app, address) == 429, "and this one sees the other's"


def test_without_redis_each_worker_counts_alone(worker_app, address, tmp_path):
    """The control: memory:// is per process, which is why production sets REDIS_URL."""
    app = worker_app(None)
    assert isinstance(limiter.storage, MemoryStorage)
    assert [_post(app, address) for _ in range(3)] == [302, 302, 302]
    assert _other_worker(tmp_path, None, address, 2) == [302, 302]


def test_patients_can_still_post_when_redis_stops_answering(worker_app, address):
    """Limits go on in this process's memory instead of failing the patient's request."""
    app = worker_app("redis://127.0.0.1:1/0")  # nothing listens on port 1
    try:
        assert [_post(app, address) for _ in range(4)] == [302, 302, 302, 429]
    finally:
        limiter._storage_dead = False  # the limiter is module-global: the next app starts clean
