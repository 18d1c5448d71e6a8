"""The questionnaire's WTForms classes, built from its data.

`step_form(step)` returns one FlaskForm class per step (built once, then cached).
Fields are named by linkId. Format checks (choice membership, bounds, lengths, dates)
run per field; whether an item is required depends on enableWhen, so that check
runs after the whole step is parsed, against the answers it would produce.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Mapping

from flask_babel import LazyString, lazy_pgettext
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    Field,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Email, InputRequired, Length, Optional, Regexp, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from intake.forms import SafeForm
from intake.patient.wording import ask
from intake.questionnaire.schema import AskWhenUnder, Choice, Item, ItemType, Questionnaire, Step

YES_NO = (("yes", _l("Yes")), ("no", _l("No")))
PHONE_PATTERN = re.compile(r"^\+?[0-9 ()\-.]{7,30}$")


def _with_area_code(_form, field) -> None:
    """A number the clinic can call or text back: ten digits in the US (eleven with a
    leading 1), or its country code after "+". "555-0134" passed the pattern and could not
    be dialled. Only for what the pattern took: one message at a time."""
    typed = (field.data or "").strip()
    if not typed or not PHONE_PATTERN.match(typed):
        return
    digits = re.sub(r"\D", "", typed)
    if typed.startswith("+"):
        enough = 8 <= len(digits) <= 15  # E.164: at most 15 digits with the country code
    else:
        enough = len(digits) == 10 or (len(digits) == 11 and digits.startswith("1"))
    if not enough:
        raise ValidationError(_l("Include the area code, like (212) 555-0123"))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class WholeNumberField(StringField):
    """An integer box that keeps what was typed and explains a bad value in words."""

    def process_formdata(self, valuelist):
        self.data = None
        raw = (valuelist[0] if valuelist else "").strip()
        if raw == "":
            return
        try:
            self.data = int(raw)
        except ValueError:
            raise ValueError(_l("Enter a whole number, like 3")) from None

    def _value(self) -> str:
        # What was typed ("6.5", "two"), not the number it failed to become (nothing).
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)


class DateBoxesField(Field):
    """A date as three boxes, `<name>-month`, `-day` and `-year`, in the order US patients
    write a date (the U.S. Web Design System's "memorable date"; GOV.UK's pattern is the
    same with the day first): a native date picker took four tab stops and hid its focus
    ring. `data` is a date or None; what was typed survives a failed check. A page loaded
    before the boxes came posts `<name>` as YYYY-MM-DD, which is still read. `wrong` names
    the box an error is about, for the error summary's link."""

    PARTS = ("month", "day", "year")  # as on the page

    def process(self, formdata, data=None, extra_filters=None):
        self.process_errors, self.wrong = [], self.PARTS[0]
        self.data = data or None
        self.month, self.day, self.year = (
            (str(data.month), str(data.day), str(data.year)) if isinstance(data, date) else ("", "", "")
        )
        if formdata is None:
            return
        typed = [formdata.get(f"{self.name}-{part}", "").strip() for part in self.PARTS]
        if not any(typed) and formdata.get(self.name):
            typed = _iso_parts(formdata.get(self.name, ""))
        self.month, self.day, self.year = typed
        self.raw_data = typed
        self.data = None
        if any(typed):
            self._parse()

    def _parse(self) -> None:
        missing = [
            part
            for part, value in zip(self.PARTS, (self.month, self.day, self.year), strict=True)
            if not value
        ]
        if missing:
            self.wrong = missing[0]
            self.process_errors.append(_l("Enter the month, day and year, for example 3 27 1985"))
        elif not (self.year.isdecimal() and len(self.year) == 4):
            self.wrong = "year"
            self.process_errors.append(_l("Enter the year as 4 numbers, like 1985"))
        else:
            try:
                self.data = date(int(self.year), int(self.month), int(self.day))
            except ValueError:
                self.wrong = "day" if _is_month(self.month) else "month"
                self.process_errors.append(_l("Enter a real date, for example 3 27 1985"))


def _is_month(text: str) -> bool:
    return text.isdecimal() and 1 <= int(text) <= 12


def _iso_parts(value: str) -> list[str]:
    """ "1980-04-23" -> ["4", "23", "1980"] (the boxes' order); anything else stays whole
    in the first box, to be refused."""
    year, _, rest = value.strip().partition("-")
    month, _, day = rest.partition("-")
    if not (year and month and day):
        return [value.strip(), "", ""]
    return [month.lstrip("0") or month, day.lstrip("0") or day, year]


class MonthYearField(Field):
    """Month (select) and year (text) posted as `<name>-month` and `<name>-year`.

    `data` is "YYYY-MM" or None; what was typed survives a failed validation.
    """

    def process(self, formdata, data=None, extra_filters=None):
        self.process_errors, self.wrong = [], "month"
        self.month, self.year = "", ""
        self.data = data or None
        if self.data:
            self.year, self.month = self.data.split("-")
        if formdata is None:
            return
        self.month = formdata.get(f"{self.name}-month", "").strip()
        self.year = formdata.get(f"{self.name}-year", "").strip()
        self.raw_data = [self.month, self.year]
        # The box an error is about, for the error summary's link: with a month chosen,
        # whatever is wrong is in the year.
        self.wrong = "year" if _is_month(self.month) else "month"
        self.data = None
        if not self.month and not self.year:
            return
        if not _is_month(self.month):
            self.process_errors.append(_l("Choose the month"))
        elif not (self.year.isdecimal() and len(self.year) == 4):
            self.process_errors.append(_l("Enter the year as 4 numbers, like 2024"))
        else:
            self.data = f"{int(self.year):04d}-{int(self.month):02d}"


class PatientForm(SafeForm):
    """Base of the questionnaire's forms, the busiest posts of the app."""

    class Meta:
        # CSRFProtect has already checked the token of every post before the view runs;
        # checking it again here cost each save a second signature check.
        csrf = False


class StepForm(PatientForm):
    """Base of every generated step form."""

    step: Step
    questionnaire: Questionnaire

    def answers(self) -> dict[str, Any]:
        """Parsed answers of the fields that passed their own checks; empties left out."""
        parsed = {}
        for item in self.step.items:
            field = self[item.link_id]
            if field.errors:
                continue
            value = to_answer(item, field.data)
            if value not in (None, "", []):
                parsed[item.link_id] = value
        return parsed

    def validate_step(self, earlier: Mapping[str, Any], today: date) -> bool:
        """Full check for "Continue": formats, then required items and step rules."""
        self.validate()
        self._check_each_item(earlier, today)
        answers = {**earlier, **self.answers()}
        self._drop_errors_of_disabled_items(answers)
        self._check_required(answers)
        self._check_rules(answers, today)
        return not any(self[item.link_id].errors for item in self.step.items) and not self.form_errors

    def validate_partial(self, earlier: Mapping[str, Any], today: date) -> None:
        """Check formats only, for "Back" and "Save and finish later"."""
        self.validate()
        self._check_each_item(earlier, today)

    def _check_each_item(self, earlier: Mapping[str, Any], today: date) -> None:
        answers = {**earlier, **self.answers()}
        for item in self.step.items:
            field = self[item.link_id]
            if field.errors:
                continue
            error = item_error(item, to_answer(item, field.data), answers, today)
            if error:
                field.errors = [*field.errors, error]
                if isinstance(field, DateBoxesField):
                    field.wrong = "year"  # in the future or too long ago: the year, most likely

    def _drop_errors_of_disabled_items(self, answers: Mapping[str, Any]) -> None:
        for item in self.step.items:
            if not item.enabled(answers):
                self[item.link_id].errors = []

    def _check_required(self, answers: Mapping[str, Any]) -> None:
        for item in self.questionnaire.missing_required(self.step, answers):
            field = self[item.link_id]
            if not field.errors:
                field.errors = [required_message(item)]

    def _check_rules(self, answers: Mapping[str, Any], today: date) -> None:
        for rule in self.step.rules:
            if isinstance(rule, AskWhenUnder):
                self._check_ask_when_under(rule, answers, today)
                continue
            if any(self[link_id].errors for link_id in rule.link_ids):
                continue  # something was typed but is not valid: that error says enough
            if all(answers.get(link_id) in (None, "") for link_id in rule.link_ids):
                # Asked as one question, it says so once, at its first field.
                field = self[rule.link_ids[0]]
                if not field.errors:
                    field.errors = [_l(rule.message)]

    def _check_ask_when_under(self, rule: AskWhenUnder, answers: Mapping[str, Any], today: date) -> None:
        field = self[rule.item]
        if rule.applies(answers, today) and answers.get(rule.item) in (None, "") and not field.errors:
            field.errors = [_l(rule.message)]


def required_message(item: Item) -> str:
    if item.required_message:
        return LazyString(ask, item.required_message)  # worded for the respondent on display
    if item.type is ItemType.MULTI:
        return _l("Choose at least one answer")
    if item.type is ItemType.CONSENT:
        return _l("Tick the box to go on")
    if item.type in (ItemType.SINGLE, ItemType.BOOLEAN, ItemType.SCALE):
        return _l("Choose an answer")
    return _l("Answer this question")


def item_error(item: Item, value: Any, answers: Mapping[str, Any], today: date) -> str | None:
    """The first problem with one parsed value, or None. Empty values are fine here."""
    if value in (None, "", []):
        return None
    if item.type in (ItemType.SINGLE, ItemType.MULTI):
        return _choice_error(item, value, answers)
    if item.type in (ItemType.INTEGER, ItemType.SCALE):
        if not item.min_value <= value <= item.max_value:
            return _l("Enter a number from %(low)s to %(high)s", low=item.min_value, high=item.max_value)
    if item.type in (ItemType.DATE, ItemType.MONTH_YEAR):
        return _date_error(item, value, today)
    return None


def _choice_error(item: Item, value: Any, answers: Mapping[str, Any]) -> str | None:
    codes = value if isinstance(value, list) else [value]
    allowed = {c.code for c in item.choices}
    if item.choices_from:
        allowed &= set(answers.get(item.choices_from) or [])
    if any(code not in allowed for code in codes):
        return _l("Choose one of the answers shown")
    if len(codes) > 1 and item.exclusive_codes & set(codes):
        only = next(c.display for c in item.choices if c.code in item.exclusive_codes & set(codes))
        return _l('"%(only)s" cannot be chosen with other answers', only=_l(only))
    return None


def _date_error(item: Item, value: str, today: date) -> str | None:
    latest = today.isoformat()[: len(value)]  # "YYYY-MM-DD" or "YYYY-MM"; ISO sorts as text
    if item.not_future and value > latest:
        return _l("The date must be today or in the past")
    if item.max_years_ago is not None and int(value[:4]) < today.year - item.max_years_ago:
        return _l("Check the year: it is more than %(years)s years ago", years=item.max_years_ago)
    return None


def to_answer(item: Item, data: Any) -> Any:
    """WTForms field data -> the stored answer value."""
    if data in (None, "", []):
        return None
    if item.type is ItemType.BOOLEAN:
        return {"yes": True, "no": False}.get(data)
    if item.type is ItemType.CONSENT:
        return True if data else None
    if item.type is ItemType.SCALE:
        return _whole_number(data)
    if item.type is ItemType.DATE:
        return data.isoformat()
    if item.type is ItemType.MULTI:
        order = [c.code for c in item.choices]
        return sorted(set(data), key=lambda code: order.index(code) if code in order else len(order))
    if isinstance(data, str):
        return data.strip()
    return data


def _whole_number(data: Any) -> int | None:
    """A posted choice of a scale as a number; None for anything else ("²" is a digit to
    str.isdigit but not a number to int)."""
    try:
        return int(str(data))
    except ValueError:
        return None


def to_field_data(item: Item, value: Any) -> Any:
    """A stored answer value -> WTForms field data (to fill the form again)."""
    if value is None:
        return None
    if item.type is ItemType.BOOLEAN:
        return "yes" if value else "no"
    if item.type is ItemType.SCALE:
        return str(value)
    if item.type is ItemType.DATE:
        return date.fromisoformat(value)
    return value


def choices_of(item: Item) -> list[tuple[str, Any, bool]]:
    """(posted value, label, exclusive) of each option a choice item shows."""
    if item.type is ItemType.BOOLEAN:
        return [(code, label, False) for code, label in YES_NO]
    if item.type is ItemType.SCALE:
        return [(str(n), str(n), False) for n in range(item.min_value, item.max_value + 1)]
    return [(c.code, choice_label(c), c.exclusive) for c in item.choices]


def choice_label(choice: Choice) -> Any:
    """The option's words in the patient's language, in its own context if it has one (the
    instruments', whose wording is fixed), else worded for whoever answers ("My child's eye
    does not shut during them" for a parent: patient/wording.py)."""
    return (
        lazy_pgettext(choice.context, choice.display) if choice.context else LazyString(ask, choice.display)
    )


def _at_most(characters: int) -> Length:
    # In the patient's words and language, not WTForms' "Field cannot be longer than ...".
    return Length(max=characters, message=_l("Use %(max)d characters or fewer"))


def _line_breaks_as_counted(value: Any) -> Any:
    """A browser posts each line break of a text box as CR LF, two characters, while its
    counter and `maxlength` count one: counted here as the patient saw them."""
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


def _field_for(item: Item) -> Field:
    label = _l(item.text)
    choices = [(code, text) for code, text, _exclusive in choices_of(item)]
    kinds = {
        ItemType.SINGLE: lambda: RadioField(label, choices=choices, validate_choice=False),
        ItemType.MULTI: lambda: MultiCheckboxField(label, choices=choices, validate_choice=False),
        ItemType.BOOLEAN: lambda: RadioField(label, choices=choices, validate_choice=False),
        ItemType.CONSENT: lambda: BooleanField(label),
        ItemType.TEXT: lambda: StringField(label, [Optional(), _at_most(item.max_length or 200)]),
        ItemType.LONG_TEXT: lambda: TextAreaField(
            label, [Optional(), _at_most(item.max_length or 2000)], filters=[_line_breaks_as_counted]
        ),
        ItemType.EMAIL: lambda: StringField(
            label,
            [
                Optional(),
                _at_most(item.max_length or 254),
                Email(_l("Enter an email address like name@example.com")),
            ],
        ),
        ItemType.PHONE: lambda: StringField(
            label,
            [
                Optional(),
                _at_most(item.max_length or 30),
                Regexp(PHONE_PATTERN, message=_l("Enter a phone number, like (212) 555-0123")),
                _with_area_code,
            ],
        ),
        ItemType.INTEGER: lambda: WholeNumberField(label),
        ItemType.SCALE: lambda: RadioField(label, choices=choices, validate_choice=False),
        ItemType.DATE: lambda: DateBoxesField(label),
        ItemType.MONTH_YEAR: lambda: MonthYearField(label),
    }
    return kinds[item.type]()


_form_classes: dict[tuple[str, str], type[StepForm]] = {}


def step_form(questionnaire: Questionnaire, step: Step) -> type[StepForm]:
    """The form class of one step, built the first time it is asked for."""
    key = (questionnaire.version, step.id)
    if key not in _form_classes:
        attrs = {"step": step, "questionnaire": questionnaire}
        attrs.update({item.link_id: _field_for(item) for item in step.items})
        _form_classes[key] = type(f"StepForm_{step.id}", (StepForm,), attrs)
    return _form_classes[key]


class ConfirmForm(PatientForm):
    """The last box on the review page."""

    confirm = BooleanField(_l("My answers are true to the best of my knowledge."))

    def validate_confirm(self, field):
        if not field.data:
            raise StopValidation(_l("Tick the box to confirm your answers"))


class CallbackForm(PatientForm):
    """ "Ask the clinic to call me today", on the urgent and support pages."""

    phone = StringField(
        _l("Phone number to call"),
        [
            InputRequired(_l("Enter the phone number the clinic should call")),
            _at_most(30),
            Regexp(PHONE_PATTERN, message=_l("Enter a phone number, like (212) 555-0123")),
            _with_area_code,
        ],
    )
    good_time = StringField(
        _l("A good time to call (optional)"),
        [Optional(), _at_most(100)],
    )
