"""The pages a safety answer sends a patient to: "Call 911 now" (the form stops until a
doctor has checked the signs) and "Talk to a doctor today" (the form may go on). They say
what to do, never what the patient has."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template

from intake.extensions import db
from intake.forms import ButtonForm
from intake.models import utcnow
from intake.patient import submissions
from intake.patient.views import SAFETY, bp, no_draft, page_url, require_draft
from intake.questionnaire.safety import Tier
from intake.questionnaire.twitching import QUESTIONNAIRE


@bp.get("/emergency")
def emergency():
    draft = require_draft()
    if draft.safety_tier != Tier.EMERGENCY:
        return redirect(page_url(draft.current_step))
    return render_template("patient/emergency.html", form=ButtonForm())


@bp.post("/emergency/continue")
def continue_after_emergency():
    draft = require_draft()
    if not ButtonForm().validate():
        abort(400)
    submissions.acknowledge_emergency(draft, utcnow(), current_app.config["DRAFT_EXPIRY_DAYS"]) or no_draft()
    db.session.commit()
    return redirect(page_url(QUESTIONNAIRE.next_page(QUESTIONNAIRE.step(SAFETY))))


@bp.get("/urgent")
def urgent():
    draft = require_draft()
    if draft.safety_tier != Tier.URGENT:
        return redirect(page_url(draft.current_step))
    return render_template(
        "patient/urgent.html",
        form=ButtonForm(),
        next_url=page_url(QUESTIONNAIRE.next_page(QUESTIONNAIRE.step(SAFETY))),
    )
