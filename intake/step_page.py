"""A questionnaire step page: compiled once per step and language, filled per request.

`templates/patient/step.html` and the `question` macro write everything that changes
between requests through `live` (a `StepHoles`): each call leaves a hole in the compiled
page and says how to fill it from a `StepRequest`. Nothing else in the template may
depend on the request, the session or the answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Mapping

from flask import current_app, get_flashed_messages, get_template_attribute, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from intake.compiled_pages import Holes, PageCache
from intake.csrf_tokens import csrf_token
from intake.forms import StepForm, to_field_data
from intake.i18n import current_path
from intake.questionnaire.schema import Questionnaire, Step

CACHE_KEY = "compiled_step_pages"
_MONTH = re.compile(r"\d{4}-\d{2}")


@dataclass
class StepRequest:
    """What one request fills into a compiled step page."""

    form: StepForm | SavedAnswers
    csrf_token: str
    path: str
    notices: list[str] = field(default_factory=list)

    def field(self, link_id: str):
        return self.form[link_id]


class StepHoles:
    """The template's `live`: each method returns a marker and registers how to fill it."""

    def __init__(self, holes: Holes) -> None:
        self._hole = holes

    # --- the page ---------------------------------------------------------------------
    def csrf_token(self) -> Markup:
        return self._hole(lambda r: escape(r.csrf_token))

    def current_path(self) -> Markup:
        return self._hole(lambda r: escape(r.path))

    def notices(self) -> Markup:
        return self._hole(_notices)

    def title_prefix(self) -> Markup:
        return self._hole(lambda r: escape(_("Error:")) + " " if _has_errors(r.form) else "")

    def error_summary(self, items) -> Markup:
        return self._hole(lambda r: _error_summary(r.form, items) if _has_errors(r.form) else "")

    # --- one question -----------------------------------------------------------------
    def value(self, link_id: str) -> Markup:
        return self._hole(lambda r: escape(r.field(link_id)._value()))

    def checked(self, link_id: str, code: Any) -> Markup:
        return self._hole(lambda r: " checked" if _is_chosen(r.field(link_id), code) else "")

    def month_selected(self, link_id: str, number: int) -> Markup:
        return self._hole(lambda r: " selected" if _month_is(r.field(link_id), number) else "")

    def year(self, link_id: str) -> Markup:
        return self._hole(lambda r: escape(r.field(link_id).year))

    def error_class(self, link_id: str) -> Markup:
        return self._hole(lambda r: " has-error" if r.field(link_id).errors else "")

    def described_by(self, link_id: str, hint_id: str, error_id: str) -> Markup:
        """` aria-describedby="..."` naming the hint (if any) and the error (when shown)."""

        def fill(r: StepRequest) -> str:
            ids = [hint_id] if hint_id else []
            if r.field(link_id).errors:
                ids.append(error_id)
            return f' aria-describedby="{escape(" ".join(ids))}"' if ids else ""

        return self._hole(fill)

    def error_message(self, link_id: str, error_id: str) -> Markup:
        return self._hole(lambda r: _error_message(r.field(link_id), error_id))


class SavedAnswers:
    """A step's saved answers, shown as its form would show them, for a GET: there is
    nothing to parse or check, so no form needs building. Fills the same holes."""

    errors: dict = {}
    form_errors: list = []

    def __init__(self, step: Step, answers: Mapping[str, Any]) -> None:
        self._fields = {
            item.link_id: _SavedField(to_field_data(item, answers.get(item.link_id))) for item in step.items
        }

    def __getitem__(self, link_id: str) -> "_SavedField":
        return self._fields[link_id]


class _SavedField:
    errors: tuple = ()

    def __init__(self, data: Any) -> None:
        self.data = data
        # Month-year answers are kept as "YYYY-MM"; the page shows them in two boxes.
        self.year, self.month = (
            data.split("-") if isinstance(data, str) and _MONTH.fullmatch(data) else ("", "")
        )

    def _value(self) -> str:
        if self.data is None:
            return ""
        return self.data.isoformat() if isinstance(self.data, date) else str(self.data)


def _has_errors(form: StepForm) -> bool:
    return bool(form.errors or form.form_errors)


def _is_chosen(wtforms_field, code: Any) -> bool:
    data = wtforms_field.data
    if isinstance(data, (list, tuple, set)):
        return str(code) in {str(value) for value in data}
    if isinstance(data, bool):  # the consent box
        return data
    return data is not None and str(code) == str(data)


def _month_is(wtforms_field, number: int) -> bool:
    month = str(wtforms_field.month)
    return month == str(number) or month == f"{number:02d}"


def _notices(r: StepRequest) -> str:
    return str(get_template_attribute("macros/page.html", "notices")(r.notices)) if r.notices else ""


def _error_message(wtforms_field, error_id: str) -> str:
    if not wtforms_field.errors:
        return ""
    return str(get_template_attribute("macros/forms.html", "errors")(wtforms_field, error_id))


def _error_summary(form: StepForm, items) -> str:
    return str(get_template_attribute("macros/forms.html", "error_summary")(form, items))


def render_step_page(
    questionnaire: Questionnaire, step: Step, form: StepForm | SavedAnswers, return_to: str | None
) -> str:
    """The step page for this request: compiled on first use, then only filled."""
    locale = str(get_locale())
    key = (questionnaire.version, step.id, locale, return_to, request.script_root)

    def compile_with(holes: Holes) -> str:
        live = StepHoles(holes)
        html = render_template(
            "patient/step.html",
            step=step,
            live=live,
            questionnaire=questionnaire,
            number=questionnaire.step_index(step.id) + 1,
            total=len(questionnaire.steps),
            return_to=return_to,
            # base.html's language switch asks for these; on this page they are holes.
            csrf_token=live.csrf_token,
            current_path=live.current_path,
        )
        if generate_csrf() in html:  # a template took the real token: it would go to everyone
            raise RuntimeError("a compiled step page must take its CSRF token from `live`")
        return html

    page = step_page_cache().get(key, compile_with)
    return page.render(StepRequest(form, csrf_token(), current_path(), get_flashed_messages()))


def step_page_cache() -> PageCache:
    app = current_app
    if CACHE_KEY not in app.extensions:
        app.extensions[CACHE_KEY] = PageCache(enabled=not app.jinja_env.auto_reload)
    return app.extensions[CACHE_KEY]
