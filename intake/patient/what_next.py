"""What happens next, and the emails a patient may ask for (issue 28, parts 4 and 5): how
and by when the clinic gets in touch, from the patient's own choices and CLINIC_REPLY_DAYS,
for the confirmation page and its email copy; the resume link by email. No email holds
an answer."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any, Mapping

from flask import current_app, render_template
from flask_babel import format_date
from flask_babel import gettext as _

from intake.i18n import localized_setting
from intake.models import Submission, utcnow
from intake.patient import opening_hours


def masked_email(address: str) -> str:
    """ "a…@example.com": the screen or the mail may be seen by others."""
    local, _at, domain = address.partition("@")
    return f"{local[:1]}…@{domain}" if local and domain else ""


def phone_ending(number: str | None) -> str:
    """The last four digits: the screen or the mail may be seen by others."""
    return "".join(filter(str.isdigit, number or ""))[-4:]


def what_next(answers: Mapping[str, Any]) -> list[str]:
    """The sentences, in the patient's language; only the end of a number or address."""
    config = current_app.config
    openings = current_app.extensions[opening_hours.EXTENSION]
    day = opening_hours.reply_by(openings, utcnow(), config["CLINIC_TIMEZONE"], config["CLINIC_REPLY_DAYS"])
    lines = [_contact_line(answers, format_date(day, "full"))] if day else []
    times = answers.get("visit.times")
    if times == "mornings":
        lines.append(_("You asked for a morning appointment: we will offer one if we can."))
    elif times == "afternoons":
        lines.append(_("You asked for an afternoon appointment: we will offer one if we can."))
    hours = str(localized_setting(current_app, "CLINIC_HOURS"))
    lines.append(
        _("Would you rather call us? Phone %(phone)s, %(hours)s.", phone=config["CLINIC_PHONE"], hours=hours)
    )
    return lines


def _contact_line(answers: Mapping[str, Any], day: str) -> str:
    method = answers.get("about.contact_method")
    digits = phone_ending(answers.get("about.phone"))
    email = masked_email(answers.get("about.email") or "")
    if method == "text_message" and digits:
        return _(
            "We will send a text message to your number ending in %(digits)s by %(day)s, to book your visit.",
            digits=digits,
            day=day,
        )
    if method == "phone_call" and digits:
        return _(
            "We will call your number ending in %(digits)s by %(day)s, to book your visit.",
            digits=digits,
            day=day,
        )
    if method == "email" and email:
        return _("We will email you at %(address)s by %(day)s, to book your visit.", address=email, day=day)
    return _("We will contact you by %(day)s, to book your visit.", day=day)


def confirmation_email(submission: Submission, to: str) -> EmailMessage:
    """The confirmation, to the patient's own address: the reference, what happens next
    and the clinic's details. No answer of theirs is in it."""
    subject = _("Your pre-visit form was sent: reference %(reference)s", reference=submission.reference)
    lines = what_next(submission.answers)
    return _email(subject, to, "patient/confirmation_email.txt", submission=submission, lines=lines)


def resume_link_email(link: str, to: str, expires) -> EmailMessage:
    """The resume link, to the patient's own address: no answer of theirs is in it."""
    subject = _("Your link to finish the pre-visit form")
    return _email(
        subject, to, "patient/resume_link_email.txt", link=link, expires=format_date(expires, "long")
    )


def _email(subject: str, to: str, template: str, **context: Any) -> EmailMessage:
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = subject, current_app.config["MAIL_SENDER"], to
    message.set_content(render_template(template, **context), cte="quoted-printable")
    return message
