"""The questionnaire and its submissions in HL7 FHIR R4 (4.0.1), with the SDC conventions.

Pure Python: no Flask, WTForms or SQLAlchemy. Every function returns plain JSON-ready data
(dicts, lists, str, int, bool), so callers can `json.dumps` it as `application/fhir+json`.

    questionnaire_resource(q)               the form definition, a `Questionnaire`
    questionnaire_response(q, answers, ...) one submission, a `QuestionnaireResponse`
    answers_from_response(q, resource)      the inverse: back to the app's answer dict
    bundle(resources, type=...)             a `Bundle` (collection or searchset)
    operation_outcome(severity, code, msg)  an `OperationOutcome`, for errors

Mapping decisions, in short (the reasons are next to the code that makes them):

* One `group` item per step (linkId = step id); the step intro and footnote are `display`
  items inside it, an item's help text is a child `display` item with itemControl `help`.
* Choice codes are only unique within an item ("none" and "other" mean different things in
  different items), so each choice item gets its own code system,
  `{questionnaire url}/CodeSystem/{link_id}`. The GAD-7 and PHQ items use LOINC instead
  (question `code` and the LOINC answer codes LA6568-5 .. LA6571-9 with `ordinalValue`);
  the app's own codes for those options ("0" .. "3") are mapped back on the way in.
* Scores are read-only, calculated items (SDC `calculatedExpression`) in a final hidden
  `scores` group; a response carries a score only when the submission is completed and
  the instrument is complete.
* "Offer only the places chosen, and only when two or more were chosen" (`choices_from`)
  has no pure-R4 form: it is said with the SDC `enableWhenExpression` and
  `answerOptionsToggleExpression` extensions. SDC allows no `enableWhen` beside an
  `enableWhenExpression`, so that item has the expression only.
"""

from __future__ import annotations

import re
from datetime import date as date_type
from datetime import datetime
from typing import Any, Iterable, Iterator, Literal, Mapping

from .schema import (
    CHOICE_TYPES,
    Choice,
    EnableWhen,
    Item,
    ItemType,
    Operator,
    Questionnaire,
    Step,
)
from .scoring import INSTRUMENTS, Instrument, score_all

# --------------------------------------------------------------------------- constants

FHIR_VERSION = "4.0.1"
LOINC = "http://loinc.org"

EXT = "http://hl7.org/fhir/StructureDefinition/"
SDC = "http://hl7.org/fhir/uv/sdc/StructureDefinition/"
EXT_MIN_VALUE = EXT + "minValue"
EXT_MAX_VALUE = EXT + "maxValue"
EXT_ORDINAL_VALUE = EXT + "ordinalValue"
EXT_REGEX = EXT + "regex"
EXT_ENTRY_FORMAT = EXT + "entryFormat"
EXT_ITEM_CONTROL = EXT + "questionnaire-itemControl"
EXT_OPTION_EXCLUSIVE = EXT + "questionnaire-optionExclusive"
EXT_HIDDEN = EXT + "questionnaire-hidden"
EXT_CONSTRAINT = EXT + "questionnaire-constraint"
EXT_VARIABLE = EXT + "variable"
EXT_CALCULATED = SDC + "sdc-questionnaire-calculatedExpression"
EXT_ENABLE_WHEN_EXPRESSION = SDC + "sdc-questionnaire-enableWhenExpression"
EXT_OPTIONS_TOGGLE = SDC + "sdc-questionnaire-answerOptionsToggleExpression"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"

# The LOINC answer list LL358-3 (PHQ / GAD-7 frequency): ordinal -> (answer code, display).
LOINC_FREQUENCY_ANSWERS: dict[int, tuple[str, str]] = {
    0: ("LA6568-5", "Not at all"),
    1: ("LA6569-3", "Several days"),
    2: ("LA6570-1", "More than half the days"),
    3: ("LA6571-9", "Nearly every day"),
}

# Total-score codes. GAD-2 has no LOINC total-score code that we could confirm, so it gets
# an app-local code (see `score_code_system`). 69724-3 is the PHQ-4 *panel*, not its total.
SCORE_LOINC: dict[str, tuple[str, str]] = {
    "gad7": ("70274-6", "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]"),
    "phq2": ("55758-7", "Patient Health Questionnaire 2 item (PHQ-2) total score [Reported]"),
    "phq4": ("70272-0", "Patient Health Questionnaire 4 item (PHQ-4) total score [Reported]"),
}

SCORES_GROUP = "scores"

# The same pattern the phone field of the form accepts (intake/forms.py; a test keeps them equal).
PHONE_REGEX = r"\+?[0-9 ()\-.]{7,30}"
# Deliberately loose: the form's email validator is the real check; this only catches typos.
EMAIL_REGEX = r"[^@\s]+@[^@\s]+\.[^@\s]+"

_FHIR_TYPE: dict[ItemType, str] = {
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
_VALUE_KEY: dict[str, str] = {
    "choice": "valueCoding",
    "boolean": "valueBoolean",
    "string": "valueString",
    "text": "valueString",
    "integer": "valueInteger",
    "date": "valueDate",
}

_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")
_DATE = re.compile(r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])")
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")

ISSUE_SEVERITIES = frozenset({"fatal", "error", "warning", "information"})
ISSUE_TYPES = frozenset(
    {
        "invalid", "structure", "required", "value", "invariant", "security", "login",
        "unknown", "expired", "forbidden", "suppressed", "processing", "not-supported",
        "duplicate", "multiple-matches", "not-found", "deleted", "too-long",
        "code-invalid", "extension", "too-costly", "business-rule", "conflict",
        "transient", "lock-error", "no-store", "exception", "timeout", "incomplete",
        "throttled", "informational",
    }
)  # fmt: skip

ResponseStatus = Literal["completed", "in-progress"]
BundleType = Literal["collection", "searchset"]


# --------------------------------------------------------------------------- codes


def option_system(q: Questionnaire, link_id: str) -> str:
    """The code system of one item's own choice codes.

    One system per item, not one per questionnaire: a code is only unique within its item
    ("none" is "None of these" in one item and "It did not get better" in another), and a
    CodeSystem may give a code only one meaning.
    """
    return f"{q.url}/CodeSystem/{link_id}"


def score_code_system(q: Questionnaire) -> str:
    """App-local codes for the score items (used where LOINC has no code, e.g. GAD-2)."""
    return f"{q.url}/CodeSystem/{SCORES_GROUP}"


def _uses_loinc_answers(item: Item) -> bool:
    """True for a LOINC-coded instrument item whose options are exactly the LOINC answers."""
    return (
        item.code is not None
        and item.code.system == LOINC
        and bool(item.choices)
        and all(
            c.ordinal in LOINC_FREQUENCY_ANSWERS
            and LOINC_FREQUENCY_ANSWERS[c.ordinal][1] == c.display
            for c in item.choices
        )
    )


def _coding(q: Questionnaire, item: Item, choice: Choice) -> dict[str, Any]:
    """The FHIR Coding of one option (LOINC for the instrument items)."""
    if _uses_loinc_answers(item):
        code, display = LOINC_FREQUENCY_ANSWERS[choice.ordinal]  # type: ignore[index]
        return {"system": LOINC, "code": code, "display": display}
    return {"system": option_system(q, item.link_id), "code": choice.code, "display": choice.display}


def _choice_for(item: Item, code: Any) -> Choice:
    choice = item.choice(code) if isinstance(code, str) else None
    if choice is None:
        raise ValueError(f"{item.link_id}: {code!r} is not one of its choice codes")
    return choice


def _choice_from_coding(q: Questionnaire, item: Item, coding: Mapping[str, Any]) -> str:
    for choice in item.choices:
        own = _coding(q, item, choice)
        if coding.get("system") == own["system"] and coding.get("code") == own["code"]:
            return choice.code
    raise ValueError(
        f"{item.link_id}: coding {coding.get('system')}|{coding.get('code')} is not one of its options"
    )


# --------------------------------------------------------------------------- small builders


def _ext(url: str, value_key: str, value: Any) -> dict[str, Any]:
    return {"url": url, value_key: value}


def _item_control(code: str) -> dict[str, Any]:
    return _ext(
        EXT_ITEM_CONTROL,
        "valueCodeableConcept",
        {"coding": [{"system": ITEM_CONTROL_SYSTEM, "code": code}]},
    )


def _fhirpath_expression(expression: str, name: str | None = None) -> dict[str, Any]:
    value: dict[str, Any] = {"language": "text/fhirpath", "expression": expression}
    if name:
        value["name"] = name
    return value


def _display(link_id: str, text: str, control: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"linkId": link_id, "text": text, "type": "display"}
    if control:
        item["extension"] = [_item_control(control)]
    return item


def _fp_string(text: str) -> str:
    """A FHIRPath string literal."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _fp_answers(link_id: str) -> str:
    return f"%resource.repeat(item).where(linkId = {_fp_string(link_id)}).answer"


def _computable_name(identifier: str) -> str:
    """'facial-twitching-intake' -> 'FacialTwitchingIntake' (Questionnaire.name, rule que-0)."""
    name = "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", identifier))
    return name if name[:1].isalpha() else f"Q{name}"


# --------------------------------------------------------------------------- enableWhen


def _enable_when(q: Questionnaire, condition: EnableWhen) -> dict[str, Any]:
    if not q.has_item(condition.question):
        raise ValueError(f"enableWhen refers to unknown item {condition.question!r}")
    source = q.item(condition.question)
    out: dict[str, Any] = {"question": condition.question}
    if condition.operator is Operator.EXISTS:
        out.update(operator="exists", answerBoolean=bool(condition.answer))
        return out
    out["operator"] = "=" if condition.operator is Operator.EQUALS else "!="
    answer = condition.answer
    if source.type in CHOICE_TYPES:
        choice = _choice_for(source, answer)
        coding = _coding(q, source, choice)
        out["answerCoding"] = {"system": coding["system"], "code": coding["code"]}
    elif source.type in (ItemType.BOOLEAN, ItemType.CONSENT):
        out["answerBoolean"] = bool(answer)
    elif source.type in (ItemType.INTEGER, ItemType.SCALE):
        out["answerInteger"] = int(answer)
    elif source.type in (ItemType.DATE, ItemType.MONTH_YEAR):
        out["answerDate"] = str(answer)
    else:
        out["answerString"] = str(answer)
    return out


def _condition_fhirpath(q: Questionnaire, condition: EnableWhen) -> str:
    """One app condition as FHIRPath over the response (same meaning as `EnableWhen.holds`)."""
    answers = _fp_answers(condition.question)
    if condition.operator is Operator.EXISTS:
        return f"{answers}.exists()" if condition.answer else f"{answers}.exists().not()"
    source = q.item(condition.question)
    if source.type in CHOICE_TYPES:
        code = _coding(q, source, _choice_for(source, condition.answer))["code"]
        matched = f"({answers}.value.code contains {_fp_string(code)})"
    elif isinstance(condition.answer, bool):
        matched = f"({answers}.value contains {str(condition.answer).lower()})"
    else:
        matched = f"({answers}.value contains {_fp_string(str(condition.answer))})"
    return matched if condition.operator is Operator.EQUALS else f"{matched}.not()"


def _enable_when_expression(q: Questionnaire, item: Item) -> str:
    """The whole enabling rule of a `choices_from` item as one FHIRPath expression."""
    parts = [f"{_fp_answers(item.choices_from)}.count() >= 2"]  # type: ignore[arg-type]
    if item.enable_when:
        joiner = " and " if item.enable_behavior == "all" else " or "
        conditions = [_condition_fhirpath(q, c) for c in item.enable_when]
        parts.append(
            conditions[0]
            if len(conditions) == 1
            else "(" + joiner.join(f"({c})" for c in conditions) + ")"
        )
    return " and ".join(parts)


def _options_toggles(q: Questionnaire, item: Item) -> list[dict[str, Any]]:
    """SDC answerOptionsToggleExpression: each option is on only if it was chosen upstream."""
    source = q.item(item.choices_from)  # type: ignore[arg-type]
    toggles = []
    for choice in item.choices:
        upstream = source.choice(choice.code)
        if upstream is None:
            raise ValueError(f"{item.link_id}: choice {choice.code!r} is not offered by {source.link_id}")
        upstream_code = _coding(q, source, upstream)["code"]
        expression = f"{_fp_answers(source.link_id)}.value.code contains {_fp_string(upstream_code)}"
        toggles.append(
            {
                "url": EXT_OPTIONS_TOGGLE,
                "extension": [
                    {"url": "option", "valueCoding": _coding(q, item, choice)},
                    {"url": "expression", "valueExpression": _fhirpath_expression(expression)},
                ],
            }
        )
    return toggles


# --------------------------------------------------------------------------- Questionnaire


def _answer_option(q: Questionnaire, item: Item, choice: Choice) -> dict[str, Any]:
    coding = _coding(q, item, choice)
    if choice.ordinal is not None:
        # On the Coding (as LOINC's own FHIR forms do); R4 allows it on Coding.
        coding = {"extension": [_ext(EXT_ORDINAL_VALUE, "valueDecimal", choice.ordinal)], **coding}
    option: dict[str, Any] = {"valueCoding": coding}
    if choice.exclusive:
        option["extension"] = [_ext(EXT_OPTION_EXCLUSIVE, "valueBoolean", True)]
    return option


def _question(q: Questionnaire, item: Item) -> dict[str, Any]:
    fhir_type = _FHIR_TYPE[item.type]
    extensions: list[dict[str, Any]] = []
    out: dict[str, Any] = {"linkId": item.link_id, "text": item.text, "type": fhir_type}

    if item.code is not None:
        # No display: Coding.display must be the code system's own wording, and the item
        # text (the instrument's official wording) is not always LOINC's display name.
        out["code"] = [{"system": item.code.system, "code": item.code.code}]

    if item.type is ItemType.SINGLE:
        extensions.append(_item_control("radio-button"))
    elif item.type is ItemType.MULTI:
        extensions.append(_item_control("check-box"))
    if item.type in (ItemType.INTEGER, ItemType.SCALE):
        if item.min_value is not None:
            extensions.append(_ext(EXT_MIN_VALUE, "valueInteger", item.min_value))
        if item.max_value is not None:
            extensions.append(_ext(EXT_MAX_VALUE, "valueInteger", item.max_value))
    if item.type is ItemType.EMAIL:
        extensions.append(_ext(EXT_REGEX, "valueString", EMAIL_REGEX))
        extensions.append(_ext(EXT_ENTRY_FORMAT, "valueString", "name@example.com"))
    elif item.type is ItemType.PHONE:
        extensions.append(_ext(EXT_REGEX, "valueString", PHONE_REGEX))
        extensions.append(_ext(EXT_ENTRY_FORMAT, "valueString", "(212) 555-0123"))
    elif item.type is ItemType.MONTH_YEAR:
        # A FHIR date may be partial ("2024-03"); the hint asks for exactly that precision.
        extensions.append(_ext(EXT_ENTRY_FORMAT, "valueString", "YYYY-MM"))
    if item.type is ItemType.CONSENT:
        extensions.append(
            {
                "url": EXT_CONSTRAINT,
                "extension": [
                    {"url": "key", "valueId": f"{item.link_id}-ticked"},
                    {"url": "severity", "valueCode": "error"},
                    {"url": "expression", "valueString": "answer.value = true"},
                    {"url": "human", "valueString": "This box must be ticked to go on."},
                ],
            }
        )
    if item.choices_from:
        extensions.append(
            _ext(
                EXT_ENABLE_WHEN_EXPRESSION,
                "valueExpression",
                _fhirpath_expression(_enable_when_expression(q, item)),
            )
        )
        extensions.extend(_options_toggles(q, item))
    if extensions:
        out = {"extension": extensions, **out}

    if item.required or item.type is ItemType.CONSENT:
        out["required"] = True
    if item.type is ItemType.MULTI:
        out["repeats"] = True
    if item.max_length is not None and fhir_type in ("string", "text"):
        out["maxLength"] = item.max_length
    if item.enable_when and not item.choices_from:
        out["enableWhen"] = [_enable_when(q, c) for c in item.enable_when]
        if len(item.enable_when) > 1:
            out["enableBehavior"] = item.enable_behavior
    if item.type in CHOICE_TYPES:
        out["answerOption"] = [_answer_option(q, item, c) for c in item.choices]

    children = []
    if item.help:
        children.append(_display(f"{item.link_id}.help", item.help, "help"))
    if item.min_label:
        children.append(_display(f"{item.link_id}.lower", item.min_label, "lower"))
    if item.max_label:
        children.append(_display(f"{item.link_id}.upper", item.max_label, "upper"))
    if children:
        out["item"] = children
    return out


def _step_group(q: Questionnaire, step: Step) -> dict[str, Any]:
    items: list[dict[str, Any]] = []
    if step.intro:
        items.append(_display(f"{step.id}.intro", step.intro))
    items.extend(_question(q, item) for item in step.items)
    if step.footnote:
        items.append(_display(f"{step.id}.footnote", step.footnote))
    group: dict[str, Any] = {"linkId": step.id, "text": step.title, "type": "group", "item": items}
    constraints = [
        {
            "url": EXT_CONSTRAINT,
            "extension": [
                {"url": "key", "valueId": f"{step.id}-{n}"},
                {"url": "severity", "valueCode": "error"},
                {
                    "url": "expression",
                    "valueString": "item.where("
                    + " or ".join(f"linkId = {_fp_string(link_id)}" for link_id in rule.link_ids)
                    + ").answer.exists()",
                },
                {"url": "human", "valueString": rule.message},
            ],
        }
        for n, rule in enumerate(step.rules, start=1)
    ]
    if constraints:
        group = {"extension": constraints, **group}
    return group


def _scored_instruments(q: Questionnaire) -> list[Instrument]:
    return [i for i in INSTRUMENTS if all(q.has_item(link_id) for link_id in i.item_link_ids)]


def _score_link_id(instrument: Instrument) -> str:
    return f"score.{instrument.id}"


def _score_text(instrument: Instrument) -> str:
    return f"{instrument.name} total score"


def _score_code(q: Questionnaire, instrument: Instrument) -> dict[str, Any]:
    if instrument.id in SCORE_LOINC:
        code, display = SCORE_LOINC[instrument.id]
        return {"system": LOINC, "code": code, "display": display}
    return {"system": score_code_system(q), "code": instrument.id, "display": _score_text(instrument)}


def _score_item(q: Questionnaire, instrument: Instrument) -> dict[str, Any]:
    """A read-only integer the SDC form filler computes: empty until every item is answered."""
    variable = instrument.id
    in_list = " | ".join(_fp_string(link_id) for link_id in instrument.item_link_ids)
    answers = f"%resource.repeat(item).where(linkId in ({in_list})).answer.value"
    # Weight the answer codes by their ordinal; plain FHIRPath, no SDC-only functions.
    weights: dict[str, int] = {}
    for link_id in instrument.item_link_ids:
        item = q.item(link_id)
        for choice in item.choices:
            if choice.ordinal:
                weights[_coding(q, item, choice)["code"]] = choice.ordinal
    terms = " + ".join(
        (f"{w} * " if w != 1 else "") + f"%{variable}.where(code = {_fp_string(code)}).count()"
        for code, w in sorted(weights.items(), key=lambda kv: (kv[1], kv[0]))
    )
    total = f"iif(%{variable}.count() = {len(instrument.item_link_ids)}, {terms or '0'})"
    return {
        "extension": [
            _ext(EXT_VARIABLE, "valueExpression", _fhirpath_expression(answers, name=variable)),
            _ext(EXT_CALCULATED, "valueExpression", _fhirpath_expression(total)),
        ],
        "linkId": _score_link_id(instrument),
        "code": [_score_code(q, instrument)],
        "text": _score_text(instrument),
        "type": "integer",
        "readOnly": True,
    }


def questionnaire_resource(
    q: Questionnaire, *, date: date_type | datetime | str | None = None
) -> dict[str, Any]:
    """The questionnaire as a FHIR R4 `Questionnaire` (definition only, no health data).

    `date` is the publication date, if the caller knows one (the model has none).
    """
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": q.id,
        "language": "en",
        "url": q.url,
        "version": q.version,
        "name": _computable_name(q.id),
        "title": q.title,
        "status": "active",
        "subjectType": ["Patient"],
    }
    if isinstance(date, datetime):
        if date.tzinfo is None or date.utcoffset() is None:
            raise ValueError("date must be timezone-aware when it has a time")
        resource["date"] = date.isoformat(timespec="seconds")
    elif isinstance(date, date_type):
        resource["date"] = date.isoformat()
    elif date is not None:
        resource["date"] = str(date)
    items = [_step_group(q, step) for step in q.steps]
    instruments = _scored_instruments(q)
    if instruments:
        items.append(
            {
                # Clinicians only: patients never see scores.
                "extension": [_ext(EXT_HIDDEN, "valueBoolean", True)],
                "linkId": SCORES_GROUP,
                "text": "Scores",
                "type": "group",
                "item": [_score_item(q, instrument) for instrument in instruments],
            }
        )
    resource["item"] = items
    return resource


# --------------------------------------------------------------------------- QuestionnaireResponse


def _answer_values(q: Questionnaire, item: Item, value: Any) -> list[dict[str, Any]]:
    """The `answer` list of one item; empty when the value means "not answered"."""
    if value in (None, "", []):
        return []
    t = item.type
    if t is ItemType.SINGLE:
        return [{"valueCoding": _coding(q, item, _choice_for(item, value))}]
    if t is ItemType.MULTI:
        if not isinstance(value, list):
            raise ValueError(f"{item.link_id}: a multi-select answer must be a list, not {value!r}")
        if len(set(value)) != len(value):
            raise ValueError(f"{item.link_id}: a code is chosen twice in {value!r}")
        return [{"valueCoding": _coding(q, item, _choice_for(item, code))} for code in value]
    if t in (ItemType.BOOLEAN, ItemType.CONSENT):
        if not isinstance(value, bool):
            raise ValueError(f"{item.link_id}: expected true or false, not {value!r}")
        return [{"valueBoolean": value}]
    if t in (ItemType.INTEGER, ItemType.SCALE):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{item.link_id}: expected a whole number, not {value!r}")
        return [{"valueInteger": value}]
    if t is ItemType.DATE:
        if not isinstance(value, str) or not _DATE.fullmatch(value):
            raise ValueError(f"{item.link_id}: expected YYYY-MM-DD, not {value!r}")
        return [{"valueDate": value}]
    if t is ItemType.MONTH_YEAR:
        if not isinstance(value, str) or not _MONTH.fullmatch(value):
            raise ValueError(f"{item.link_id}: expected YYYY-MM, not {value!r}")
        return [{"valueDate": value}]
    if not isinstance(value, str):
        raise ValueError(f"{item.link_id}: expected text, not {value!r}")
    return [{"valueString": value}]


def questionnaire_response(
    q: Questionnaire,
    answers: Mapping[str, Any],
    *,
    status: ResponseStatus,
    authored: datetime,
    response_id: str,
    subject_display: str | None = None,
) -> dict[str, Any]:
    """One submission as a FHIR R4 `QuestionnaireResponse`.

    Answers to items that enableWhen turns off, to unknown items, and empty answers are
    left out (never sent as empty items); steps without answers are left out too. Scores
    are added only to a completed response, and only for instruments fully answered.
    Raises ValueError for a value that does not fit its item (e.g. an unknown code).
    """
    if status not in ("completed", "in-progress"):
        raise ValueError(f"status must be 'completed' or 'in-progress', not {status!r}")
    if authored.tzinfo is None or authored.utcoffset() is None:
        raise ValueError("authored must be timezone-aware")
    if not _ID.fullmatch(response_id):
        raise ValueError(f"{response_id!r} is not a valid FHIR id")

    kept = q.enabled_answers(answers)
    groups: list[dict[str, Any]] = []
    for step in q.steps:
        items = []
        for item in step.items:
            values = _answer_values(q, item, kept.get(item.link_id))
            if values:
                items.append({"linkId": item.link_id, "text": item.text, "answer": values})
        if items:
            groups.append({"linkId": step.id, "text": step.title, "item": items})

    if status == "completed":
        instruments = {i.id for i in _scored_instruments(q)}
        scores = [
            {
                "linkId": _score_link_id(s.instrument),
                "text": _score_text(s.instrument),
                "answer": [{"valueInteger": s.total}],
            }
            for s in score_all(kept)
            if s.instrument.id in instruments and s.complete and s.total is not None
        ]
        if scores:
            groups.append({"linkId": SCORES_GROUP, "text": "Scores", "item": scores})

    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": response_id,
        "questionnaire": f"{q.url}|{q.version}",
        "status": status,
    }
    if subject_display:
        resource["subject"] = {"display": subject_display}
    resource["authored"] = authored.isoformat(timespec="seconds")
    if groups:
        resource["item"] = groups
    return resource


def _walk_response_items(items: Iterable[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    for item in items:
        yield item
        yield from _walk_response_items(item.get("item") or [])
        for answer in item.get("answer") or []:
            yield from _walk_response_items(answer.get("item") or [])


def _value_from_answer(q: Questionnaire, item: Item, answer: Mapping[str, Any]) -> Any:
    expected = _VALUE_KEY[_FHIR_TYPE[item.type]]
    present = [key for key in answer if key.startswith("value")]
    if present != [expected]:
        raise ValueError(f"{item.link_id}: expected {expected}, got {present or 'no value'}")
    value = answer[expected]
    if expected == "valueCoding":
        return _choice_from_coding(q, item, value)
    if item.type is ItemType.MONTH_YEAR and isinstance(value, str) and _DATE.fullmatch(value):
        return value[:7]  # another system may send a full date; the app keeps the month
    return value


def answers_from_response(q: Questionnaire, resource: Mapping[str, Any]) -> dict[str, Any]:
    """The app's answer dict from a `QuestionnaireResponse` to this questionnaire.

    The inverse of `questionnaire_response`: calculated scores and unknown linkIds are
    ignored, LOINC answer codes become the app's "0".."3", and answers to items that
    enableWhen turns off are dropped. Raises ValueError for a response to another
    questionnaire or a value that does not fit its item.
    """
    if resource.get("resourceType") != "QuestionnaireResponse":
        raise ValueError("not a QuestionnaireResponse")
    canonical = str(resource.get("questionnaire") or "")
    if canonical.split("|", 1)[0] != q.url:
        raise ValueError(f"response is to {canonical!r}, not to {q.url}")
    answers: dict[str, Any] = {}
    for node in _walk_response_items(resource.get("item") or []):
        link_id = node.get("linkId")
        if not node.get("answer") or not isinstance(link_id, str) or not q.has_item(link_id):
            continue
        if link_id in answers:
            raise ValueError(f"{link_id}: answered twice")
        item = q.item(link_id)
        values = [_value_from_answer(q, item, answer) for answer in node["answer"]]
        if item.type is ItemType.MULTI:
            answers[link_id] = values
        elif len(values) == 1:
            answers[link_id] = values[0]
        else:
            raise ValueError(f"{link_id}: takes one answer, got {len(values)}")
    for link_id, value in answers.items():
        _answer_values(q, q.item(link_id), value)  # the same type checks as on the way out
    return q.enabled_answers(answers)


# --------------------------------------------------------------------------- Bundle, OperationOutcome


def bundle(
    entries: list[Mapping[str, Any]],
    *,
    type: BundleType,
    total: int | None = None,
    base_url: str | None = None,
    bundle_id: str | None = None,
    timestamp: datetime | None = None,
) -> dict[str, Any]:
    """A `Bundle` of resources (or of ready-made entries, dicts with a "resource" key).

    `fullUrl` is `{base_url}/{type}/{id}` when `base_url` is given (use it for the FHIR
    endpoint's searchset), else `urn:uuid:{id}` for UUID ids, else left out. A searchset
    gets `total` (default: the number of entries) and `search.mode = match`; `total` on a
    collection is an error (FHIR rule bdl-1).
    """
    if type not in ("collection", "searchset"):
        raise ValueError(f"bundle type must be 'collection' or 'searchset', not {type!r}")
    if total is not None and type != "searchset":
        raise ValueError("only a searchset bundle has a total")
    if timestamp is not None and (timestamp.tzinfo is None or timestamp.utcoffset() is None):
        raise ValueError("timestamp must be timezone-aware")
    out_entries = []
    for given in entries:
        entry = dict(given) if "resource" in given else {"resource": given}
        resource = entry["resource"]
        if "fullUrl" not in entry and resource.get("id"):
            if base_url:
                entry["fullUrl"] = f"{base_url.rstrip('/')}/{resource['resourceType']}/{resource['id']}"
            elif _UUID.fullmatch(str(resource["id"])):
                entry["fullUrl"] = f"urn:uuid:{str(resource['id']).lower()}"
        if type == "searchset":
            entry.setdefault("search", {"mode": "match"})
        ordered = {k: entry[k] for k in ("fullUrl", "resource", "search") if k in entry}
        ordered.update({k: v for k, v in entry.items() if k not in ordered})
        out_entries.append(ordered)
    out: dict[str, Any] = {"resourceType": "Bundle"}
    if bundle_id is not None:
        out["id"] = bundle_id
    out["type"] = type
    if timestamp is not None:
        out["timestamp"] = timestamp.isoformat(timespec="seconds")
    if type == "searchset":
        out["total"] = len(out_entries) if total is None else total
    if out_entries:
        out["entry"] = out_entries
    return out


def _escape_xhtml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def operation_outcome(severity: str, code: str, diagnostics: str) -> dict[str, Any]:
    """An `OperationOutcome` with one issue, e.g. ("error", "login", "Missing token")."""
    if severity not in ISSUE_SEVERITIES:
        raise ValueError(f"unknown issue severity {severity!r}")
    if code not in ISSUE_TYPES:
        raise ValueError(f"unknown issue type {code!r}")
    if not diagnostics:
        raise ValueError("diagnostics must not be empty")
    return {
        "resourceType": "OperationOutcome",
        "text": {
            "status": "generated",
            "div": f'<div xmlns="http://www.w3.org/1999/xhtml"><p>{_escape_xhtml(diagnostics)}</p></div>',
        },
        "issue": [{"severity": severity, "code": code, "diagnostics": diagnostics}],
    }


__all__ = [
    "answers_from_response",
    "bundle",
    "operation_outcome",
    "option_system",
    "questionnaire_resource",
    "questionnaire_response",
    "score_code_system",
]
