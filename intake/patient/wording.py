"""Questions worded for whoever fills the form in ("your child", "the person you care
for"): the templates call `ask(text)` where they would call `_(text)`.

The draft's respondent is set once per request with `speak_to(answers)`; a page that never
sets it (the clinician's, an error page) reads the patient's wording.
"""

from __future__ import annotations

from typing import Any, Mapping

from flask import g
from flask_babel import gettext
from markupsafe import Markup

from intake.questionnaire.respondent import PATIENT, respondent
from intake.questionnaire.wording import worded


def speak_to(answers: Mapping[str, Any]) -> str:
    """Word this request's questions for the draft's respondent; that respondent's code."""
    g.respondent = respondent(answers)
    return g.respondent


def ask(text: str, **values: Any) -> Markup:
    """`text` worded for this request's respondent, in the patient's language, with
    `values` put in its placeholders (escaped: Markup's % escapes them, as Jinja's `_`
    does). Markup, as `_` returns: the questionnaire's texts and their translations are ours."""
    wording = Markup(gettext(worded(text, g.get("respondent", PATIENT))))  # nosec B704 # our own texts
    return wording % values if values else wording
