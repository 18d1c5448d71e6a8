"""The blind index for exact name search: a keyed hash of the normalised name, so the
dashboard finds "García" without the name being stored in clear or decrypted to search."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app

from intake.security.text import comparable


def search_key() -> bytes:
    """The key of the blind index: SEARCH_KEY, else (development and tests only; production
    refuses to start without SEARCH_KEY) one derived from SECRET_KEY."""
    configured = current_app.config.get("SEARCH_KEY")
    if configured:
        return configured.encode()
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, b"intake.search-index.v1", hashlib.sha256).digest()


def normalise_name(value: str) -> str:
    """ "  García  López", "garcía lópez" and "García\u200b López" are one name; accents
    still count."""
    return comparable(value)


def person_index(answers, key: bytes | None = None) -> str | None:
    """Keyed hash of "first last|YYYY-MM-DD" (the same person's submissions, clinic/visits.py);
    None without a full name and a date of birth."""
    first, last, born = (answers.get(k) for k in ("about.first_name", "about.last_name", "about.birth_date"))
    if not all(isinstance(part, str) and part.strip() for part in (first, last, born)):
        return None
    return name_index(f"{first} {last}|{born.strip()}", key)


def name_index(value: str | None, key: bytes | None = None) -> str | None:
    """Keyed hash of a name for exact search; None for an empty name."""
    if not value or not normalise_name(value):
        return None
    digest = hmac.new(key or search_key(), normalise_name(value).encode(), hashlib.sha256)
    return digest.hexdigest()
