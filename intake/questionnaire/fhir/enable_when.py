"""When an item is asked: R4 `enableWhen`, and the SDC expressions for `choices_from`.

"Offer only the places chosen, and only when two or more were chosen" (`choices_from`)
has no pure-R4 form: it is said with the SDC `enableWhenExpression` and
`answerOptionsToggleExpression` extensions. SDC allows no `enableWhen` beside an
`enableWhenExpression`, so that item has the expression only.
"""

from __future__ import annotations

from typing import Any

from intake.questionnaire.fhir.extensions import (
    EXT_ENABLE_WHEN_EXPRESSION,
    EXT_OPTIONS_TOGGLE,
    extension,
    fhirpath_expression,
)
from intake.questionnaire.fhir.fhirpath import answers_to, string_literal
from intake.questionnaire.fhir.terminology import choice_coding, choice_for_code
from intake.questionnaire.schema import CHOICE_TYPES, EnableWhen, Item, ItemType, Operator, Questionnaire


def enable_when(q: Questionnaire, condition: EnableWhen) -> dict[str, Any]:
    """One app condition as an R4 `enableWhen` element."""
    if not q.has_item(condition.question):
        raise ValueError(f"enableWhen refers to unknown item {condition.question!r}")
    out: dict[str, Any] = {"question": condition.question}
    if condition.operator is Operator.EXISTS:
        out.update(operator="exists", answerBoolean=bool(condition.answer))
        return out
    out["operator"] = "=" if condition.operator is Operator.EQUALS else "!="
    out.update(_answer_compared(q, q.item(condition.question), condition.answer))
    return out


def _answer_compared(q: Questionnaire, source: Item, answer: Any) -> dict[str, Any]:
    """The `answer[x]` of an enableWhen, typed like the item it looks at."""
    if source.type in CHOICE_TYPES:
        coding = choice_coding(q, source, choice_for_code(source, answer))
        return {"answerCoding": {"system": coding["system"], "code": coding["code"]}}
    if source.type in (ItemType.BOOLEAN, ItemType.CONSENT):
        return {"answerBoolean": bool(answer)}
    if source.type in (ItemType.INTEGER, ItemType.SCALE):
        return {"answerInteger": int(answer)}
    if source.type in (ItemType.DATE, ItemType.MONTH_YEAR):
        return {"answerDate": str(answer)}
    return {"answerString": str(answer)}


def condition_fhirpath(q: Questionnaire, condition: EnableWhen) -> str:
    """One app condition as FHIRPath over the response (same meaning as `EnableWhen.holds`)."""
    answers = answers_to(condition.question)
    if condition.operator is Operator.EXISTS:
        return f"{answers}.exists()" if condition.answer else f"{answers}.exists().not()"
    source = q.item(condition.question)
    if source.type in CHOICE_TYPES:
        code = choice_coding(q, source, choice_for_code(source, condition.answer))["code"]
        matched = f"({answers}.value.code contains {string_literal(code)})"
    elif isinstance(condition.answer, bool):
        matched = f"({answers}.value contains {str(condition.answer).lower()})"
    else:
        matched = f"({answers}.value contains {string_literal(str(condition.answer))})"
    return matched if condition.operator is Operator.EQUALS else f"{matched}.not()"


def choices_from_extensions(q: Questionnaire, item: Item) -> list[dict[str, Any]]:
    """The SDC extensions that say a `choices_from` item: when it is asked, which options."""
    enabling = fhirpath_expression(_enable_when_expression(q, item))
    return [extension(EXT_ENABLE_WHEN_EXPRESSION, "valueExpression", enabling), *_options_toggles(q, item)]


def _enable_when_expression(q: Questionnaire, item: Item) -> str:
    """The whole enabling rule of a `choices_from` item as one FHIRPath expression."""
    parts = [f"{answers_to(item.choices_from)}.count() >= 2"]  # type: ignore[arg-type]
    if item.enable_when:
        joiner = " and " if item.enable_behavior == "all" else " or "
        conditions = [condition_fhirpath(q, c) for c in item.enable_when]
        parts.append(
            conditions[0] if len(conditions) == 1 else "(" + joiner.join(f"({c})" for c in conditions) + ")"
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
        upstream_code = choice_coding(q, source, upstream)["code"]
        expression = f"{answers_to(source.link_id)}.value.code contains {string_literal(upstream_code)}"
        toggles.append(
            {
                "url": EXT_OPTIONS_TOGGLE,
                "extension": [
                    {"url": "option", "valueCoding": choice_coding(q, item, choice)},
                    {"url": "expression", "valueExpression": fhirpath_expression(expression)},
                ],
            }
        )
    return toggles
