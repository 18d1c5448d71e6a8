"""Answers to check (issue 27, part 8): pairs of answers that do not sit well together,
pointed out in neutral words rather than hidden or "corrected". Patients answer quickly
and some questions are hard; the clinician asks. Nothing is concluded and no answer is
changed.

Pure Python: no Flask.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from intake.questionnaire.dates import age_on, parse_date, parse_month
from intake.questionnaire.schema import Questionnaire

Check = Callable[[Mapping[str, Any]], str | None]


def _always_but_seconds(v: Mapping[str, Any]) -> str | None:
    if v.get("twitch.frequency") == "constant" and v.get("twitch.episode_length") == "seconds":
        return "How often: “All the time”, but each episode: “A few seconds”."
    return None


def _continuous_but_rare(v: Mapping[str, Any]) -> str | None:
    if v.get("pattern.continuous_days") == "yes" and v.get("twitch.frequency") in (
        "few_weekly",
        "less_often",
    ):
        return "Goes on for days without a break, but happens “a few times a week” or less."
    return None


def _one_side_but_both_move(v: Mapping[str, Any]) -> str | None:
    if v.get("twitch.side") in ("left", "right") and v.get("pattern.both_sides") in (
        "together",
        "separately",
    ):
        return f"Side: {v['twitch.side']} only, but both sides are said to move."
    return None


def _spread_from_one_place(v: Mapping[str, Any]) -> str | None:
    if v.get("twitch.spread") == "yes" and len(v.get("twitch.where") or []) == 1:
        return "Spread to other parts of the face: yes, but one place is ticked."
    return None


def _botox_before_onset(v: Mapping[str, Any]) -> str | None:
    last, onset = parse_month(v.get("history.botox_last")), parse_month(v.get("twitch.onset"))
    if last and onset and last < onset:
        return "The last Botox injection is dated before the twitching began."
    return None


def _palsy_after_onset_but_twitch_before(v: Mapping[str, Any]) -> str | None:
    year, onset = v.get("history.paralysis_year"), parse_month(v.get("twitch.onset"))
    if (
        isinstance(year, int)
        and onset
        and year > onset.year
        and v.get("history.twitch_after_paralysis")
        not in (
            None,
            "before",
            "not_sure",
        )
    ):
        return "The twitching is said to begin after the paralysis, but its date is earlier."
    return None


def _birth_and_onset(v: Mapping[str, Any]):
    birth = parse_date(v["about.birth_date"]) if isinstance(v.get("about.birth_date"), str) else None
    return birth, parse_month(v.get("twitch.onset"))


def _onset_before_birth(v: Mapping[str, Any]) -> str | None:
    birth, onset = _birth_and_onset(v)
    if birth and onset and onset < birth.replace(day=1):
        return "The twitching is dated before the date of birth."
    return None


# A guess of the age and a guess of the month and year may differ a little; more than
# this is worth a question.
ONSET_AGE_SLACK_YEARS = 2


def _onset_age_disagrees_with_its_date(v: Mapping[str, Any]) -> str | None:
    (birth, onset), age = _birth_and_onset(v), v.get("twitch.onset_age")
    if not (birth and onset and isinstance(age, int)) or onset < birth.replace(day=1):
        return None
    from_date = age_on(birth, onset)
    if abs(from_date - age) > ONSET_AGE_SLACK_YEARS:
        return f"Age when it started: {age}, but the start date given makes it about {from_date}."
    return None


CHECKS: tuple[Check, ...] = (
    _always_but_seconds,
    _continuous_but_rare,
    _one_side_but_both_move,
    _spread_from_one_place,
    _botox_before_onset,
    _palsy_after_onset_but_twitch_before,
    _onset_before_birth,
    _onset_age_disagrees_with_its_date,
)


def answers_to_check(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> tuple[str, ...]:
    values = questionnaire.enabled_answers(answers)
    return tuple(note for check in CHECKS if (note := check(values)))
