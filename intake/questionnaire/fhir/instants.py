"""FHIR `instant`s and `dateTime`s with a time, always in UTC and written with `Z`.

R4 allows any offset (https://hl7.org/fhir/R4/datatypes.html#instant), but `Z` is the
form its examples use and the one every reader parses alike; Python's `isoformat` writes
`+00:00`, so every instant the app writes goes through here.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Literal

Precision = Literal["seconds", "auto"]


def instant(at: datetime, timespec: Precision = "auto") -> str:
    """`at` in UTC, e.g. 2026-12-05T10:00:00Z (`auto`: with its microseconds, if any)."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("an instant must be timezone-aware")
    return at.astimezone(timezone.utc).replace(tzinfo=None).isoformat(timespec=timespec) + "Z"


def date_time(at: datetime, timespec: Precision = "seconds") -> str:
    """A `dateTime` with its time zone as given, UTC written as Z (-05:00 stays -05:00)."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("a dateTime with a time must be timezone-aware")
    if at.utcoffset():
        return at.isoformat(timespec=timespec)
    return at.replace(tzinfo=None).isoformat(timespec=timespec) + "Z"
