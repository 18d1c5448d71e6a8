"""Dates as the answers hold them: ISO days ("1979-06-15") and months ("2023-03"), whole
years of age, and whole months between two days. Pure Python: no Flask."""

from __future__ import annotations

from datetime import date
from typing import Any


def parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def parse_month(value: Any) -> date | None:
    """The first day of a month answer ("2023-03"); None for anything else."""
    return parse_date(f"{value}-01") if isinstance(value, str) else None


def age_on(birth: date, today: date) -> int:
    """Whole years; someone born on 29 February turns a year older on 1 March."""
    before_birthday = (today.month, today.day) < (birth.month, birth.day)
    return today.year - birth.year - before_birthday


def months_between(since: date, until: date) -> int:
    """Calendar months from one month to another (negative when `since` is later)."""
    return (until.year - since.year) * 12 + until.month - since.month
