"""Scores: read-only, calculated items in a final hidden group of the Questionnaire, and
their values in a completed response.

The form filler computes each total with SDC `calculatedExpression` (empty until every
item of the instrument is answered); a response carries a score only when the submission
is completed and the instrument is complete.
"""

from __future__ import annotations

from typing import Any, Mapping

from intake.questionnaire.fhir.extensions import (
    EXT_CALCULATED,
    EXT_HIDDEN,
    EXT_VARIABLE,
    extension,
    fhirpath_expression,
)
from intake.questionnaire.fhir.fhirpath import string_literal
from intake.questionnaire.fhir.terminology import (
    LOINC,
    SCORE_LOINC,
    SCORES_GROUP,
    choice_coding,
    score_code_system,
)
from intake.questionnaire.schema import Questionnaire
from intake.questionnaire.scoring import INSTRUMENTS, Instrument, score_all


def scored_instruments(q: Questionnaire) -> list[Instrument]:
    """The instruments whose every item is in this questionnaire."""
    return [i for i in INSTRUMENTS if all(q.has_item(link_id) for link_id in i.item_link_ids)]


def score_link_id(instrument: Instrument) -> str:
    return f"score.{instrument.id}"


def score_text(instrument: Instrument) -> str:
    return f"{instrument.name} total score"


# --- in the Questionnaire ---------------------------------------------------------------


def scores_group(q: Questionnaire) -> dict[str, Any] | None:
    """The hidden group of calculated scores; None when no instrument is complete here."""
    instruments = scored_instruments(q)
    if not instruments:
        return None
    return {
        # Clinicians only: patients never see scores.
        "extension": [extension(EXT_HIDDEN, "valueBoolean", True)],
        "linkId": SCORES_GROUP,
        "text": "Scores",
        "type": "group",
        "item": [_score_item(q, instrument) for instrument in instruments],
    }


def _score_code(q: Questionnaire, instrument: Instrument) -> dict[str, Any]:
    if instrument.id in SCORE_LOINC:
        code, display = SCORE_LOINC[instrument.id]
        return {"system": LOINC, "code": code, "display": display}
    return {"system": score_code_system(q), "code": instrument.id, "display": score_text(instrument)}


def _score_item(q: Questionnaire, instrument: Instrument) -> dict[str, Any]:
    """A read-only integer the SDC form filler computes: empty until every item is answered."""
    variable = instrument.id
    in_list = " | ".join(string_literal(link_id) for link_id in instrument.item_link_ids)
    answers = f"%resource.repeat(item).where(linkId in ({in_list})).answer.value"
    total = _total_expression(q, instrument)
    return {
        "extension": [
            extension(EXT_VARIABLE, "valueExpression", fhirpath_expression(answers, name=variable)),
            extension(EXT_CALCULATED, "valueExpression", fhirpath_expression(total)),
        ],
        "linkId": score_link_id(instrument),
        "code": [_score_code(q, instrument)],
        "text": score_text(instrument),
        "type": "integer",
        "readOnly": True,
    }


def _total_expression(q: Questionnaire, instrument: Instrument) -> str:
    """The total as plain FHIRPath (no SDC-only functions): each answer code counted
    times its ordinal, and nothing until every item is answered."""
    variable = instrument.id
    weights = _ordinal_weights(q, instrument)
    terms = " + ".join(
        (f"{w} * " if w != 1 else "") + f"%{variable}.where(code = {string_literal(code)}).count()"
        for code, w in sorted(weights.items(), key=lambda kv: (kv[1], kv[0]))
    )
    return f"iif(%{variable}.count() = {len(instrument.item_link_ids)}, {terms or '0'})"


def _ordinal_weights(q: Questionnaire, instrument: Instrument) -> dict[str, int]:
    """FHIR answer code -> its ordinal, for every option that adds to the total."""
    weights: dict[str, int] = {}
    for link_id in instrument.item_link_ids:
        item = q.item(link_id)
        for choice in item.choices:
            if choice.ordinal:
                weights[choice_coding(q, item, choice)["code"]] = choice.ordinal
    return weights


# --- in a QuestionnaireResponse ---------------------------------------------------------


def scores_answered(q: Questionnaire, answers: Mapping[str, Any]) -> dict[str, Any] | None:
    """The scores group of a completed response: every instrument fully answered, or None."""
    instruments = {i.id for i in scored_instruments(q)}
    scores = [
        {
            "linkId": score_link_id(s.instrument),
            "text": score_text(s.instrument),
            "answer": [{"valueInteger": s.total}],
        }
        for s in score_all(answers)
        if s.instrument.id in instruments and s.complete and s.total is not None
    ]
    return {"linkId": SCORES_GROUP, "text": "Scores", "item": scores} if scores else None
