"""Where the app's keys come from, and refusing unsafe ones in production.

Development needs nothing set: a secret key and a data key are generated into instance/
on first run (0600). Production refuses to start while a key is missing, is the test
suite's, is one of those development files, or is too short, and says which.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Callable

from cryptography.fernet import Fernet
from flask import Flask

from config import TEST_DATA_KEY, TEST_SECRET_KEY

SECRET_FILE = "secret_key"
DATA_KEYS_FILE = "data_keys"
MIN_KEY_LENGTH = 32


def _instance_key(app: Flask, name: str, make: Callable[[], str]) -> str:
    key_file = Path(app.instance_path) / name
    key_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not key_file.exists():
        # Created 0600 from the start: never readable by others, not even for a moment.
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(make())
    return key_file.read_text().strip()


def ensure_development_keys(app: Flask) -> None:
    """Generate what development lacks; production (which has REQUIRED) never generates."""
    if app.config.get("REQUIRED"):
        return
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_key(app, SECRET_FILE, lambda: secrets.token_hex(32))
    if not app.config.get("INTAKE_DATA_KEYS"):
        app.config["INTAKE_DATA_KEYS"] = _instance_key(
            app, DATA_KEYS_FILE, lambda: Fernet.generate_key().decode()
        )


def _development_file(app: Flask, name: str) -> set[str]:
    key_file = Path(app.instance_path) / name
    if not key_file.exists():
        return set()
    return {part.strip() for part in key_file.read_text().split(",") if part.strip()}


def _secret_problems(app: Flask) -> list[str]:
    secret = app.config.get("SECRET_KEY") or ""
    if secret == TEST_SECRET_KEY or secret in _development_file(app, SECRET_FILE):
        return ["SECRET_KEY is a development or test key"]
    if len(secret) < MIN_KEY_LENGTH:
        return [f"SECRET_KEY is shorter than {MIN_KEY_LENGTH} characters"]
    return []


def _data_key_problems(app: Flask) -> list[str]:
    keys = [part.strip() for part in (app.config.get("INTAKE_DATA_KEYS") or "").split(",") if part.strip()]
    for key in keys:
        try:
            Fernet(key)
        except ValueError:
            return ["INTAKE_DATA_KEYS holds a value that is not a Fernet key (32 url-safe base64 bytes)"]
    if TEST_DATA_KEY in keys or set(keys) & _development_file(app, DATA_KEYS_FILE):
        return ["INTAKE_DATA_KEYS holds a development or test key"]
    return []


def _search_key_problems(app: Flask) -> list[str]:
    search = app.config.get("SEARCH_KEY") or ""
    if len(search) < MIN_KEY_LENGTH:
        return [f"SEARCH_KEY is shorter than {MIN_KEY_LENGTH} characters"]
    if search == app.config.get("SECRET_KEY"):
        return ["SEARCH_KEY is the same as SECRET_KEY"]
    return []


def refuse_unsafe_production_settings(app: Flask) -> None:
    required = app.config.get("REQUIRED", ())
    missing = [name for name in required if not os.environ.get(name)]
    if missing:
        raise RuntimeError(
            "Production configuration is missing: "
            + ", ".join(missing)
            + ". Set these environment variables before starting the app."
        )
    if not required:
        return
    problems = _secret_problems(app) + _data_key_problems(app) + _search_key_problems(app)
    if problems:
        raise RuntimeError("Production configuration is unsafe: " + "; ".join(problems) + ".")
