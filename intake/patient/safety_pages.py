"""The pages a red flag sends a patient to, right after the page whose answer raised it:
"Call 911 now" (later pages stay closed until the patient says a doctor has checked the
signs), "Talk to a doctor today", and the support page for thoughts of self-harm. They say
what to do, never what the patient has."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, url_for

from intake.extensions import db
from intake.forms import ButtonForm
from intake.models import Submission, utcnow
from intake.patient import submissions
from intake.patient.views import bp, no_draft, page_url, require_draft
from intake.questionnaire import drafts
from intake.questionnaire.safety import Advice, Flag
from intake.questionnaire.schema import REVIEW
from intake.questionnaire.twitching import QUESTIONNAIRE


def _flags(draft: Submission, advice: Advice) -> tuple[Flag, ...]:
    return tuple(flag for flag in drafts.standing(draft).flags if flag.page is advice)


def _go_on_url(draft: Submission) -> str:
    """Where "go on" leads: on from the page that raised the flag (`after`), or back to the
    review when the patient came from there; the furthest page reached otherwise."""
    step = QUESTIONNAIRE.step(request.args.get("after", ""))
    if request.args.get("return") == REVIEW and QUESTIONNAIRE.first_incomplete_step(draft.answers) is None:
        return url_for("patient.review")
    if step is None:
        return page_url(draft.current_step)
    return page_url(QUESTIONNAIRE.next_page(step))


def _page_args() -> dict:
    return {key: request.args[key] for key in ("after", "return") if key in request.args}


@bp.get("/emergency")
def emergency():
    draft = require_draft()
    flags = _flags(draft, Advice.EMERGENCY)
    if not flags:
        return redirect(page_url(draft.current_step))
    return render_template(
        "patient/emergency.html",
        form=ButtonForm(),
        flags=flags,
        continue_url=url_for("patient.continue_after_emergency", **_page_args()),
    )


@bp.post("/emergency/continue")
def continue_after_emergency():
    draft = require_draft()
    if not ButtonForm().validate():
        abort(400)
    saved = submissions.acknowledge_emergency(draft, utcnow(), current_app.config["DRAFT_EXPIRY_DAYS"])
    saved or no_draft()
    db.session.commit()
    return redirect(_go_on_url(saved.draft))


@bp.get("/urgent")
def urgent():
    draft = require_draft()
    flags = _flags(draft, Advice.URGENT)
    if not flags:
        return redirect(page_url(draft.current_step))
    return render_template("patient/urgent.html", form=ButtonForm(), flags=flags, next_url=_go_on_url(draft))


@bp.get("/support")
def support():
    draft = require_draft()
    if not _flags(draft, Advice.SUPPORT):
        return redirect(page_url(draft.current_step))
    return render_template("patient/support.html", form=ButtonForm(), next_url=_go_on_url(draft))
