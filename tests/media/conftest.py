"""The real Redis for the media queue's tests: the fixture fails in CI when it is missing."""

from tests.test_redis_limits import redis_url  # noqa: F401
