"""Submitted submissions, filtered and paged: the dashboard's list and the FHIR API's
search read them here.

Filters are on indexed, non-sensitive columns only (status, tier, dates, reference and
the last name's keyed hash) and pages go by keyset, so a page costs the same at any table
size. Nothing here opens a patient's answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import Any, Mapping, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, Text, bindparam, or_, select, type_coerce

from intake.extensions import db
from intake.models import Status, Submission
from intake.questionnaire.safety import Tier
from intake.security.blind_index import name_index

STATUSES = (Status.NEW, Status.REVIEWED)
TIERS = (Tier.EMERGENCY.value, Tier.URGENT.value, Tier.SOON.value, Tier.NONE.value)
REFERENCE_SEARCH = re.compile(r"^[2-9A-HJKMNP-Z]{4}-?[2-9A-HJKMNP-Z]{4}$")
NAME_KEY = re.compile(r"[0-9a-f]{64}")


class ListRow(NamedTuple):
    """One submission as the list shows it. A plain tuple: a SQLAlchemy Row looks each
    attribute up by name (1.1 us each, about 500 a page); a NamedTuple's costs 40 ns."""

    id: int
    public_id: str
    reference: str
    status: str
    safety_tier: str
    submitted_at: datetime
    reviewed_at: datetime | None
    sealed_label: str | None  # still sealed: labels_for opens each on its own
    sealed_name: str | None  # rows sent before there were labels (0007 to 0012)


# The list's statements are plain Core, on the table's columns: through the ORM, each
# also went through its compile and loading machinery for rows that are not objects.
_TABLE = Submission.__table__
# ListRow's columns, in its order; the label and the name as sealed (Text: not opened by the type).
LIST_COLUMNS = (
    *(_TABLE.c[name] for name in ListRow._fields[:-2]),
    type_coerce(_TABLE.c.list_label, Text).label("sealed_label"),
    type_coerce(_TABLE.c.patient_name, Text).label("sealed_name"),
)


class BadFilter(ValueError):
    """A filter value no form on our pages can send."""


@dataclass(frozen=True)
class Filters:
    status: str | None = None
    tier: str | None = None
    submitted_from: date | None = None
    submitted_to: date | None = None
    # A search is a reference code and/or a last name's keyed hash: the name itself never
    # goes into a URL (nor, so, into access logs or browser history).
    reference: str | None = None
    name_key: str | None = None

    def as_args(self) -> dict[str, str]:
        """Query-string arguments that reproduce these filters."""
        args = {
            "status": self.status,
            "tier": self.tier,
            "from": self.submitted_from.isoformat() if self.submitted_from else None,
            "to": self.submitted_to.isoformat() if self.submitted_to else None,
            "ref": self.reference,
            "name": self.name_key,
        }
        return {key: value for key, value in args.items() if value}

    @property
    def searching(self) -> bool:
        return bool(self.reference or self.name_key)

    @property
    def dates_reversed(self) -> bool:
        """From after To: a slip that matches nothing, worth saying so."""
        return bool(self.submitted_from and self.submitted_to and self.submitted_from > self.submitted_to)

    def describe(self) -> str:
        """For the audit trail: which filters, without the search itself."""
        parts = [f"{key}={value}" for key, value in self.as_args().items() if key not in ("ref", "name")]
        return " ".join(parts + (["search"] if self.searching else [])) or "all"


def parse_filters(args: Mapping[str, str]) -> Filters:
    status, tier = args.get("status") or None, args.get("tier") or None
    if status not in (None, *STATUSES) or tier not in (None, *TIERS):
        raise BadFilter("unknown status or tier")
    reference = args.get("ref") or None
    if reference is not None and normalise_reference(reference) != reference:
        raise BadFilter("not a reference")
    name_key = args.get("name") or None
    if name_key is not None and not NAME_KEY.fullmatch(name_key):
        raise BadFilter("not a name key")
    return Filters(status, tier, _date(args.get("from")), _date(args.get("to")), reference, name_key)


def with_search(filters: Filters, text: str) -> Filters:
    """Turn what was typed in the search box into a reference and a last-name key."""
    text = " ".join(text.split())[:100]
    if not text:
        return replace(filters, reference=None, name_key=None)
    return replace(filters, reference=normalise_reference(text), name_key=name_index(text))


# Far enough for any real filter; far from date.max, so "the day after" always exists.
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise BadFilter("not a date") from None
    if not EARLIEST <= parsed <= LATEST:
        raise BadFilter("date out of range")
    return parsed


def _day_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), zone).astimezone(timezone.utc)


def normalise_reference(text: str) -> str | None:
    compact = text.strip().upper().replace(" ", "")
    if not REFERENCE_SEARCH.match(compact):
        return None
    compact = compact.replace("-", "")
    return f"{compact[:4]}-{compact[4:]}"


def _values(filters: Filters, zone: ZoneInfo) -> dict[str, Any]:
    """The bound parameters of the filters that are set. Their names, in this order, are
    the statement's shape (see _conditions)."""
    values: dict[str, Any] = {
        "status": filters.status,
        "tier": filters.tier,
        "submitted_from": _day_start(filters.submitted_from, zone) if filters.submitted_from else None,
        "submitted_to": _day_start(filters.submitted_to + timedelta(days=1), zone)
        if filters.submitted_to
        else None,
        "reference": filters.reference,
        "name_key": filters.name_key,
    }
    return {name: value for name, value in values.items() if value is not None}


@lru_cache(maxsize=None)  # a few dozen shapes at most, each built once per process
def _conditions(shape: tuple[str, ...]) -> tuple[ColumnElement[bool], ...]:
    c = _TABLE.c
    # Drafts have no submitted_at; this condition lets the (submitted_at, id) index serve.
    conditions = [c.submitted_at.is_not(None), c.status != Status.DRAFT]
    if "status" in shape:
        conditions.append(c.status == bindparam("status"))
    if "tier" in shape:
        conditions.append(c.safety_tier == bindparam("tier"))
    if "submitted_from" in shape:
        conditions.append(c.submitted_at >= bindparam("submitted_from"))
    if "submitted_to" in shape:
        conditions.append(c.submitted_at < bindparam("submitted_to"))
    matches = []  # a search: the reference typed, or the last name's keyed hash
    if "reference" in shape:
        matches.append(c.reference == bindparam("reference"))
    if "name_key" in shape:
        matches.append(c.last_name_index == bindparam("name_key"))
    return (*conditions, or_(*matches)) if matches else tuple(conditions)


def filtered(filters: Filters, zone: ZoneInfo) -> Select:
    """Submitted (never draft) submissions matching the filters, unordered."""
    values = _values(filters, zone)
    return select(Submission).where(*_conditions(tuple(values))).params(values)


# --- keyset pages ------------------------------------------------------------------------


@dataclass(frozen=True)
class Cursor:
    submitted_at: datetime
    id: int

    def encode(self) -> str:
        micros = int(self.submitted_at.timestamp() * 1_000_000)
        return f"{micros}.{self.id}"

    @classmethod
    def decode(cls, text: str | None) -> Cursor | None:
        if not text:
            return None
        match = re.fullmatch(r"(\d{1,17})\.(\d{1,18})", text)
        if not match:
            raise BadFilter("bad page cursor")
        moment = datetime.fromtimestamp(int(match.group(1)) / 1_000_000, timezone.utc)
        return cls(moment, int(match.group(2)))

    @classmethod
    def of(cls, submission: Submission | ListRow) -> Cursor:
        return cls(submission.submitted_at, submission.id)


@dataclass(frozen=True)
class Page:
    rows: list[ListRow]  # no ORM objects to build
    newer: Cursor | None  # where the page before this one ends (None: this is the newest)
    older: Cursor | None  # where the page after this one starts (None: this is the last)


NEWER, OLDER = "newer", "older"


@lru_cache(maxsize=None)
def _page_statement(shape: tuple[str, ...], towards: str | None) -> Select:
    """The list's page statement, built once per shape and direction: building it anew
    (and its cache key) cost as much as running it. `towards` is None for the newest page."""
    statement = select(*LIST_COLUMNS).where(*_conditions(shape)).limit(bindparam("size"))
    at, row_id = _TABLE.c.submitted_at, _TABLE.c.id
    cursor_at, cursor_id = bindparam("cursor_at", type_=at.type), bindparam("cursor_id", type_=row_id.type)
    if towards == NEWER:
        # The plain range on submitted_at bounds the index scan; the OR settles ties only.
        return statement.where(at >= cursor_at, or_(at > cursor_at, row_id > cursor_id)).order_by(
            at.asc(), row_id.asc()
        )
    if towards == OLDER:
        statement = statement.where(at <= cursor_at, or_(at < cursor_at, row_id < cursor_id))
    return statement.order_by(at.desc(), row_id.desc())


def page(
    filters: Filters, zone: ZoneInfo, size: int, before: Cursor | None = None, after: Cursor | None = None
) -> Page:
    """Newest first. `before` gives the page of older rows, `after` the page of newer rows."""
    cursor = after or before
    towards = NEWER if after is not None else OLDER if before is not None else None
    values = _values(filters, zone)
    params = {**values, "size": size + 1}
    if cursor is not None:
        params.update(cursor_at=cursor.submitted_at, cursor_id=cursor.id)
    statement = _page_statement(tuple(values), towards)
    rows = [ListRow._make(row) for row in db.session.connection().execute(statement, params)]
    more = len(rows) > size
    if towards == NEWER:
        rows = list(reversed(rows[:size]))
        return Page(
            rows, Cursor.of(rows[0]) if more and rows else None, Cursor.of(rows[-1]) if rows else None
        )
    rows = rows[:size]
    newer = Cursor.of(rows[0]) if towards == OLDER and rows else None
    return Page(rows, newer, Cursor.of(rows[-1]) if more else None)
