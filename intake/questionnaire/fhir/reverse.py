"""Back from a `QuestionnaireResponse` to the app's answer dict (the inverse of response.py)."""

from __future__ import annotations

from typing import Any, Iterable, Iterator, Mapping

from intake.questionnaire.fhir.values import answer_values, value_from_answer
from intake.questionnaire.schema import ItemType, Questionnaire


def answers_from_response(q: Questionnaire, resource: Mapping[str, Any]) -> dict[str, Any]:
    """The app's answer dict from a `QuestionnaireResponse` to this questionnaire.

    The inverse of `questionnaire_response`: calculated scores and unknown linkIds are
    ignored, LOINC answer codes become the app's "0".."3", and answers to items that
    enableWhen turns off are dropped. Raises ValueError for a response to another
    questionnaire or a value that does not fit its item.
    """
    _check_is_response_to(q, resource)
    answers = _answers_by_link_id(q, resource.get("item") or [])
    for link_id, value in answers.items():
        answer_values(q, q.item(link_id), value)  # the same type checks as on the way out
    return q.enabled_answers(answers)


def _check_is_response_to(q: Questionnaire, resource: Mapping[str, Any]) -> None:
    if resource.get("resourceType") != "QuestionnaireResponse":
        raise ValueError("not a QuestionnaireResponse")
    canonical = str(resource.get("questionnaire") or "")
    if canonical.split("|", 1)[0] != q.url:
        raise ValueError(f"response is to {canonical!r}, not to {q.url}")


def _answers_by_link_id(q: Questionnaire, items: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """linkId -> value for every answered item of this questionnaire, at any depth."""
    answers: dict[str, Any] = {}
    for node in _walk(items):
        link_id = node.get("linkId")
        if not node.get("answer") or not isinstance(link_id, str) or not q.has_item(link_id):
            continue
        if link_id in answers:
            raise ValueError(f"{link_id}: answered twice")
        answers[link_id] = _value_of(q, link_id, node["answer"])
    return answers


def _value_of(q: Questionnaire, link_id: str, given: list[Mapping[str, Any]]) -> Any:
    item = q.item(link_id)
    values = [value_from_answer(q, item, answer) for answer in given]
    if item.type is ItemType.MULTI:
        return values
    if len(values) == 1:
        return values[0]
    raise ValueError(f"{link_id}: takes one answer, got {len(values)}")


def _walk(items: Iterable[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    """Every item, then its children and the items nested in its answers, depth first."""
    for item in items:
        yield item
        yield from _walk(item.get("item") or [])
        for answer in item.get("answer") or []:
            yield from _walk(answer.get("item") or [])
