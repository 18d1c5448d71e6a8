"""One item's answer, both ways: the app's stored value <-> a FHIR `answer` list.

The stored types are those of `schema.py` (choice codes, lists, bools, ints, "YYYY-MM-DD",
"YYYY-MM"); each item type has one FHIR item type and one `value[x]`.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from intake.questionnaire.fhir.terminology import choice_coding, choice_for_code, code_from_coding
from intake.questionnaire.schema import Item, ItemType, Questionnaire

FHIR_TYPE: dict[ItemType, str] = {
    ItemType.SINGLE: "choice",
    ItemType.MULTI: "choice",
    ItemType.BOOLEAN: "boolean",
    ItemType.CONSENT: "boolean",
    ItemType.TEXT: "string",
    ItemType.EMAIL: "string",
    ItemType.PHONE: "string",
    ItemType.LONG_TEXT: "text",
    ItemType.INTEGER: "integer",
    ItemType.SCALE: "integer",
    ItemType.DATE: "date",
    ItemType.MONTH_YEAR: "date",
}

# The QuestionnaireResponse answer element for each FHIR item type.
VALUE_KEY: dict[str, str] = {
    "choice": "valueCoding",
    "boolean": "valueBoolean",
    "string": "valueString",
    "text": "valueString",
    "integer": "valueInteger",
    "date": "valueDate",
}

DATE = re.compile(r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])")
MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def value_key(item: Item) -> str:
    """The `value[x]` an answer to this item carries."""
    return VALUE_KEY[FHIR_TYPE[item.type]]


def answer_values(q: Questionnaire, item: Item, value: Any) -> list[dict[str, Any]]:
    """The `answer` list of one item; empty when the value means "not answered".

    Raises ValueError for a value that does not fit the item (e.g. an unknown code).
    """
    if value in (None, "", []):
        return []
    if item.type is ItemType.SINGLE:
        return [{"valueCoding": choice_coding(q, item, choice_for_code(item, value))}]
    if item.type is ItemType.MULTI:
        codes = _codes(item, value)
        return [{"valueCoding": choice_coding(q, item, choice_for_code(item, code))} for code in codes]
    problem = _scalar_problem(item, value)
    if problem:
        raise ValueError(f"{item.link_id}: {problem}")
    return [{value_key(item): value}]


def _codes(item: Item, value: Any) -> list[Any]:
    """A multi-select answer: a list, each code at most once."""
    if not isinstance(value, list):
        raise ValueError(f"{item.link_id}: a multi-select answer must be a list, not {value!r}")
    if len(set(value)) != len(value):
        raise ValueError(f"{item.link_id}: a code is chosen twice in {value!r}")
    return value


def _scalar_problem(item: Item, value: Any) -> str | None:
    """Why a value does not fit a non-choice item; None when it fits."""
    if item.type in (ItemType.BOOLEAN, ItemType.CONSENT):
        return None if isinstance(value, bool) else f"expected true or false, not {value!r}"
    if item.type in (ItemType.INTEGER, ItemType.SCALE):
        whole = isinstance(value, int) and not isinstance(value, bool)
        return None if whole else f"expected a whole number, not {value!r}"
    if item.type is ItemType.DATE:
        return None if _matches(DATE, value) else f"expected YYYY-MM-DD, not {value!r}"
    if item.type is ItemType.MONTH_YEAR:
        return None if _matches(MONTH, value) else f"expected YYYY-MM, not {value!r}"
    return None if isinstance(value, str) else f"expected text, not {value!r}"


def _matches(pattern: re.Pattern[str], value: Any) -> bool:
    return isinstance(value, str) and pattern.fullmatch(value) is not None


def value_from_answer(q: Questionnaire, item: Item, answer: Mapping[str, Any]) -> Any:
    """The app's value of one FHIR answer to this item (the inverse of `answer_values`)."""
    expected = value_key(item)
    present = [key for key in answer if key.startswith("value")]
    if present != [expected]:
        raise ValueError(f"{item.link_id}: expected {expected}, got {present or 'no value'}")
    value = answer[expected]
    if expected == "valueCoding":
        return code_from_coding(q, item, value)
    if item.type is ItemType.MONTH_YEAR and _matches(DATE, value):
        return value[:7]  # another system may send a full date; the app keeps the month
    return value
