"""Configuration from the environment. Development needs nothing set."""

from __future__ import annotations

import os
from pathlib import Path

INSTANCE_DIR = Path(os.environ.get("INTAKE_INSTANCE_DIR", Path(__file__).parent / "instance"))


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or _sqlite_url(INSTANCE_DIR / "intake.db")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # A patient may take a long time over one page: the CSRF token lives as long as
    # the session instead of expiring after an hour and throwing their answers away.
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = 256 * 1024

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_NAME = "intake_session"

    DRAFT_EXPIRY_DAYS = _env_int("DRAFT_EXPIRY_DAYS", 30)

    # The practice behind the form (from the clinic's own page), shown to patients.
    CLINIC_NAME = os.environ.get("CLINIC_NAME", "New York Facial Paralysis")
    CLINIC_PHONE = os.environ.get("CLINIC_PHONE", "(212) 434-4050")
    CLINIC_ADDRESS = os.environ.get(
        "CLINIC_ADDRESS",
        "Grand Park Building, 110 East 40 Street, Suite 501, New York, NY 10016",
    )
    CLINIC_HOURS = os.environ.get("CLINIC_HOURS", "Monday to Friday, 8:30 AM to 5:00 PM")
    EMERGENCY_NUMBER = os.environ.get("EMERGENCY_NUMBER", "911")


class DevelopmentConfig(Config):
    """Laptop demo: SQLite under instance/, a secret key generated on first run."""


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production-0123456789"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    REQUIRED = ("SECRET_KEY", "DATABASE_URL")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
