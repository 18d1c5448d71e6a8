"""An answer as a person reads it: choices by their wording, dates spelled out, ages in
whole years. English, for the clinicians' summary and exports; the patient's pages show
their own language through the templates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from intake.questionnaire.dates import parse_date, parse_month
from intake.questionnaire.schema import AtLeastOne, Item, ItemType, Step

MONTHS = (
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
)  # fmt: skip
EMPTY = (None, "", [])


def display_answer(item: Item, value: Any) -> str:
    """An answer as a person reads it ("" when unanswered); the review page, the summary and the CSV show it so."""
    if value in EMPTY:
        return ""
    if item.type in (ItemType.BOOLEAN, ItemType.CONSENT) and isinstance(value, bool):
        return "Yes" if value else "No"
    if item.type is ItemType.MULTI:
        codes = value if isinstance(value, list) else [value]
        # "; " because some choice wordings contain commas.
        return "; ".join(choice_display(item, code) for code in codes)
    if item.type is ItemType.SINGLE:
        return choice_display(item, value)
    if item.type is ItemType.DATE:
        return date_display(str(value))
    if item.type is ItemType.MONTH_YEAR:
        return month_year_display(str(value))
    return str(value).strip()


def choice_display(item: Item, code: Any) -> str:
    choice = item.choice(code) if isinstance(code, str) else None
    return choice.display if choice else str(code)


def date_display(value: str) -> str:
    parsed = parse_date(value)
    return f"{MONTHS[parsed.month - 1]} {parsed.day}, {parsed.year}" if parsed else value


def month_year_display(value: str) -> str:
    parsed = parse_month(value)
    return f"{MONTHS[parsed.month - 1]} {parsed.year}" if parsed else value


def condition_runs(items: Sequence[Item]) -> dict[str, int]:
    """For each conditional item: how many items in a row, from it, share its condition,
    or 0 when it continues a run. Pages say "answer these N only if..." once per run
    rather than under each question."""
    runs: dict[str, int] = {}
    start = None
    for item in items:
        if item.enable_when and start is not None and start.enable_when == item.enable_when:
            runs[start.link_id] += 1
            runs[item.link_id] = 0
        else:
            start = item if item.enable_when else None
            if start is not None:
                runs[item.link_id] = 1
    return runs


@dataclass(frozen=True)
class QuestionGroup:
    """Items a page asks as one question (AtLeastOne with a legend): where it opens and
    closes, and its legend."""

    first: str
    last: str
    legend: str


def question_groups(step: Step) -> dict[str, QuestionGroup]:
    """Each grouped item's link id -> its group; the items must stand next to each other."""
    groups: dict[str, QuestionGroup] = {}
    order = [item.link_id for item in step.items]
    for rule in step.rules:
        if isinstance(rule, AtLeastOne) and rule.legend:
            first, last = min(rule.link_ids, key=order.index), max(rule.link_ids, key=order.index)
            if order.index(last) - order.index(first) != len(rule.link_ids) - 1:
                raise ValueError(f"{rule.link_ids} must stand next to each other on {step.id}")
            group = QuestionGroup(first, last, rule.legend)
            groups.update(dict.fromkeys(rule.link_ids, group))
    return groups
