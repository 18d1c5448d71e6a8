"""When the clinic answers its phone: is it open now, when does it open next, and by
which day it contacts a patient who sent the form.

The hours are configuration (CLINIC_OPENING_HOURS, in the clinic's time zone), written
as day ranges and times, e.g. "mon-fri 08:30-17:00; sat 09:00-12:00". Pure: the caller
passes the time and the zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Where the app keeps CLINIC_OPENING_HOURS parsed, once, at start (app.extensions).
EXTENSION = "clinic_openings"
_PART = re.compile(
    r"^(?P<first>[a-z]{3})(?:-(?P<last>[a-z]{3}))?\s+(?P<opens>\d{1,2}:\d{2})-(?P<closes>\d{1,2}:\d{2})$"
)


@dataclass(frozen=True)
class Opening:
    weekday: int  # 0 is Monday
    opens: time
    closes: time


def parse(spec: str) -> tuple[Opening, ...]:
    """The openings a spec lists; ValueError (naming the part) for one that does not read."""
    openings = []
    for part in filter(None, (p.strip().lower() for p in spec.split(";"))):
        found = _PART.match(part)
        if not found or found["first"] not in DAYS or (found["last"] or found["first"]) not in DAYS:
            raise ValueError(f"cannot read opening hours {part!r}: write e.g. 'mon-fri 08:30-17:00'")
        first, last = DAYS.index(found["first"]), DAYS.index(found["last"] or found["first"])
        opens, closes = (
            time.fromisoformat(found["opens"].zfill(5)),
            time.fromisoformat(found["closes"].zfill(5)),
        )
        if closes <= opens or last < first:
            raise ValueError(f"opening hours {part!r} close before they open")
        openings.extend(Opening(day, opens, closes) for day in range(first, last + 1))
    return tuple(openings)


def is_open(openings: tuple[Opening, ...], now: datetime, zone: str) -> bool:
    local = now.astimezone(ZoneInfo(zone))
    return any(o.weekday == local.weekday() and o.opens <= local.time() < o.closes for o in openings)


def next_opening(openings: tuple[Opening, ...], now: datetime, zone: str) -> datetime | None:
    """The next time the clinic opens after `now`, in the clinic's zone; None if never."""
    local = now.astimezone(ZoneInfo(zone))
    for days_ahead in range(8):
        day = local.date() + timedelta(days=days_ahead)
        for opening in sorted(o for o in openings if o.weekday == day.weekday()):
            start = datetime.combine(day, opening.opens, tzinfo=ZoneInfo(zone))
            if start > local:
                return start
    return None


def reply_by(openings: tuple[Opening, ...], now: datetime, zone: str, days: int) -> date | None:
    """The `days`-th day the clinic is open after today, in the clinic's zone; None if
    it never opens. Public holidays are not known: the page says "by", not "on"."""
    open_days = {o.weekday for o in openings}
    if not open_days:
        return None
    day, counted = now.astimezone(ZoneInfo(zone)).date(), 0
    while counted < days:
        day += timedelta(days=1)
        counted += day.weekday() in open_days
    return day
