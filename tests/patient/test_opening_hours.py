"""The clinic's opening hours (intake/patient/opening_hours.py), in its own time zone."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from intake.patient.opening_hours import is_open, next_opening, parse, reply_by

HOURS = parse("mon-fri 08:30-17:00; sat 09:00-12:00")
NY = "America/New_York"


def _utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def test_it_is_open_inside_the_hours_in_the_clinics_own_zone():
    assert is_open(HOURS, _utc(2026, 12, 4, 14, 0), NY)  # Friday 09:00 in New York
    assert not is_open(HOURS, _utc(2026, 12, 4, 12, 0), NY)  # Friday 07:00 there
    assert not is_open(HOURS, _utc(2026, 12, 4, 22, 0), NY)  # Friday 17:00: closed


def test_it_names_the_next_opening_over_a_weekend():
    friday_evening = _utc(2026, 12, 4, 23, 0)
    assert next_opening(HOURS, friday_evening, NY).isoformat() == "2026-12-05T09:00:00-05:00"
    saturday_noon = _utc(2026, 12, 5, 17, 30)
    assert next_opening(HOURS, saturday_noon, NY).isoformat() == "2026-12-07T08:30:00-05:00"


def test_no_hours_means_never_open():
    assert (
        not is_open((), _utc(2026, 12, 4, 14, 0), NY)
        and next_opening((), _utc(2026, 12, 4, 14, 0), NY) is None
    )


@pytest.mark.parametrize(
    "spec", ["monday 9-5", "mon-fri 17:00-08:00", "fri-mon 08:00-10:00", "xyz 08:00-09:00"]
)
def test_it_refuses_hours_it_cannot_read(spec):
    with pytest.raises(ValueError):
        parse(spec)


@pytest.mark.parametrize(
    "now, days, expected",
    [
        (_utc(2026, 12, 4, 14, 0), 2, date(2026, 12, 8)),  # Friday: Monday, then Tuesday
        (_utc(2026, 12, 5, 3, 0), 2, date(2026, 12, 8)),  # Saturday 03:00 UTC is still Friday in New York
        (_utc(2026, 12, 7, 14, 0), 1, date(2026, 12, 8)),  # Monday: the next open day
        (_utc(2026, 12, 7, 14, 0), 0, date(2026, 12, 7)),  # 0: today
    ],
)
def test_it_counts_the_days_the_clinic_is_open_before_it_replies(now, days, expected):
    assert reply_by(parse("mon-fri 08:30-17:00"), now, NY, days) == expected


def test_a_clinic_that_never_opens_names_no_reply_day():
    assert reply_by((), _utc(2026, 12, 4, 14, 0), NY, 2) is None
