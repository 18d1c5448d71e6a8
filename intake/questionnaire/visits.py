"""Earlier submissions of the same person, side by side (issue 27, part 7): what changed
from one form to the next (bother 0-10, spread, scores, Botox effect and weeks), and the
points of a small chart of the bother score over time.

Which submissions are the same person's is decided elsewhere (a keyed hash of the name
and date of birth, clinic/visits.py); this module only compares answers. Pure Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Mapping

from intake.questionnaire.display import display_answer
from intake.questionnaire.schema import Questionnaire
from intake.questionnaire.scoring import GAD7, PHQ2, score

CHART_WIDTH, CHART_HEIGHT, CHART_PAD = 240, 80, 12


@dataclass(frozen=True)
class Visit:
    sent_on: date
    reference: str
    answers: Mapping[str, Any]


@dataclass(frozen=True)
class Row:
    label: str
    values: tuple[str, ...]  # one per visit, oldest first; "" when not answered
    changed: bool  # the answered values are not all the same


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str  # "Mar 2026: 7/10"


def _shown(questionnaire: Questionnaire, link_id: str) -> Callable[[Mapping[str, Any]], str]:
    def read(answers: Mapping[str, Any]) -> str:
        value = questionnaire.enabled_answers(answers).get(link_id)
        return "" if value is None else display_answer(questionnaire.item(link_id), value)

    return read


def _total(instrument) -> Callable[[Mapping[str, Any]], str]:
    def read(answers: Mapping[str, Any]) -> str:
        result = score(instrument, answers)
        return str(result.total) if result.complete else ""

    return read


def _bother(answers: Mapping[str, Any]) -> str:
    value = answers.get("twitch.bother")
    return f"{value}/10" if isinstance(value, int) else ""


def compare(questionnaire: Questionnaire, visits: list[Visit]) -> tuple[Row, ...]:
    """One row per measure, one column per visit in date order; rows nobody answered are
    left out."""
    ordered = sorted(visits, key=lambda v: v.sent_on)
    measures = (
        ("Bother", _bother),
        ("Spread", _shown(questionnaire, "twitch.spread")),
        ("Course", _shown(questionnaire, "twitch.course")),
        (f"{GAD7.name} total", _total(GAD7)),
        (f"{PHQ2.name} total", _total(PHQ2)),
        ("Botox effect", _shown(questionnaire, "history.botox_effect")),
        ("Botox: weeks it helped", _shown(questionnaire, "history.botox_weeks")),
    )
    rows = []
    for label, read in measures:
        values = tuple(read(v.answers) for v in ordered)
        answered = {value for value in values if value}
        if answered:
            rows.append(Row(label, values, len(answered) > 1))
    return tuple(rows)


def bother_chart(visits: list[Visit]) -> tuple[Point, ...]:
    """Points of the bother score (0 at the bottom, 10 at the top) spread over the time
    between the first and the last visit; () with fewer than two scores."""
    scored = sorted(
        (
            (v.sent_on, v.answers["twitch.bother"])
            for v in visits
            if isinstance(v.answers.get("twitch.bother"), int)
        ),
        key=lambda pair: pair[0],
    )
    if len(scored) < 2:
        return ()
    first, last = scored[0][0], scored[-1][0]
    span = max((last - first).days, 1)
    inner_w, inner_h = CHART_WIDTH - 2 * CHART_PAD, CHART_HEIGHT - 2 * CHART_PAD
    return tuple(
        Point(
            round(CHART_PAD + inner_w * (day - first).days / span, 1),
            round(CHART_PAD + inner_h * (10 - bother) / 10, 1),
            f"{day:%b %Y}: {bother}/10",
        )
        for day, bother in scored
    )
