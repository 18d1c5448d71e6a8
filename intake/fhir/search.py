"""Searching through the FHIR API: responses by `_lastUpdated` with `_count` and paging,
and the published Questionnaire by `url`, `version` and `_id`.

Unknown parameters are ignored unless the client sends `Prefer: handling=strict`, as R4
says (https://hl7.org/fhir/R4/search.html#errors); the self link then shows only the
parameters that were used. A known parameter with a bad value is always refused.

`parse` turns query arguments into a `Search` (or raises `BadSearch`, which the API
answers with 400); `run` reads one page of it. `lastUpdated` of a response is when it was
submitted: its answers never change after that.

FHIR date searches compare ranges: "2025-03" is the whole month, "2025-03-14T09:30Z" the
whole minute. So ge keeps what starts at or after the value's start, gt what starts at or
after its end, lt what ends before its start, le what ends before its end, and eq (the
default) what falls inside. A date alone is a day in the clinic's time zone, as on the
dashboard; a time needs its zone (Z or +hh:mm), as FHIR's dateTime does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, or_

from intake.extensions import db
from intake.listing import BadFilter, Cursor, Filters, filtered
from intake.models import Submission
from intake.storage.sealed import Opened, open_rows, with_sealed_answers

# Parameters every search accepts: _format is answered before any search (api.py, 406).
COMMON = frozenset({"_format"})
KNOWN = frozenset({"_lastUpdated", "_count", "_cursor"}) | COMMON
QUESTIONNAIRE_KNOWN = frozenset({"url", "version", "_id", "_count"}) | COMMON
SUPPORTED_PREFIXES = ("eq", "ge", "gt", "le", "lt")
OTHER_PREFIXES = ("ne", "sa", "eb", "ap")
MAX_BOUNDS = 4
_VALUE = re.compile(
    r"(?P<prefix>[a-z]{2})?(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2})"
    r"(?:T(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.(?P<fraction>\d{1,9}))?)?"
    r"(?P<zone>Z|[+-]\d{2}:\d{2})?)?)?)?"
)


class BadSearch(ValueError):
    """A search the API refuses; `code` is the OperationOutcome issue type."""

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Bound:
    """lastUpdated >= at (`after` True) or lastUpdated < at (`after` False)."""

    after: bool
    at: datetime


@dataclass(frozen=True)
class Search:
    bounds: tuple[Bound, ...]
    count: int
    cursor: Cursor | None
    last_updated: tuple[str, ...]  # the values as sent, for the next page's link

    def describe(self) -> str:
        """For the audit trail: the search, which holds no health data."""
        parts = [f"_lastUpdated={value}" for value in self.last_updated] + [f"_count={self.count}"]
        return " ".join(parts + (["next page"] if self.cursor else []))

    def link_args(self, cursor: Cursor | None = None) -> list[tuple[str, str]]:
        args = [("_lastUpdated", value) for value in self.last_updated] + [("_count", str(self.count))]
        return args + ([("_cursor", cursor.encode())] if cursor else [])


def known_only(
    args: Mapping[str, Sequence[str]], known: frozenset[str], strict: bool, supported: str
) -> dict[str, Sequence[str]]:
    """The arguments this search knows. An unknown one is dropped (R4's default, lenient
    handling) or, when `strict` (Prefer: handling=strict), refused with BadSearch."""
    unknown = sorted(set(args) - known)
    if unknown and strict:
        raise BadSearch(
            f"Unknown search parameter {unknown[0][:40]!r} (Prefer: handling=strict). "
            f"This search supports {supported}.",
            "not-supported",
        )
    return {name: values for name, values in args.items() if name in known}


def parse(
    args: Mapping[str, Sequence[str]], zone: ZoneInfo, default_count: int, max_count: int,
    strict: bool = False,
) -> Search:  # fmt: skip
    """Query arguments (name -> every value sent) to a Search; unknown names are ignored,
    or refused when `strict` (the self link says which were used, so a client sees a
    misspelt filter was not applied)."""
    args = known_only(args, KNOWN, strict, "_lastUpdated and _count")
    for name in ("_count", "_cursor", "_format"):
        if len(args.get(name, ())) > 1:
            raise BadSearch(f"Give {name} at most once.")
    values = tuple(args.get("_lastUpdated", ()))
    if len(values) > MAX_BOUNDS:
        raise BadSearch(f"Give _lastUpdated at most {MAX_BOUNDS} times.")
    bounds = tuple(bound for value in values for bound in last_updated_bounds(value, zone))
    return Search(bounds, _count(args.get("_count", ()), default_count, max_count), _cursor(args), values)


@dataclass(frozen=True)
class QuestionnaireSearch:
    """A search of the one published Questionnaire: every given value must match."""

    url: tuple[str, ...]
    version: tuple[str, ...]
    ids: tuple[str, ...]
    count: int

    def matches(self, url: str, version: str, resource_id: str) -> bool:
        return (
            all(value == url for value in self.url)
            and all(version in _token_values(value) for value in self.version)
            and all(resource_id in _token_values(value) for value in self.ids)
        )

    def link_args(self) -> list[tuple[str, str]]:
        return (
            [("url", value) for value in self.url]
            + [("version", value) for value in self.version]
            + [("_id", value) for value in self.ids]
            + [("_count", str(self.count))]
        )


def parse_questionnaire_search(
    args: Mapping[str, Sequence[str]], max_count: int, strict: bool = False
) -> QuestionnaireSearch:
    """`url` (a uri: matched exactly), `version` and `_id` (tokens: a comma means "or"),
    https://hl7.org/fhir/R4/search.html#uri and #token; repeated parameters all apply."""
    args = known_only(args, QUESTIONNAIRE_KNOWN, strict, "url, version, _id and _count")
    for name in ("_count", "_format"):
        if len(args.get(name, ())) > 1:
            raise BadSearch(f"Give {name} at most once.")
    for name in ("url", "version", "_id"):
        if any(not value for value in args.get(name, ())):
            raise BadSearch(f"{name} needs a value.")
    return QuestionnaireSearch(
        tuple(args.get("url", ())),
        tuple(args.get("version", ())),
        tuple(args.get("_id", ())),
        _count(args.get("_count", ()), max_count, max_count),
    )


def _token_values(value: str) -> set[str]:
    return set(value.split(","))


def _count(values: Sequence[str], default: int, maximum: int) -> int:
    if not values:
        return default
    if not re.fullmatch(r"\d{1,9}", values[0]):
        raise BadSearch(f"_count must be a whole number from 0 to {maximum}.")
    return min(int(values[0]), maximum)  # FHIR lets a server return fewer than asked


def _cursor(args: Mapping[str, Sequence[str]]) -> Cursor | None:
    try:
        return Cursor.decode((args.get("_cursor") or [None])[0])
    except BadFilter:
        raise BadSearch("_cursor is not one this server gave: follow the Bundle's next link.") from None


def last_updated_bounds(value: str, zone: ZoneInfo) -> list[Bound]:
    """One `_lastUpdated` value as one or two bounds on the submission time."""
    match = _VALUE.fullmatch(value)
    if match is None:
        raise BadSearch(
            f"_lastUpdated {value[:40]!r} is not a FHIR date or dateTime, "
            "e.g. ge2025-03-14 or ge2025-03-14T09:30:00Z."
        )
    prefix = match["prefix"] or "eq"
    if prefix in OTHER_PREFIXES:
        raise BadSearch(f"The prefix {prefix!r} is not supported; use eq, ge, gt, le or lt.", "not-supported")
    if prefix not in SUPPORTED_PREFIXES:
        raise BadSearch(f"{prefix!r} is not a FHIR search prefix; use eq, ge, gt, le or lt.")
    if match["hour"] is not None and match["zone"] is None:
        raise BadSearch(f"_lastUpdated {value[:40]!r} has a time but no time zone: add Z or +hh:mm.")
    try:
        start, end = _range(match, zone)
    except (ValueError, OverflowError):
        raise BadSearch(f"_lastUpdated {value[:40]!r} is not a real date or time.") from None
    return {
        "eq": [Bound(True, start), Bound(False, end)],
        "ge": [Bound(True, start)],
        "gt": [Bound(True, end)],
        "lt": [Bound(False, start)],
        "le": [Bound(False, end)],
    }[prefix]


def _range(match: re.Match, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The instants [start, end) a value stands for, in UTC."""
    year, month, day = int(match["year"]), int(match["month"] or 1), int(match["day"] or 1)
    if match["hour"] is None:
        first = date(year, month, day)
        if match["day"]:
            after = first + timedelta(days=1)
        elif match["month"]:
            after = date(year + month // 12, month % 12 + 1, 1)
        else:
            after = date(year + 1, 1, 1)
        return _day_start(first, zone), _day_start(after, zone)
    offset = timezone.utc if match["zone"] == "Z" else _offset(match["zone"])
    second = int(match["second"] or 0)
    fraction = (match["fraction"] or "")[:6]
    micro = int(fraction.ljust(6, "0")) if fraction else 0
    start = datetime(year, month, day, int(match["hour"]), int(match["minute"]), second, micro, offset)
    if fraction:
        step = timedelta(microseconds=10 ** (6 - len(fraction)))
    else:
        step = timedelta(seconds=1) if match["second"] else timedelta(minutes=1)
    return start.astimezone(timezone.utc), (start + step).astimezone(timezone.utc)


def _offset(text: str) -> timezone:
    hours, minutes = int(text[1:3]), int(text[4:6])
    if hours > 14 or minutes > 59:
        raise ValueError("not a time zone offset")
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if text[0] == "-" else delta)


def _day_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), zone).astimezone(timezone.utc)


# --- running a search ------------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    rows: list[Opened]  # readable or not, each opened on its own (sealed.py)
    total: int
    next_cursor: Cursor | None


def statement(bounds: Iterable[Bound]) -> Select:
    """Submitted (never draft) submissions within the bounds, unordered."""
    query = filtered(Filters(), ZoneInfo("UTC"))
    for bound in bounds:
        at = Submission.submitted_at
        query = query.where(at >= bound.at if bound.after else at < bound.at)
    return query


def run(search: Search) -> Found:
    """One page, newest first; `total` counts every match, not only this page."""
    query = statement(search.bounds)
    total = db.session.scalar(query.with_only_columns(func.count(Submission.id)))
    if search.count == 0:
        return Found([], total, None)
    at, row_id = Submission.submitted_at, Submission.id
    if search.cursor is not None:
        before = search.cursor
        query = query.where(at <= before.submitted_at, or_(at < before.submitted_at, row_id < before.id))
    page = with_sealed_answers(query.order_by(at.desc(), row_id.desc()).limit(search.count + 1))
    rows = list(db.session.execute(page))
    more = len(rows) > search.count
    opened = list(open_rows(rows[: search.count], "FHIR API search"))
    return Found(opened, total, Cursor.of(opened[-1].submission) if more else None)
