"""The questionnaire and its submissions in HL7 FHIR R4 (4.0.1), with the SDC conventions.

Pure Python: no Flask, WTForms or SQLAlchemy. Every function returns plain JSON-ready data
(dicts, lists, str, int, bool), so callers can `json.dumps` it as `application/fhir+json`.

    questionnaire_resource(q)               the form definition, a `Questionnaire`
    published_at(q, canonical_base)         q under its canonical URL {base}/Questionnaire/{id}
    questionnaire_response(q, answers, ...) one submission, a `QuestionnaireResponse`
    answers_from_response(q, resource)      the inverse: back to the app's answer dict
    bundle(resources, type=...)             a `Bundle` (collection or searchset)
    operation_outcome(severity, code, msg)  an `OperationOutcome`, for errors

One module per job:

    terminology    code systems, LOINC tables, choice <-> Coding
    extensions     the FHIR and SDC extension URLs and their builders
    fhirpath       FHIRPath literals and paths the expressions are made of
    enable_when    enableWhen, and the SDC expressions for `choices_from`
    items          step groups and question items of the Questionnaire
    scores         calculated score items, and the scores of a completed response
    questionnaire  the `Questionnaire` resource, and its canonical URL
    instants       instants and dateTimes in UTC, written with Z
    values         one item's value <-> its FHIR answers, with the type checks
    response       the `QuestionnaireResponse` of a submission
    reverse        a `QuestionnaireResponse` back to the app's answers
    bundles        `Bundle`
    outcome        `OperationOutcome`

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

from intake.questionnaire.fhir.bundles import BundleType, bundle
from intake.questionnaire.fhir.extensions import (
    EXT,
    EXT_CALCULATED,
    EXT_CONSTRAINT,
    EXT_ENABLE_WHEN_EXPRESSION,
    EXT_ENTRY_FORMAT,
    EXT_HIDDEN,
    EXT_ITEM_CONTROL,
    EXT_MAX_VALUE,
    EXT_MIN_VALUE,
    EXT_OPTION_EXCLUSIVE,
    EXT_OPTIONS_TOGGLE,
    EXT_ORDINAL_VALUE,
    EXT_REGEX,
    EXT_VARIABLE,
    ITEM_CONTROL_SYSTEM,
    SDC,
)
from intake.questionnaire.fhir.instants import instant
from intake.questionnaire.fhir.items import EMAIL_REGEX, PHONE_REGEX
from intake.questionnaire.fhir.outcome import ISSUE_SEVERITIES, ISSUE_TYPES, operation_outcome
from intake.questionnaire.fhir.questionnaire import canonical_url, published_at, questionnaire_resource
from intake.questionnaire.fhir.response import ResponseStatus, questionnaire_response
from intake.questionnaire.fhir.reverse import answers_from_response
from intake.questionnaire.fhir.terminology import (
    FHIR_VERSION,
    LOINC,
    LOINC_FREQUENCY_ANSWERS,
    SCORE_LOINC,
    SCORES_GROUP,
    option_system,
    score_code_system,
)

__all__ = [
    "answers_from_response",
    "bundle",
    "canonical_url",
    "instant",
    "operation_outcome",
    "published_at",
    "option_system",
    "questionnaire_resource",
    "questionnaire_response",
    "score_code_system",
    # Constants and types, for callers and tests that look inside the resources.
    "BundleType",
    "EMAIL_REGEX",
    "EXT",
    "EXT_CALCULATED",
    "EXT_CONSTRAINT",
    "EXT_ENABLE_WHEN_EXPRESSION",
    "EXT_ENTRY_FORMAT",
    "EXT_HIDDEN",
    "EXT_ITEM_CONTROL",
    "EXT_MAX_VALUE",
    "EXT_MIN_VALUE",
    "EXT_OPTION_EXCLUSIVE",
    "EXT_OPTIONS_TOGGLE",
    "EXT_ORDINAL_VALUE",
    "EXT_REGEX",
    "EXT_VARIABLE",
    "FHIR_VERSION",
    "ISSUE_SEVERITIES",
    "ISSUE_TYPES",
    "ITEM_CONTROL_SYSTEM",
    "LOINC",
    "LOINC_FREQUENCY_ANSWERS",
    "PHONE_REGEX",
    "ResponseStatus",
    "SCORE_LOINC",
    "SCORES_GROUP",
    "SDC",
]
