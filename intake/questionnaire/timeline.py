"""The timeline on one line (issue 27, part 4): prior palsy → twitching onset → spread →
scans → treatments → last Botox and how long since → the day the form was sent.

Events with a date are put in date order; one without (the spread, the treatments tried:
the form asks no date for them) comes after every dated event before it in that order
(treatments are never drawn before the twitching began).
Facts only. Pure Python: no Flask.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping

from intake.questionnaire.dates import months_between, parse_date, parse_month
from intake.questionnaire.display import choice_display, display_answer
from intake.questionnaire.schema import Questionnaire

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Event:
    when: str | None  # "2015", "Mar 2023", "about 2019"; None when the form asks no date
    what: str
    key: tuple[int, int] | None = None  # (year, month) to sort by; None: follows the one before


def timeline(questionnaire: Questionnaire, answers: Mapping[str, Any], sent_on: date) -> tuple[Event, ...]:
    """The events the patient gave, then the day the form was sent; () when none."""
    values = questionnaire.enabled_answers(answers)

    def show(link_id: str) -> str | None:
        value = values.get(link_id)
        return display_answer(questionnaire.item(link_id), value) or None if value is not None else None

    events = [
        _palsy(values, show),
        _onset(values),
        Event(None, "Spread to other parts of the face") if values.get("twitch.spread") == "yes" else None,
        _scan(values, show),
        _treatments(questionnaire, values),
        _last_botox(values, show, sent_on),
    ]
    given = [event for event in events if event]
    if not given:
        return ()
    return (*_in_date_order(given), Event(_month_label(sent_on), "Form sent", (sent_on.year, sent_on.month)))


def _in_date_order(events: list[Event]) -> list[Event]:
    keyed, latest = [], (0, 0)
    for index, event in enumerate(events):
        latest = max(latest, event.key or latest)
        keyed.append(((event.key or latest, index), event))
    return [event for _, event in sorted(keyed, key=lambda pair: pair[0])]


def _month_label(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}"


def _palsy(values: Mapping[str, Any], show) -> Event | None:
    if values.get("history.paralysis") != "yes":
        return None
    year = values.get("history.paralysis_year")
    details = ", ".join(
        p
        for p in (show("history.paralysis_side"), _labelled("recovery", show("history.paralysis_recovery")))
        if p
    )
    what = "Facial paralysis" + (f" ({details})" if details else "")
    return Event(str(year) if year else None, what, (year, 0) if isinstance(year, int) else None)


def _onset(values: Mapping[str, Any]) -> Event | None:
    onset = parse_month(values.get("twitch.onset"))
    if onset:
        return Event(_month_label(onset), "Twitching began", (onset.year, onset.month))
    age, born = values.get("twitch.onset_age"), values.get("about.birth_date")
    birth = parse_date(born) if isinstance(born, str) else None
    if isinstance(age, int) and birth:
        year = birth.year + age
        return Event(f"about {year}", f"Twitching began (at about {age})", (year, 0))
    return Event(None, f"Twitching began (at about {age})") if isinstance(age, int) else None


def _scan(values: Mapping[str, Any], show) -> Event | None:
    if values.get("history.imaging") != "yes":
        return None
    when = parse_month(values.get("history.imaging_when"))
    return Event(
        _month_label(when) if when else None,
        "MRI or CT scan of the head",
        (when.year, when.month) if when else None,
    )


def _treatments(questionnaire: Questionnaire, values: Mapping[str, Any]) -> Event | None:
    tried = [code for code in values.get("history.treatments") or [] if code not in ("none", "botox")]
    if not tried:
        return None
    item = questionnaire.item("history.treatments")
    return Event(None, "Tried: " + "; ".join(choice_display(item, code) for code in tried))


def _last_botox(values: Mapping[str, Any], show, sent_on: date) -> Event | None:
    if "botox" not in (values.get("history.treatments") or []):
        return None
    last = parse_month(values.get("history.botox_last"))
    weeks = values.get("history.botox_weeks")
    details = [
        _since(last, sent_on) if last else None,
        show("history.botox_effect"),
        f"helped {weeks} weeks" if weeks is not None else None,
    ]
    what = "Last Botox" + (f" ({', '.join(d for d in details if d)})" if any(details) else "")
    return Event(_month_label(last) if last else None, what, (last.year, last.month) if last else None)


def _since(month: date, sent_on: date) -> str | None:
    months = months_between(month, sent_on)
    if months < 0:
        return None
    return f"{months} months before the form" if months != 1 else "1 month before the form"


def _labelled(label: str, value: str | None) -> str | None:
    return f"{label}: {value}" if value else None
