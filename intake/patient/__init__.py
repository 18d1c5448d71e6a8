"""The patient's side, blueprint "patient": welcome, one page per step, review, submit,
confirmation, stop and resume, the safety pages.

- views.py        the routes: parse, check, call one use-case, commit, redirect or render
- safety_pages.py the emergency and urgent pages a safety answer leads to
- submissions.py  use-cases on a draft: start, read, save a page, resume, submit once
- forms.py        the step forms, built from the questionnaire's data
- step_page.py    a step page compiled once per step and language, filled per request
- refusals.py     the blueprint's error handlers: a refused post keeps what was typed
- wording.py      `ask(text)`: each question worded for the person filling the form in
- media_pages.py  the photos page's own part: files shown, posted whole, removed, problems
- media_views.py  resumable uploads (tus), the patient's own previews

May import: intake.questionnaire, intake.media, intake.storage, intake.security and the shared
top-level modules; never intake.clinic or intake.fhir.
"""

# Each attaches its routes or error handlers to the one blueprint.
from intake.patient import media_views, refusals, safety_pages  # noqa: F401
from intake.patient.views import bp

__all__ = ["bp"]
