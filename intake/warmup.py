"""Work a server does once, before it forks its workers, instead of in each worker's
first requests: every questionnaire step page compiled, in every language.

A fresh worker (at start, and each time gunicorn recycles one) otherwise compiled
each step page and its Jinja templates in its first requests, which showed as p99
spikes under load. Forked workers share what the master compiled.
"""

from __future__ import annotations

from flask import Flask

from intake.i18n import LANGUAGES
from intake.questionnaire.drafts import REVIEW
from intake.questionnaire.twitching import QUESTIONNAIRE
from intake.step_page import SavedAnswers, render_step_page, step_page_cache


def compile_step_pages(app: Flask) -> int:
    """Compile each step page in each language, as reached in the form and from review.
    Touches no database. Returns how many pages the cache holds."""
    for language in LANGUAGES:
        for step in QUESTIONNAIRE.steps:
            for return_to in (None, REVIEW):
                with app.test_request_context(f"/step/{step.id}", headers={"Accept-Language": language}):
                    render_step_page(QUESTIONNAIRE, step, SavedAnswers(step, {}), return_to)
    with app.app_context():
        return len(step_page_cache())
