"""The FHIR and SDC extensions the Questionnaire uses, and small builders for them."""

from __future__ import annotations

from typing import Any

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


def extension(url: str, value_key: str, value: Any) -> dict[str, Any]:
    """A simple extension: `{"url": url, value_key: value}`."""
    return {"url": url, value_key: value}


def item_control(code: str) -> dict[str, Any]:
    """How a form filler should show an item ("radio-button", "help", ...)."""
    return extension(
        EXT_ITEM_CONTROL,
        "valueCodeableConcept",
        {"coding": [{"system": ITEM_CONTROL_SYSTEM, "code": code}]},
    )


def fhirpath_expression(expression: str, name: str | None = None) -> dict[str, Any]:
    """An Expression in FHIRPath, named when it defines a variable."""
    value: dict[str, Any] = {"language": "text/fhirpath", "expression": expression}
    if name:
        value["name"] = name
    return value


def constraint(key: str, expression: str, human: str) -> dict[str, Any]:
    """A questionnaire-constraint: an error the form shows (`human`) unless `expression` holds."""
    return {
        "url": EXT_CONSTRAINT,
        "extension": [
            {"url": "key", "valueId": key},
            {"url": "severity", "valueCode": "error"},
            {"url": "expression", "valueString": expression},
            {"url": "human", "valueString": human},
        ],
    }
