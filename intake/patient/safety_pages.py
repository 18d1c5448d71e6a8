"""The pages a red flag sends a patient to, right after the page whose answer raised it:
"Call 911 now" (later pages stay closed until the patient says a doctor has checked the
signs), "Talk to a doctor today", and the support page for thoughts of self-harm. They say
what to do, never what the patient has."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, session, url_for

from intake.extensions import db
from intake.forms import ButtonForm
from intake.models import Submission, utcnow
from intake.patient import callbacks, opening_hours, submissions
from intake.patient.forms import CallbackForm
from intake.patient.views import WAITING_LINK, bp, kept_for, no_draft, page_url, require_draft
from intake.questionnaire import drafts
from intake.questionnaire.safety import Advice, Flag
from intake.questionnaire.schema import REVIEW
from intake.questionnaire.twitching import QUESTIONNAIRE


def _flags(draft: Submission, advice: Advice) -> tuple[Flag, ...]:
    return tuple(flag for flag in drafts.standing(draft).flags if flag.page is advice)


def _go_on_url(draft: Submission) -> str:
    """Where "go on" leads: where the button pressed on the page that raised the flag was
    going (`to`: the page before it for Back, that page itself for Save and finish later
    or a language), else on from that page (`after`), or back to the review when the
    patient came from there; the furthest page reached otherwise."""
    to, step = request.args.get("to", ""), QUESTIONNAIRE.step(request.args.get("after", ""))
    complete = QUESTIONNAIRE.first_incomplete_step(draft.answers) is None
    if (request.args.get("return") == REVIEW or to == REVIEW) and complete:
        return url_for("patient.review")
    if QUESTIONNAIRE.step(to) is not None:
        return page_url(to)
    if step is None:
        return page_url(draft.current_step)
    return page_url(QUESTIONNAIRE.next_page(step))


def _page_args() -> dict:
    return {key: request.args[key] for key in ("after", "return", "to") if key in request.args}


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
        change_url=_raising_page_url(),
        link_waiting=_link_waiting(draft),
    )


def _raising_page_url() -> str:
    """The page whose answer raised the flag (`after`), to untick a sign ticked by mistake
    rather than say a doctor checked it; a sign taken back is kept as a downgrade."""
    step = QUESTIONNAIRE.step(request.args.get("after", ""))
    return page_url(step.id if step is not None else "safety")


@bp.post("/emergency/continue")
def continue_after_emergency():
    draft = require_draft()
    if not ButtonForm().validate():
        abort(400)
    saved = submissions.acknowledge_emergency(draft, utcnow(), current_app.config["DRAFT_EXPIRY_DAYS"])
    saved or no_draft()
    db.session.commit()
    return redirect(_go_on_url(saved.draft))


def _opening_hours() -> dict:
    """Is the clinic open now, and when it opens next (in the clinic's time)."""
    config, now = current_app.config, utcnow()
    openings = current_app.extensions[opening_hours.EXTENSION]
    zone = config["CLINIC_TIMEZONE"]
    next_opening = opening_hours.next_opening(openings, now, zone)
    return {
        "open": opening_hours.is_open(openings, now, zone),
        "next": next_opening,
        # Early on an opening day: "today at 8:30 AM", not that day's full date.
        "today": next_opening is not None
        and next_opening.date() == now.astimezone(next_opening.tzinfo).date(),
    }


def _callback_page(draft: Submission, advice: Advice, form: CallbackForm, status: int = 200):
    template = {Advice.URGENT: "patient/urgent.html", Advice.SUPPORT: "patient/support.html"}[advice]
    if not form.is_submitted():
        form.phone.data = draft.answers.get("about.phone")
    asked = session.get("callback_asked") == draft.public_id
    page = render_template(
        template,
        form=ButtonForm(),
        callback_form=form,
        callback_url=url_for("patient.callback", page=advice.value, **_page_args()),
        asked=asked,
        asked_time=_asked_time(draft) if asked else None,
        hours=_opening_hours(),
        flags=_flags(draft, advice),
        next_url=_go_on_url(draft),
        link_waiting=_link_waiting(draft),
    )
    return page, status


def _asked_time(draft: Submission) -> str | None:
    """The time to call that the draft's waiting callback request gave, said back."""
    waiting = callbacks.waiting_for(draft)
    return waiting.good_time if waiting is not None else None


def _link_waiting(draft: Submission) -> bool:
    """A "Save and finish later" on the page that raised the flag made this draft a
    resume link, which waits on /saved until shown."""
    return kept_for(WAITING_LINK, draft) is not None


def _advice_page(advice: Advice):
    draft = require_draft()
    if not _flags(draft, advice):
        return redirect(page_url(draft.current_step))
    return _callback_page(draft, advice, CallbackForm(formdata=None))


@bp.get("/urgent")
def urgent():
    return _advice_page(Advice.URGENT)


@bp.get("/support")
def support():
    return _advice_page(Advice.SUPPORT)


@bp.post("/callback")
def callback():
    """The patient asks the clinic to call them today; a mistyped number keeps what they typed."""
    draft = require_draft()
    advice = Advice(request.args.get("page")) if request.args.get("page") in ("urgent", "support") else None
    if advice is None or not _flags(draft, advice):
        return redirect(page_url(draft.current_step))
    form = CallbackForm()
    if not form.validate():
        return _callback_page(draft, advice, form, 422)
    tier = drafts.standing(draft).tier.value
    callbacks.request_callback(draft, form.phone.data, form.good_time.data or "", tier, utcnow())
    db.session.commit()
    session["callback_asked"] = draft.public_id
    return redirect(url_for(f"patient.{advice.value}", **_page_args()))
