"""Needs attention: what a patient has not sent but the clinic should know today.

Unsent drafts whose answers reached urgent or emergency (the highest tier, never lowered),
and callback requests not yet handled. A draft drops off the list once the patient sends
it; opening one is audited like any view of health data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import abort, redirect, render_template, request, url_for
from sqlalchemy import bindparam, func, or_, select

from intake import audit
from intake.audit import Action
from intake.clinic.blueprint import bp, me
from intake.extensions import db
from intake.forms import ButtonForm
from intake.models import BY_PUBLIC_ID, CallbackRequest, Status, Submission, utcnow
from intake.questionnaire.safety import Tier, assess
from intake.questionnaire.safety_record import SafetyBox, SafetyRecord, safety_box
from intake.questionnaire.summary import patient_name
from intake.questionnaire.twitching import QUESTIONNAIRE

NEEDS_ATTENTION = (Tier.EMERGENCY.value, Tier.URGENT.value)
LIMIT = 200

RED_FLAG_DRAFTS = (
    select(Submission)
    .where(Submission.status == Status.DRAFT, Submission.safety_tier.in_(NEEDS_ATTENTION))
    .order_by(Submission.updated_at.desc())
    .limit(LIMIT)
)
OPEN_CALLBACKS = (
    select(CallbackRequest)
    .where(CallbackRequest.handled_at.is_(None))
    .order_by(CallbackRequest.created_at)
    .limit(LIMIT)
)
CALLBACKS_OF = (
    select(CallbackRequest)
    .where(CallbackRequest.submission_id == bindparam("submission_id"))
    .order_by(CallbackRequest.created_at)
)
OPEN_CALLBACKS_OF = CALLBACKS_OF.where(CallbackRequest.handled_at.is_(None))
# Both counts in one statement: the dashboard reads them on every view.
WAITING = select(
    # Patients, not requests: one may ask twice (two browsers, or after resuming).
    select(func.count(CallbackRequest.submission_id.distinct()))
    .where(CallbackRequest.handled_at.is_(None))
    .scalar_subquery(),
    select(func.count())
    .select_from(Submission)
    .where(
        Submission.status == Status.DRAFT,
        Submission.safety_tier.in_(NEEDS_ATTENTION),
        or_(Submission.expires_at.is_(None), Submission.expires_at > bindparam("now")),
    )
    .scalar_subquery(),
)


@dataclass(frozen=True)
class Waiting:
    """What Needs attention holds now, for the dashboard's banner."""

    callbacks: int
    drafts: int

    def __bool__(self) -> bool:
        return bool(self.callbacks or self.drafts)


def waiting(now: datetime) -> Waiting:
    callbacks, drafts = db.session.execute(WAITING, {"now": now}).one()
    return Waiting(callbacks, drafts)


def callbacks_of(found: Submission) -> list[CallbackRequest]:
    """The form's callback requests, oldest first, handled ones too. Only a red flag's
    page offers one, and a form's highest tier is never lowered: a form that never had a
    flag has none, and its summary (most forms') spends no statement finding that out."""
    if found.safety_tier == Tier.NONE.value:
        return []
    return list(db.session.scalars(CALLBACKS_OF, {"submission_id": found.id}))


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str | None
    email: str | None


def contact_of(answers: dict) -> Contact:
    return Contact(
        patient_name(answers) or "(no name given yet)", answers.get("about.phone"), answers.get("about.email")
    )


def box_of(found: Submission) -> SafetyBox:
    return safety_box(SafetyRecord.from_json(found.safety_record), assess(found.answers), found.safety_tier)


def _open_drafts(now: datetime) -> list[Submission]:
    return [d for d in db.session.scalars(RED_FLAG_DRAFTS) if d.expires_at is None or d.expires_at > now]


@bp.get("/attention")
def attention():
    drafts = _open_drafts(utcnow())
    callbacks = list(db.session.scalars(OPEN_CALLBACKS))
    page = render_template(
        "clinician/attention.html",
        drafts=[(d, box_of(d), contact_of(d.answers)) for d in drafts],
        callbacks=[(c, contact_of(c.submission.answers)) for c in callbacks],
        form=ButtonForm(),
    )
    shown = {d.public_id for d in drafts} | {c.submission.public_id for c in callbacks}
    audit.commit_after_reading(audit.event(Action.ATTENTION_VIEWED, me(), detail=f"{len(shown)} shown"))
    return page


@bp.get("/attention/<public_id>")
def attention_item(public_id: str):
    found = db.session.scalar(BY_PUBLIC_ID, {"public_id": public_id})
    if found is None:
        abort(404)
    if not found.is_draft:
        return redirect(url_for("clinician.submission", public_id=public_id))
    callbacks = callbacks_of(found)
    page = render_template(
        "clinician/attention_item.html",
        draft=found,
        safety=box_of(found),
        contact=contact_of(found.answers),
        callbacks=callbacks,
        questionnaire=QUESTIONNAIRE,
        form=ButtonForm(),
    )
    audit.commit_after_reading(audit.event(Action.VIEWED, me(), found, detail="unsent draft"))
    return page


@bp.post("/attention/<public_id>/called")
def callback_handled(public_id: str):
    """Someone called the patient back: their open callback requests leave the list. From
    a sent form's summary, back to it; else back to the list."""
    if not ButtonForm().validate():
        abort(400)
    found = db.session.scalar(BY_PUBLIC_ID, {"public_id": public_id})
    if found is None:
        abort(404)
    still_open = db.session.scalars(OPEN_CALLBACKS_OF, {"submission_id": found.id}).all()
    for callback in still_open:
        callback.handled_at, callback.handled_by_id = utcnow(), me().id
    if still_open:
        audit.record(Action.CALLBACK_HANDLED, me(), found, detail=f"{len(still_open)} request(s)")
        db.session.commit()
    if request.form.get("back") == "summary" and not found.is_draft:
        return redirect(url_for("clinician.submission", public_id=found.public_id, _anchor="safety-title"))
    return redirect(url_for("clinician.attention"))
