"""A questionnaire step page: compiled once per step and language, filled per request.

Most of a step page never changes between patients (texts, hints, options, the layout),
and rendering it through the Jinja macros on every request was most of a step GET's
time. So `templates/patient/step.html` and the `question` macro write everything that
changes between requests through `live` (a `StepHoles`): each call leaves a marker in
the page, compiled once per key (step, language, ...), and says how to fill it from a
`StepRequest`. Nothing else in the template may depend on the request, the session or
the answers. A GET fills the page from the saved answers (`SavedAnswers`) without
building the WTForms form. gunicorn's master compiles every page before it forks
(`compile_step_pages`, called from gunicorn.conf.py), so a fresh worker starts warm.

What it buys, measured in the same run: bench/HISTORY.md ("compiled step pages").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Hashable, Mapping

from flask import Flask, current_app, get_flashed_messages, get_template_attribute, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from intake.i18n import LANGUAGES, current_path
from intake.patient.forms import StepForm, to_answer, to_field_data
from intake.patient.wording import speak_to
from intake.questionnaire.drafts import REVIEW
from intake.questionnaire.schema import Item, Questionnaire, Step
from intake.questionnaire.twitching import QUESTIONNAIRE

# --- pages compiled once, with holes -------------------------------------------------------

Fill = Callable[[Any], str]

# Private-use characters: neither the app's texts nor its translations contain them, and
# what a patient types only ever goes into a hole, never into the compiled text.
_OPEN, _CLOSE = "\ue000", "\ue001"
_MARKER = re.compile(f"{_OPEN}(\\d+){_CLOSE}")


class Holes:
    """Hands out markers while a page is compiled and remembers each one's fill."""

    def __init__(self) -> None:
        self.fills: list[Fill] = []

    def __call__(self, fill: Fill) -> Markup:
        self.fills.append(fill)
        # Two private-use characters around a number: nothing from a request is in it.
        return Markup(f"{_OPEN}{len(self.fills) - 1}{_CLOSE}")  # nosec B704 # constant text only


@dataclass(frozen=True)
class CompiledPage:
    """Fixed texts with a fill between each two; rendering joins them for one request."""

    texts: tuple[str, ...]  # one more than fills
    fills: tuple[Fill, ...]

    def render(self, state: Any) -> str:
        out = [self.texts[0]]
        for fill, text in zip(self.fills, self.texts[1:], strict=True):
            out.append(fill(state))
            out.append(text)
        return "".join(out)


def compile_page(render: Callable[[Holes], str]) -> CompiledPage:
    """Run `render` once with a fresh `Holes` and split its output at the markers."""
    holes = Holes()
    # re.split with one group alternates: text, marker number, text, ... ending with text.
    pieces = _MARKER.split(render(holes))
    return CompiledPage(tuple(pieces[0::2]), tuple(holes.fills[int(n)] for n in pieces[1::2]))


class PageCache:
    """Compiled pages by key. With `enabled` off (templates reloading in development),
    every request compiles afresh so an edited template shows at once."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._pages: dict[Hashable, CompiledPage] = {}

    def get(self, key: Hashable, render: Callable[[Holes], str]) -> CompiledPage:
        if not self.enabled:
            return compile_page(render)
        page = self._pages.get(key)
        if page is None:
            # Two requests racing here both compile; the results are equal, either is kept.
            page = self._pages[key] = compile_page(render)
        return page

    def __len__(self) -> int:
        return len(self._pages)


# --- the step page's holes -------------------------------------------------------------

CACHE_KEY = "compiled_step_pages"
_MONTH = re.compile(r"\d{4}-\d{2}")


@dataclass
class StepRequest:
    """What one request fills into a compiled step page."""

    form: StepForm | SavedAnswers
    csrf_token: str
    path: str
    notices: list[str] = field(default_factory=list)
    answers: Mapping[str, Any] = field(default_factory=dict)  # the draft's, every page
    media: Any = None  # the photos page's MediaPanel (patient/media_pages.py)
    _elsewhere: tuple[frozenset[str], Mapping[str, Any]] | None = field(default=None, repr=False)
    _now: Mapping[str, Any] | None = field(default=None, repr=False)

    def field(self, link_id: str):
        return self.form[link_id]

    def answered_elsewhere(self, step: Step) -> tuple[frozenset[str], Mapping[str, Any]]:
        """The questions the page itself can answer now, and the answers every other
        condition reads: the other pages', plus those of rule-asked questions not shown
        (they cannot be answered on the page). Worked out once per request."""
        if self._elsewhere is None:
            unasked = {
                i.link_id for i in step.items if i.asked_by_rule and not _is_asked(self.field(i.link_id))
            }
            live = frozenset(i.link_id for i in step.items) - unasked
            known = {**self.answers, **{link_id: self.field(link_id).data for link_id in unasked}}
            self._elsewhere = (live, known)
        return self._elsewhere

    def answers_now(self, step: Step) -> Mapping[str, Any]:
        """Every answer as this page stands: the other pages', then this page's fields."""
        if self._now is None:
            _live, known = self.answered_elsewhere(step)
            own = {item.link_id: to_answer(item, self.field(item.link_id).data) for item in step.items}
            self._now = {**known, **{k: v for k, v in own.items() if v is not None}}
        return self._now


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
        return self._hole(
            lambda r: escape(_("Error:")) + " " if _has_errors(r.form) or _media_errors(r) else ""
        )

    def error_summary(self, items) -> Markup:
        return self._hole(lambda r: _error_summary(r.form, items) if _has_errors(r.form) else "")

    # --- one question -----------------------------------------------------------------
    def value(self, link_id: str) -> Markup:
        return self._hole(lambda r: escape(r.field(link_id)._value()))

    def checked(self, link_id: str, code: Any) -> Markup:
        return self._hole(lambda r: " checked" if _is_chosen(r.field(link_id), code) else "")

    def month_selected(self, link_id: str, number: int) -> Markup:
        return self._hole(lambda r: " selected" if _month_is(r.field(link_id), number) else "")

    def part(self, link_id: str, part: str) -> Markup:
        """A date's or a month-year's box ("day", "month", "year"), as typed or stored."""
        return self._hole(lambda r: escape(getattr(r.field(link_id), part)))

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

    def media_panel(self) -> Markup:
        """The photos page's files and uploads: drawn per request, as they change."""
        return self._hole(lambda r: _media_macro("media_panel", r))

    def media_errors(self) -> Markup:
        return self._hole(lambda r: _media_macro("media_error_summary", r) if _media_errors(r) else "")

    def visibility(self, item: Item, step: Step) -> Markup:
        """` hidden` for a question this patient is not asked, decided by the server where
        the page cannot: a condition on another page's answer (with `data-earlier`, its
        result, for static/js/intake.js), or a question a step rule asks only when needed."""
        return self._hole(lambda r: _visibility(item, step, r))


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
        # Dates show in three boxes: month, day, year.
        self.day = ""
        if isinstance(data, date):
            self.day, self.month, self.year = str(data.day), str(data.month), str(data.year)

    def _value(self) -> str:
        if self.data is None:
            return ""
        return self.data.isoformat() if isinstance(self.data, date) else str(self.data)


def _visibility(item: Item, step: Step, r: StepRequest) -> str:
    if item.asked_by_rule:
        return "" if _is_asked(r.field(item.link_id)) else " hidden"
    if not item.enable_when and not item.choices_from:
        return ""
    live, known = r.answered_elsewhere(step)
    allowed = item.earlier_pages_allow(known, live)
    earlier = "" if allowed is None else f' data-earlier="{int(allowed)}"'
    if item.enable_when and all(c.question not in live for c in item.enable_when):
        return earlier + ("" if allowed else " hidden")
    # Turned off by this page's own answers: not drawn until the script decides, so the
    # page does not jump when it loads; without a script, noscript.css shows it.
    return earlier + ("" if item.enabled(r.answers_now(step)) else " data-off")


def _is_asked(wtforms_field) -> bool:
    return bool(wtforms_field.errors) or wtforms_field.data not in (None, "", [])


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


def _media_macro(name: str, r: StepRequest) -> str:
    return str(get_template_attribute("patient/_media.html", name)(r.media))


def _media_errors(r: StepRequest) -> bool:
    return bool(r.media is not None and r.media.errors)


def _error_summary(form: StepForm, items) -> str:
    return str(get_template_attribute("macros/forms.html", "error_summary")(form, items))


def render_step_page(
    questionnaire: Questionnaire,
    step: Step,
    form: StepForm | SavedAnswers,
    return_to: str | None,
    answers: Mapping[str, Any] | None = None,
    notices: tuple[str, ...] = (),
    media: Any = None,
) -> str:
    """The step page for this request: compiled on first use, then only filled."""
    locale = str(get_locale())
    # Compiled once per respondent too: each wording of the questions is its own page.
    who = speak_to(answers or {})
    key = (questionnaire.version, step.id, locale, who, return_to, request.script_root)

    def compile_with(holes: Holes) -> str:
        live = StepHoles(holes)
        html = render_template(
            "patient/step.html",
            step=step,
            live=live,
            questionnaire=questionnaire,
            number=questionnaire.step_index(step.id) + 1,
            return_to=return_to,
            # base.html's language switch asks for these; on this page they are holes.
            csrf_token=live.csrf_token,
            current_path=live.current_path,
        )
        if generate_csrf() in html:  # a template took the real token: it would go to everyone
            raise RuntimeError("a compiled step page must take its CSRF token from `live`")
        return html

    page = step_page_cache().get(key, compile_with)
    shown = [*notices, *get_flashed_messages()]
    return page.render(StepRequest(form, generate_csrf(), current_path(), shown, answers or {}, media))


def step_page_cache() -> PageCache:
    app = current_app
    if CACHE_KEY not in app.extensions:
        app.extensions[CACHE_KEY] = PageCache(enabled=not app.jinja_env.auto_reload)
    return app.extensions[CACHE_KEY]


# --- before the workers fork --------------------------------------------------------------


def compile_step_pages(app: Flask) -> int:
    """Compile each step page in each language, as reached in the form and from review.
    Touches no database. Returns how many pages the cache holds."""
    for language in LANGUAGES:
        for step in QUESTIONNAIRE.steps:
            for return_to in (None, REVIEW):
                # On the public origin: production serves no other host (TRUSTED_HOSTS).
                with app.test_request_context(
                    f"/step/{step.id}",
                    base_url=app.config["PUBLIC_URL"],
                    headers={"Accept-Language": language},
                ):
                    render_step_page(QUESTIONNAIRE, step, SavedAnswers(step, {}), return_to)
    with app.app_context():
        return len(step_page_cache())
