"""Codes: which code system says what, and how an item's choices become FHIR Codings.

Choice codes are only unique within an item ("none" and "other" mean different things in
different items), so each choice item gets its own code system. The GAD-7 and PHQ items
use LOINC instead (the answer list LL358-3), and the app's codes "0".."3" map to it.
"""

from __future__ import annotations

from typing import Any, Mapping

from intake.questionnaire.schema import Choice, Item, Questionnaire

FHIR_VERSION = "4.0.1"
LOINC = "http://loinc.org"

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

# The linkId of the hidden group of calculated scores (and the name of their code system).
SCORES_GROUP = "scores"


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


def uses_loinc_answers(item: Item) -> bool:
    """True for a LOINC-coded instrument item whose options are exactly the LOINC answers."""
    return (
        item.code is not None
        and item.code.system == LOINC
        and bool(item.choices)
        and all(
            c.ordinal in LOINC_FREQUENCY_ANSWERS and LOINC_FREQUENCY_ANSWERS[c.ordinal][1] == c.display
            for c in item.choices
        )
    )


def choice_coding(q: Questionnaire, item: Item, choice: Choice) -> dict[str, Any]:
    """The FHIR Coding of one option (LOINC for the instrument items)."""
    if uses_loinc_answers(item):
        code, display = LOINC_FREQUENCY_ANSWERS[choice.ordinal]  # type: ignore[index]
        return {"system": LOINC, "code": code, "display": display}
    return {"system": option_system(q, item.link_id), "code": choice.code, "display": choice.display}


def choice_for_code(item: Item, code: Any) -> Choice:
    """The item's option with this app code; ValueError if it has none."""
    choice = item.choice(code) if isinstance(code, str) else None
    if choice is None:
        raise ValueError(f"{item.link_id}: {code!r} is not one of its choice codes")
    return choice


def code_from_coding(q: Questionnaire, item: Item, coding: Mapping[str, Any]) -> str:
    """The app code of the option a Coding names (the inverse of `choice_coding`)."""
    for choice in item.choices:
        own = choice_coding(q, item, choice)
        if coding.get("system") == own["system"] and coding.get("code") == own["code"]:
            return choice.code
    raise ValueError(
        f"{item.link_id}: coding {coding.get('system')}|{coding.get('code')} is not one of its options"
    )
