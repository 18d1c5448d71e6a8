"""The one-line synopsis a clinician reads first (issue 27, part 1):

    58 y F · left · lower lid → cheek, mouth corner · 5 y (onset 53 y) · in sleep ·
    eye shuts · no prior palsy · Botox 9/2026 much better, 10 wk · PHQ-2 positive

Facts the patient gave, in a fixed order, each left out when it was not answered; never
a conclusion (no condition's name, no likelihood). It is worked out on the day (UTC) the
form was sent, so the summary, the dashboard row and the CSV say the same thing.

Pure Python: no Flask.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from intake.questionnaire.dates import age_on, months_between, parse_date, parse_month
from intake.questionnaire.schema import Questionnaire
from intake.questionnaire.scoring import GAD2, GAD7, PHQ2, score_all
from intake.questionnaire.summary import patient_name

SEPARATOR = " · "

SEX = {"female": "F", "male": "M", "other": "other sex"}
SIDE = {"left": "left", "right": "right", "both": "both sides", "not_sure": "side not sure"}
PLACE = {
    "upper_eyelid": "upper lid",
    "lower_eyelid": "lower lid",
    "cheek": "cheek",
    "mouth_corner": "mouth corner",
    "lips": "lips",
    "chin": "chin",
    "forehead": "brow",
    "neck": "neck",
    "jaw": "jaw",
    "tongue": "tongue",
}
IN_SLEEP = {"yes": "in sleep", "no": "not in sleep"}
EYE_CLOSES = {"yes": "eye shuts", "no": "eye does not shut"}
TOGETHER = {"together": "sides together", "separately": "each side on its own"}
BOTOX_EFFECT = {"much_better": "much better", "little_better": "a little better", "no_change": "no change"}
SCREENS = (GAD7, GAD2, PHQ2)


def list_label(questionnaire: Questionnaire, answers: Mapping[str, Any], sent_on: date) -> dict[str, str]:
    """What the workspace's list shows of a submission, sealed as one token."""
    return {"name": patient_name(answers), "synopsis": synopsis(questionnaire, answers, sent_on)}


def synopsis(questionnaire: Questionnaire, answers: Mapping[str, Any], sent_on: date) -> str:
    values = questionnaire.enabled_answers(answers)
    parts = (
        _age_and_sex(values, sent_on),
        SIDE.get(values.get("twitch.side")),
        _places(values),
        TOGETHER.get(values.get("pattern.both_sides")) if values.get("twitch.side") == "both" else None,
        _duration(values, sent_on),
        IN_SLEEP.get(values.get("twitch.in_sleep")),
        EYE_CLOSES.get(values.get("twitch.eye_closes")),
        _palsy(values),
        _botox(values),
        *_screens(values),
    )
    return SEPARATOR.join(p for p in parts if p)


def _birth(values: Mapping[str, Any]) -> date | None:
    born = values.get("about.birth_date")
    return parse_date(born) if isinstance(born, str) else None


def _age_and_sex(values: Mapping[str, Any], sent_on: date) -> str | None:
    birth = _birth(values)
    age = f"{age_on(birth, sent_on)} y" if birth and birth <= sent_on else None
    return " ".join(p for p in (age, SEX.get(values.get("about.sex"))) if p) or None


def _places(values: Mapping[str, Any]) -> str | None:
    where = [code for code in values.get("twitch.where") or [] if code in PLACE]
    start = values.get("twitch.start_place")
    if start in where and len(where) > 1:
        return f"{PLACE[start]} → " + ", ".join(PLACE[code] for code in where if code != start)
    return ", ".join(PLACE[code] for code in where) or None


def _duration(values: Mapping[str, Any], sent_on: date) -> str | None:
    """How long it has been going on, and the age it began at ("5 y (onset 53 y)")."""
    onset, birth = parse_month(values.get("twitch.onset")), _birth(values)
    given_age = values.get("twitch.onset_age")
    onset_age = given_age if isinstance(given_age, int) else None
    if onset_age is None and onset and birth and onset >= birth:
        onset_age = age_on(birth, onset)
    how_long = _how_long(onset, sent_on) if onset else None
    at = f"onset {onset_age} y" if onset_age is not None else None
    if how_long and at:
        return f"{how_long} ({at})"
    return how_long or at


def _how_long(since: date, until: date) -> str | None:
    months = months_between(since, until)
    if months < 0:
        return None
    return f"{months} mo" if months < 24 else f"{months // 12} y"


def _palsy(values: Mapping[str, Any]) -> str | None:
    answer = values.get("history.paralysis")
    if answer == "no":
        return "no prior palsy"
    if answer != "yes":
        return None
    side, year = SIDE.get(values.get("history.paralysis_side")), values.get("history.paralysis_year")
    return " ".join(str(p) for p in ("prior palsy", side, year) if p)


def _botox(values: Mapping[str, Any]) -> str | None:
    if "botox" not in (values.get("history.treatments") or []):
        return None
    last = parse_month(values.get("history.botox_last"))
    weeks = values.get("history.botox_weeks")
    effect = ", ".join(
        p
        for p in (
            BOTOX_EFFECT.get(values.get("history.botox_effect")),
            f"{weeks} wk" if weeks is not None else None,
        )
        if p
    )
    return " ".join(p for p in ("Botox", f"{last.month}/{last.year}" if last else None, effect) if p)


def _screens(values: Mapping[str, Any]) -> list[str]:
    by_id = {score.instrument.id: score for score in score_all(values)}
    return [
        f"{instrument.name} positive" + ("" if by_id[instrument.id].complete else " (incomplete)")
        for instrument in SCREENS
        if by_id[instrument.id].already_positive
    ]
