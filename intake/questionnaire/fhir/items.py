"""The Questionnaire's items: one `group` per step, one item per question.

The step intro and footnote are `display` items inside its group; an item's help text and
the labels of a scale's ends are child `display` items with an itemControl.
"""

from __future__ import annotations

from typing import Any

from intake.questionnaire.fhir import attachments
from intake.questionnaire.fhir.enable_when import choices_from_extensions, enable_when
from intake.questionnaire.fhir.extensions import (
    EXT_ENTRY_FORMAT,
    EXT_MAX_VALUE,
    EXT_MIN_VALUE,
    EXT_OPTION_EXCLUSIVE,
    EXT_ORDINAL_VALUE,
    EXT_REGEX,
    constraint,
    extension,
    item_control,
)
from intake.questionnaire.fhir.fhirpath import string_literal
from intake.questionnaire.fhir.terminology import choice_coding
from intake.questionnaire.fhir.values import FHIR_TYPE
from intake.questionnaire.schema import CHOICE_TYPES, AtLeastOne, Choice, Item, ItemType, Questionnaire, Step

# The same pattern the phone field of the form accepts (intake/forms.py; a test keeps them equal).
PHONE_REGEX = r"\+?[0-9 ()\-.]{7,30}"
# Deliberately loose: the form's email validator is the real check; this only catches typos.
EMAIL_REGEX = r"[^@\s]+@[^@\s]+\.[^@\s]+"

# What a typed item asks for: its check (regex) and the hint shown in the empty field.
_FORMATS: dict[ItemType, tuple[str | None, str]] = {
    ItemType.EMAIL: (EMAIL_REGEX, "name@example.com"),
    ItemType.PHONE: (PHONE_REGEX, "(212) 555-0123"),
    # A FHIR date may be partial ("2024-03"); the hint asks for exactly that precision.
    ItemType.MONTH_YEAR: (None, "YYYY-MM"),
}
_CONTROLS = {ItemType.SINGLE: "radio-button", ItemType.MULTI: "check-box"}


def display_item(link_id: str, text: str, control: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"linkId": link_id, "text": text, "type": "display"}
    if control:
        item["extension"] = [item_control(control)]
    return item


def step_group(q: Questionnaire, step: Step) -> dict[str, Any]:
    """One step as a `group`, its "at least one of" rules as constraints."""
    items: list[dict[str, Any]] = []
    if step.intro:
        items.append(display_item(f"{step.id}.intro", step.intro))
    items.extend(question_item(q, item) for item in step.items)
    if step.id == attachments.STEP_ID:
        items.extend(attachments.attachment_items())
    if step.footnote:
        items.append(display_item(f"{step.id}.footnote", step.footnote))
    group: dict[str, Any] = {"linkId": step.id, "text": step.title, "type": "group", "item": items}
    constraints = [
        constraint(f"{step.id}-{n}", _any_answered(rule.link_ids), rule.message)
        for n, rule in enumerate(step.rules, start=1)
        # The age check needs today's date: the form asks it; a FHIR filler gets the question.
        if isinstance(rule, AtLeastOne)
    ]
    if constraints:
        group = {"extension": constraints, **group}
    return group


def _any_answered(link_ids: tuple[str, ...]) -> str:
    """FHIRPath, in the step's group: at least one of these items has an answer."""
    matches = " or ".join(f"linkId = {string_literal(link_id)}" for link_id in link_ids)
    return f"item.where({matches}).answer.exists()"


def question_item(q: Questionnaire, item: Item) -> dict[str, Any]:
    """One question, with what a form filler needs to ask and check it."""
    out: dict[str, Any] = {"linkId": item.link_id, "text": item.text, "type": FHIR_TYPE[item.type]}
    if item.code is not None:
        # No display: Coding.display must be the code system's own wording, and the item
        # text (the instrument's official wording) is not always LOINC's display name.
        out["code"] = [{"system": item.code.system, "code": item.code.code}]
    extensions = _question_extensions(q, item)
    if extensions:
        out = {"extension": extensions, **out}
    out.update(_answer_rules(q, item))
    children = _child_displays(item)
    if children:
        out["item"] = children
    return out


def _question_extensions(q: Questionnaire, item: Item) -> list[dict[str, Any]]:
    """How to show the item, its bounds and formats, and the SDC rules it carries, in order."""
    extensions: list[dict[str, Any]] = []
    if item.type in _CONTROLS:
        extensions.append(item_control(_CONTROLS[item.type]))
    if item.type in (ItemType.INTEGER, ItemType.SCALE):
        extensions.extend(_bounds(item))
    if item.type in _FORMATS:
        regex, hint = _FORMATS[item.type]
        if regex:
            extensions.append(extension(EXT_REGEX, "valueString", regex))
        extensions.append(extension(EXT_ENTRY_FORMAT, "valueString", hint))
    if item.type is ItemType.CONSENT:
        human = "This box must be ticked to go on."
        extensions.append(constraint(f"{item.link_id}-ticked", "answer.value = true", human))
    if item.choices_from:
        extensions.extend(choices_from_extensions(q, item))
    return extensions


def _bounds(item: Item) -> list[dict[str, Any]]:
    bounds = []
    if item.min_value is not None:
        bounds.append(extension(EXT_MIN_VALUE, "valueInteger", item.min_value))
    if item.max_value is not None:
        bounds.append(extension(EXT_MAX_VALUE, "valueInteger", item.max_value))
    return bounds


def _answer_rules(q: Questionnaire, item: Item) -> dict[str, Any]:
    """required, repeats, maxLength, enableWhen and the options, in FHIR's element order."""
    rules: dict[str, Any] = {}
    if item.required or item.type is ItemType.CONSENT:
        rules["required"] = True
    if item.type is ItemType.MULTI:
        rules["repeats"] = True
    if item.max_length is not None and FHIR_TYPE[item.type] in ("string", "text"):
        rules["maxLength"] = item.max_length
    if item.enable_when and not item.choices_from:
        rules["enableWhen"] = [enable_when(q, c) for c in item.enable_when]
        if len(item.enable_when) > 1:
            rules["enableBehavior"] = item.enable_behavior
    if item.type in CHOICE_TYPES:
        rules["answerOption"] = [_answer_option(q, item, c) for c in item.choices]
    return rules


def _answer_option(q: Questionnaire, item: Item, choice: Choice) -> dict[str, Any]:
    coding = choice_coding(q, item, choice)
    option_extensions: list[dict[str, Any]] = []
    if choice.ordinal is not None:
        # R4's ordinalValue may sit on the Coding or on the answerOption, and readers differ:
        # LOINC's own forms and FHIRPath's ordinal() read the Coding's; LHC-Forms (40.x, R4)
        # scores only from answerOption.extension. So both carry it, with the same value.
        ordinal = extension(EXT_ORDINAL_VALUE, "valueDecimal", choice.ordinal)
        coding = {"extension": [ordinal], **coding}
        option_extensions.append(ordinal)
    if choice.exclusive:
        option_extensions.append(extension(EXT_OPTION_EXCLUSIVE, "valueBoolean", True))
    option: dict[str, Any] = {"valueCoding": coding}
    if option_extensions:
        option = {"extension": option_extensions, **option}
    return option


def _child_displays(item: Item) -> list[dict[str, Any]]:
    children = []
    if item.time_frame:
        # A plain display child: renderers show it with the question, as the form does.
        children.append(display_item(f"{item.link_id}.time-frame", item.time_frame))
    if item.help:
        children.append(display_item(f"{item.link_id}.help", item.help, "help"))
    if item.min_label:
        children.append(display_item(f"{item.link_id}.lower", item.min_label, "lower"))
    if item.max_label:
        children.append(display_item(f"{item.link_id}.upper", item.max_label, "upper"))
    return children
