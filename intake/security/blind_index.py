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


# Apostrophes and hyphens as phones and word processors type them: an iPhone makes
# "O'Brien" O’Brien (U+2019), and the clinic searching "O'Brien" did not find it.
_NAME_PUNCTUATION = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201b\u02bc\u02bb\u0060\u00b4\uff07", "'"),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d", "-"),
    }
)


def normalise_name(value: str) -> str:
    """ "  García  López", "garcía lópez" and "García\u200b López" are one name, and so are
    O’Brien and O'Brien; accents still count (García is not Garcia: a clinician searches
    the name as the patient spelled it). A change here needs `flask reindex` (README)."""
    return comparable(value).translate(_NAME_PUNCTUATION)


def last_name_index(answers, key: bytes | None = None) -> str | None:
    """Keyed hash of the last name, for the dashboard's exact search; None without one."""
    last_name = answers.get("about.last_name")
    return name_index(last_name if isinstance(last_name, str) else None, key)


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
