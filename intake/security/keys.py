"""Where the app's keys come from, and refusing unsafe ones in production.

Development needs nothing set: a secret key and a data key are generated into instance/
on first run (0600). Production refuses to start while a key is missing, is the test
suite's, is one of those development files, is too short, is plainly not random (one
character over and over, a short pattern repeated, too few distinct characters), or
serves two purposes, and says which and how to make a good one.
"""

from __future__ import annotations

import base64
import math
import os
import secrets
from collections import Counter
from pathlib import Path
from typing import Callable

from cryptography.fernet import Fernet
from flask import Flask

from config import TEST_DATA_KEY, TEST_SECRET_KEY

SECRET_FILE = "secret_key"
DATA_KEYS_FILE = "data_keys"
MIN_KEY_LENGTH = 32
# A simple estimate of a key's randomness: its length times the Shannon entropy of its
# characters. secrets.token_hex(32) scores about 248 bits (the lowest of 2,000: 224),
# token_urlsafe(32) about 204 (lowest 186), a Fernet key's 32 bytes about 154 (lowest of
# 5,000: 143); "production-secret-" + "k" * 46 scores 118. The estimate cannot see every weak key (a
# memorable sentence passes), but it refuses the ones people actually paste.
MIN_ESTIMATED_BITS = 128
MAKE_A_SECRET = 'python3 -c "import secrets; print(secrets.token_hex(32))"'
MAKE_A_DATA_KEY = 'python3 -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'


def estimated_bits(value: str | bytes) -> float:
    counts = Counter(value)
    length = len(value)
    return -sum(n * math.log2(n / length) for n in counts.values())


def repeats_a_pattern(value: str | bytes) -> bool:
    """ "abcabcabc": the value is a shorter piece written again and again."""
    length = len(value)
    return any(
        value == (value[:period] * (length // period + 1))[:length] for period in range(1, length // 2 + 1)
    )


def _randomness_problem(name: str, value: str | bytes, how: str) -> str | None:
    if isinstance(value, str) and value != value.strip():
        return f"{name} starts or ends with spaces; make a new one with {how}"
    if repeats_a_pattern(value) or estimated_bits(value) < MIN_ESTIMATED_BITS:
        return f"{name} does not look random (a repeated character or pattern, or too few different ones); make a new one with {how}"
    return None


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
        return [f"SECRET_KEY is shorter than {MIN_KEY_LENGTH} characters; make one with {MAKE_A_SECRET}"]
    problem = _randomness_problem("SECRET_KEY", secret, MAKE_A_SECRET)
    return [problem] if problem else []


def _data_key_problems(app: Flask) -> list[str]:
    keys = [part.strip() for part in (app.config.get("INTAKE_DATA_KEYS") or "").split(",") if part.strip()]
    for key in keys:
        try:
            Fernet(key)
        except ValueError:
            return ["INTAKE_DATA_KEYS holds a value that is not a Fernet key (32 url-safe base64 bytes)"]
    if TEST_DATA_KEY in keys or set(keys) & _development_file(app, DATA_KEYS_FILE):
        return ["INTAKE_DATA_KEYS holds a development or test key"]
    for key in keys:
        # The 32 bytes the key stands for: base64 of zeros is a valid Fernet key.
        problem = _randomness_problem(
            "A key in INTAKE_DATA_KEYS", base64.urlsafe_b64decode(key), MAKE_A_DATA_KEY
        )
        if problem:
            return [problem]
    return []


def _search_key_problems(app: Flask) -> list[str]:
    search = app.config.get("SEARCH_KEY") or ""
    if len(search) < MIN_KEY_LENGTH:
        return [f"SEARCH_KEY is shorter than {MIN_KEY_LENGTH} characters; make one with {MAKE_A_SECRET}"]
    problem = _randomness_problem("SEARCH_KEY", search, MAKE_A_SECRET)
    return [problem] if problem else []


def _reuse_problems(app: Flask) -> list[str]:
    """One key, one purpose: a key that signs cookies must not also seal health data or
    index names, or one leak would open all three."""
    by_purpose = {
        "SECRET_KEY": [app.config.get("SECRET_KEY") or ""],
        "SEARCH_KEY": [app.config.get("SEARCH_KEY") or ""],
        "INTAKE_DATA_KEYS": [
            k.strip() for k in (app.config.get("INTAKE_DATA_KEYS") or "").split(",") if k.strip()
        ],
    }
    problems = []
    names = list(by_purpose)
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            if set(by_purpose[first]) & set(by_purpose[second]):
                problems.append(f"{first} and {second} share a key: give each purpose a key of its own")
    data_keys = by_purpose["INTAKE_DATA_KEYS"]
    if len(set(data_keys)) != len(data_keys):
        problems.append("INTAKE_DATA_KEYS lists the same key twice")
    return problems


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
    problems = (
        _secret_problems(app) + _data_key_problems(app) + _search_key_problems(app) + _reuse_problems(app)
    )
    if problems:
        raise RuntimeError("Production configuration is unsafe: " + "; ".join(problems) + ".")
