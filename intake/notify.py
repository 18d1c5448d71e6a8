"""Emails, never with health data: to the clinic when a submission arrives (reference,
safety tier, a link; to NOTIFY_EMAIL), and alerts (to ALERT_EMAIL) when an unsent form
first reaches urgent or emergency, or a patient asks the clinic to call them today; and
to a patient who asks, their resume link or confirmation. The clinic's are sent after the
submission is committed, from a background thread, so a slow or broken mail server can
neither lose nor delay a patient's submission; the patient's own are sent while they wait
(send_now), so that the page says whether they went.
"""

from __future__ import annotations

import smtplib
import threading
from dataclasses import dataclass
from email.message import EmailMessage

from flask import Flask, current_app, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from intake.extensions import db
from intake.security.origin import external_url_for, public_url

PENDING = "intake_new_submission_notices"


@dataclass(frozen=True)
class Notice:
    public_id: str
    reference: str
    tier: str


def queue_new_submission(public_id: str, reference: str, tier: str) -> None:
    """Remember a notice; it goes out only if the transaction commits."""
    db.session.info.setdefault(PENDING, []).append(Notice(public_id, reference, tier))


@dataclass(frozen=True)
class Alert:
    """A red-flag draft or a callback request: the tier and a link, nothing else."""

    public_id: str
    tier: str
    callback: bool = False


def queue_alert(public_id: str, tier: str, callback: bool = False) -> None:
    """Remember an alert; it goes out only if the transaction commits."""
    db.session.info.setdefault(PENDING, []).append(Alert(public_id, tier, callback))


def compose_alert(alert: Alert, config, link: str) -> EmailMessage:
    message = EmailMessage()
    what = (
        "asked the clinic to call them today"
        if alert.callback
        else "reached this tier and has not sent the form"
    )
    message["Subject"] = f"Needs attention: {alert.tier.upper()} " + (
        "callback request" if alert.callback else "unsent form"
    )
    message["From"] = config["MAIL_SENDER"]
    message["To"] = config["ALERT_EMAIL"]
    message.set_content(
        f"A patient filling in the pre-visit questionnaire {what}.\n\n"
        f"Safety: {alert.tier.upper()}\n\nSign in to see it on the Needs attention list: {link}\n\n"
        "This email holds no health information on purpose.\n",
        cte="7bit",
    )
    return message


def compose(notice: Notice, config, link: str) -> EmailMessage:
    message = EmailMessage()
    flagged = {"emergency": "EMERGENCY", "urgent": "URGENT"}.get(notice.tier)
    message["Subject"] = f"New pre-visit questionnaire {notice.reference}" + (
        f" ({flagged})" if flagged else ""
    )
    message["From"] = config["MAIL_SENDER"]
    message["To"] = config["NOTIFY_EMAIL"]
    tier_line = {
        "emergency": "Safety: EMERGENCY signs reported. Read it now.",
        "urgent": "Safety: URGENT (same-day) signs reported. Read it today.",
    }.get(notice.tier, "Safety: no urgent signs reported.")
    message.set_content(
        f"A patient sent a pre-visit questionnaire.\n\nReference: {notice.reference}\n{tier_line}\n\n"
        f"Sign in to read it: {link}\n\nThis email holds no health information on purpose.\n",
        cte="7bit",  # keeps the link on one line, unbroken by quoted-printable
    )
    return message


def send(message: EmailMessage, config) -> None:
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(message)


def _send_quietly(app: Flask, message: EmailMessage) -> bool:
    try:
        send(message, app.config)
    except (OSError, smtplib.SMTPException) as error:
        # The subject only: what the message carries is safe in the database.
        app.logger.error("email not sent (%s): %s", type(error).__name__, message["Subject"])
        return False
    return True


def send_now(message: EmailMessage) -> bool:
    """Send one message while the patient waits (at most MAIL_TIMEOUT seconds); whether it
    went. For what the patient asked for and must not be told went when it did not: their
    resume link, shown only once, and their confirmation."""
    return _send_quietly(current_app._get_current_object(), message)


def _link(notice: Notice) -> str:
    if has_request_context():
        return external_url_for("clinician.submission", public_id=notice.public_id)
    return public_url(f"/clinic/submissions/{notice.public_id}")


def _alert_link(alert: Alert) -> str:
    if has_request_context():
        return external_url_for("clinician.attention_item", public_id=alert.public_id)
    return public_url(f"/clinic/attention/{alert.public_id}")


def _message(item: Notice | Alert, config) -> EmailMessage | None:
    if isinstance(item, Alert):
        return compose_alert(item, config, _alert_link(item)) if config.get("ALERT_EMAIL") else None
    return compose(item, config, _link(item)) if config.get("NOTIFY_EMAIL") else None


def _after_commit(session: Session) -> None:
    pending = session.info.pop(PENDING, [])
    if not pending:
        return
    app = current_app._get_current_object()
    for item in pending:
        message = _message(item, app.config)
        if message is not None:
            threading.Thread(target=_send_quietly, args=(app, message), daemon=True).start()


def _after_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)


def register(app: Flask) -> None:
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)
