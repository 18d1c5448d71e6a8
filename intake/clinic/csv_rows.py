"""CSV export: one row per submission, one column per item, then the scores.

Rows are plain lists; the HTTP layer only writes them out. Columns are named by linkId,
which never changes, so a spreadsheet built on an export keeps working.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Iterator

from sqlalchemy import Select
from sqlalchemy.orm import Session

from intake.models import Clinician, Submission
from intake.questionnaire.display import display_answer
from intake.questionnaire.schema import Questionnaire
from intake.questionnaire.scoring import INSTRUMENTS, Instrument, Score, score_all
from intake.questionnaire.synopsis import synopsis
from intake.security.text import clean_text
from intake.storage import sealed

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection,
# OWASP). It may also split a cell where we did not: on ";" (European locales), a tab
# (tab-separated import), "|", or a line break, whatever the quotes say. So every place
# a piece could start gets a quote before its trigger.
FORMULA_STARTS = "=+-@\t\r"
SPLITS = ",;\t|\r\n"
_TRIGGER = re.compile(f"[{re.escape(FORMULA_STARTS)}]")
_PIECE_STARTING_A_FORMULA = re.compile(f"(^|[{re.escape(SPLITS)}])(?=[{re.escape(FORMULA_STARTS)}])")
FIXED_COLUMNS = (
    "reference", "submission_id", "status", "submitted_at_utc", "safety_tier",
    "reviewed_at_utc", "reviewed_by", "questionnaire_version",
)  # fmt: skip
SYNOPSIS_COLUMN = "synopsis"  # the summary's one line (questionnaire/synopsis.py)
BATCH = 500
UNREADABLE = "UNREADABLE: this record failed its integrity check; tell your administrator."


def neutralise(cell: Any) -> Any:
    """Put a quote before every formula trigger that starts the cell or a piece a
    spreadsheet could split it into; numbers pass unchanged. The writer quotes every text
    cell too (exports.py), for the spreadsheets that honour quotes."""
    cell = clean_text(cell)  # rows stored before input was cleaned, too
    if isinstance(cell, str) and _TRIGGER.search(cell):
        return _PIECE_STARTING_A_FORMULA.sub(r"\1'", cell)
    return cell


def _score_columns(instrument: Instrument) -> list[str]:
    columns = [f"{instrument.id}_score"]
    if instrument.bands:
        columns.append(f"{instrument.id}_band")
    if instrument.positive_at is not None:
        columns.append(f"{instrument.id}_positive")
    return columns


def _score_cells(result: Score) -> list[Any]:
    instrument = result.instrument
    cells: list[Any] = [result.total if result.complete else "incomplete"]
    if instrument.bands:
        cells.append(result.band or "")
    if instrument.positive_at is not None:
        cells.append("" if result.positive is None else ("yes" if result.positive else "no"))
    return cells


def header(questionnaire: Questionnaire) -> list[str]:
    items = [item.link_id for item in questionnaire.items()]
    scores = [column for instrument in INSTRUMENTS for column in _score_columns(instrument)]
    return [*FIXED_COLUMNS, SYNOPSIS_COLUMN, *items, *scores]


def _utc(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else ""


def _fixed_cells(submission: Submission, reviewer: str | None) -> list[Any]:
    return [
        submission.reference, submission.public_id, submission.status,
        _utc(submission.submitted_at), submission.safety_tier,
        _utc(submission.reviewed_at), reviewer or "", submission.questionnaire_version,
    ]  # fmt: skip


def row(
    questionnaire: Questionnaire, submission: Submission, answers: dict, reviewer: str | None
) -> list[Any]:
    line = synopsis(questionnaire, answers, submission.submitted_at.date())
    answers = questionnaire.enabled_answers(answers)
    items = [display_answer(item, answers.get(item.link_id)) for item in questionnaire.items()]
    scores = [cell for result in score_all(answers) for cell in _score_cells(result)]
    return [neutralise(cell) for cell in (*_fixed_cells(submission, reviewer), line, *items, *scores)]


def unreadable_row(submission: Submission, reviewer: str | None) -> list[Any]:
    """What can be said of a submission whose answers no key opens: who, when, and why not."""
    return [neutralise(cell) for cell in (*_fixed_cells(submission, reviewer), UNREADABLE)]


def rows(questionnaire: Questionnaire, statement: Select, session: Session) -> Iterator[list[Any]]:
    """The header, then one row per submission, read from the database in batches; a
    submission whose answers cannot be opened gets a marked row and the rest still come."""
    yield header(questionnaire)
    ordered = sealed.with_sealed_answers(
        statement.add_columns(Clinician.username)
        .outerjoin(Clinician, Submission.reviewed_by_id == Clinician.id)
        .order_by(Submission.submitted_at.desc(), Submission.id.desc())
    ).execution_options(yield_per=BATCH)
    for submission, reviewer, stored in session.execute(ordered):
        opened = sealed.open_answers(submission, stored, "CSV export")
        if isinstance(opened, sealed.Readable):
            yield row(questionnaire, submission, opened.answers, reviewer)
        else:
            yield unreadable_row(submission, reviewer)
