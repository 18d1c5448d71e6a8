"""Who filled the form in: the patient, a parent or guardian, or a carer or relative.

The welcome page asks; the About page asks again when the date of birth is under 18 and
the answer was "the patient" (twitching.py, AskWhenUnder), and that second answer wins.
Pure Python: no Flask.
"""

from __future__ import annotations

from typing import Any, Mapping

PATIENT, PARENT, CARER = "patient", "parent", "carer"
ASKED = "consent.respondent"
ASKED_AGAIN = "about.respondent_check"


def respondent(answers: Mapping[str, Any]) -> str:
    """The respondent's code; "patient" when neither question was answered (1.0.0 forms)."""
    for link_id in (ASKED_AGAIN, ASKED):
        if answers.get(link_id) in (PATIENT, PARENT, CARER):
            return answers[link_id]
    return PATIENT


def for_someone_else(answers: Mapping[str, Any]) -> bool:
    return respondent(answers) != PATIENT
