"""The patient's side: welcome, one page per step, review, submit, confirmation, resume.

Patients never log in. Their draft is bound to this browser by the session and to a
resume link whose token is stored only as a hash.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Mapping

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from sqlalchemy.exc import SQLAlchemyError

from intake import i18n, logs, notify
from intake.extensions import db, limiter
from intake.forms import ButtonForm
from intake.models import Submission, utcnow
from intake.patient import callbacks, kiosk, media_pages, submissions
from intake.patient.forms import ConfirmForm, StepForm, step_form
from intake.patient.step_page import SavedAnswers, render_step_page
from intake.patient.what_next import (
    confirmation_email,
    masked_email,
    phone_ending,
    resume_link_email,
    what_next,
)
from intake.patient.wording import speak_to
from intake.questionnaire import drafts
from intake.questionnaire.face_map import face_map
from intake.questionnaire.respondent import PARENT, for_someone_else, respondent
from intake.questionnaire.safety import Advice
from intake.questionnaire.schema import REVIEW, Step
from intake.questionnaire.twitching import QUESTIONNAIRE
from intake.security.headers import SAFE_METHODS
from intake.security.origin import external_url_for
from intake.storage.database import start_reading

bp = Blueprint("patient", __name__)
# Every POST of these pages, all pages together, counts against one budget per address;
# a refused post keeps the patient's answers (refusals.py).
limiter.shared_limit(
    lambda: current_app.config["PATIENT_POST_RATE_LIMIT"],
    scope="patient-posts",
    key_func=get_remote_address,
    methods=["POST"],
)(bp)
kiosk.register(bp)  # waiting-room tablets: idle sessions cleared, "Finish and hand back"

WELCOME = QUESTIONNAIRE.steps[0].id
INSTRUMENTS_STEP = "stress"  # the GAD-7 and PHQ, in their manuals' own wording
SAFETY = drafts.SAFETY_STEP


@bp.before_request
def read_without_the_write_lock() -> None:
    """Every patient request reads first, without the write lock (on SQLite a plain BEGIN;
    a GET's reads on PostgreSQL in autocommit), so pages render and forms are checked
    side by side while another patient saves. A use-case that writes ends the read first
    (storage.database.finish_reading)."""
    start_reading(db.session, page_view=request.method in SAFE_METHODS)


# --- the draft bound to this browser -------------------------------------------------


def current_draft() -> Submission | None:
    """The draft this browser holds; every page showing it speaks to whoever fills it in
    ("your child"), whichever page it is (the advice pages once forgot to)."""
    draft = submissions.find_draft(session.get("draft"), utcnow())
    if draft is not None:
        speak_to(draft.answers)
    return draft


def require_draft() -> Submission:
    return current_draft() or no_draft()


def no_draft():
    abort(
        404,
        description=_(
            "We could not find your saved answers. They may have "
            "expired, or this browser was closed. Use your resume "
            "link, or start again."
        ),
    )


def _bind(public_id: str, language: str) -> None:
    if session.get("draft") != public_id:  # another draft's links must never show here
        session.pop(WAITING_LINK, None)
        session.pop(EMAILABLE_LINK, None)
    session["draft"] = public_id
    i18n.choose(language)


# A resume link made but not shown yet (a "Save and finish later" whose advice page came
# first), and the one just shown, which "Email me this link" may send once: each kept
# with the draft it opens, and used only while this browser holds that draft.
WAITING_LINK, EMAILABLE_LINK = "resume_token", "emailable_link"


def keep_for(key: str, draft: Submission, value: str) -> None:
    session[key] = {"draft": draft.public_id, "value": value}


def kept_for(key: str, draft: Submission, *, take: bool = False) -> str | None:
    kept = session.pop(key, None) if take else session.get(key)
    if isinstance(kept, dict) and kept.get("draft") == draft.public_id:
        return kept.get("value")
    return None


def today() -> date:
    return utcnow().date()


def _expiry_days() -> int:
    return current_app.config["DRAFT_EXPIRY_DAYS"]


# --- where a patient may go --------------------------------------------------------------


def step_or_404(step_id: str) -> Step:
    step = QUESTIONNAIRE.step(step_id)
    if step is None:
        abort(404)
    return step


def page_url(page: str, keep_return: bool = False) -> str:
    if page == WELCOME:
        return url_for("patient.welcome")
    if page == REVIEW:
        return url_for("patient.review")
    if page == drafts.EMERGENCY_PAGE:
        return url_for("patient.emergency")
    back_to_review = keep_return and request.args.get("return") == REVIEW
    return url_for("patient.step", step_id=page, **({"return": REVIEW} if back_to_review else {}))


def _gate(draft: Submission, page: str):
    """A redirect if the patient may not open `page` yet, else None."""
    elsewhere = drafts.may_open(QUESTIONNAIRE, draft, page)
    return redirect(page_url(elsewhere)) if elsewhere else None


# --- pages -----------------------------------------------------------------------------


@bp.get("/")
def welcome():
    draft = current_draft()
    step = QUESTIONNAIRE.steps[0]
    # Before any answer, the language question starts at the language the page is in.
    answers = draft.answers if draft else {"consent.language": str(get_locale())}
    return render_step(step, SavedAnswers(step, answers), answers)


@bp.post("/")
def start():
    step = QUESTIONNAIRE.steps[0]
    form = step_form(QUESTIONNAIRE, step)()
    i18n.choose(form["consent.language"].data)  # even an incomplete page answers in it
    if not form.validate_step({}, today()):
        return render_step(step, form, {}), 422
    answers, reached = form.answers(), QUESTIONNAIRE.next_page(step)
    draft = current_draft()
    saved = draft and submissions.save_page(
        QUESTIONNAIRE, draft, step, answers, utcnow(), _expiry_days(), reached
    )
    if not saved:  # none yet, or the one this browser had was sent meanwhile
        new = submissions.start_draft_with_page(
            QUESTIONNAIRE, step, answers, reached, utcnow(), _expiry_days()
        )
        public_id, language = new.public_id, new.language
    else:
        public_id, language = saved.draft.public_id, saved.draft.language
    db.session.commit()
    _bind(public_id, language)
    if (
        saved
        and request.args.get("return") == REVIEW
        and not QUESTIONNAIRE.first_incomplete_step(saved.draft.answers)
    ):
        return redirect(url_for("patient.review"))  # a Change link from the review goes back there
    return redirect(page_url(reached))


@bp.get("/step/<step_id>")
def step(step_id: str):
    step = step_or_404(step_id)
    if step.id == WELCOME:
        return redirect(url_for("patient.welcome"))
    draft = current_draft()
    if draft is None:
        return _sent_already() or _start_here()
    media = media_pages.panel_for(draft) if step.id == media_pages.STEP_ID else None
    return _gate(draft, step.id) or render_step(step, SavedAnswers(step, draft.answers), draft.answers, media)


def _sent_already():
    """A step opened in the browser that sent the form: say so, with the reference."""
    sent = submissions.find_sent(session.get("submitted"))
    if sent is None:
        return None
    flash(_("You already sent your answers (reference %(reference)s).", reference=sent.reference))
    return redirect(url_for("patient.done"))


def _start_here():
    flash(_("Start here. If you saved your answers before, open your resume link."))
    return redirect(url_for("patient.welcome"))


@bp.post("/step/<step_id>")
def save(step_id: str):
    step = step_or_404(step_id)
    draft = require_draft()
    gate = _gate(draft, step.id)
    if gate:
        return gate
    action, language = _posted_action()
    form = step_form(QUESTIONNAIRE, step)()
    earlier = QUESTIONNAIRE.answers_outside(step, draft.answers)
    if action == "next":
        if not form.validate_step(earlier, today()):
            return render_step(step, form, draft.answers), 422
        answers, reached = form.answers(), QUESTIONNAIRE.next_page(step)
    else:
        form.validate_partial(earlier, today())
        answers, reached = _partial_answers(form, draft.answers), step.id
    saved = submissions.save_page(
        QUESTIONNAIRE, draft, step, answers, utcnow(), _expiry_days(), reached,
        language=language, resume_link=action == "later",
    ) or no_draft()  # fmt: skip
    advice, answers_now = drafts.advice_after(QUESTIONNAIRE, saved.draft, step), saved.draft.answers
    db.session.commit()
    if step.id == media_pages.STEP_ID:
        shown = _media_after_save(step, saved.draft, form, action)
        if shown is not None:
            return shown
    return _after_save(step, action, language, form, saved, advice, answers_now)


def _media_after_save(step: Step, draft: Submission, form: StepForm, action: str):
    """The photos page's files: consent taken back removes them; posted files are stored
    (each on its own) and queued for checking; a Remove button removes one and stays.
    The page again (422) if a file was refused, with what to do; else None: go on."""
    if media_pages.withdraw_if_unticked(draft):
        db.session.commit()
        flash(_("Your photos and videos were removed, as you did not agree that the clinic keeps them."))
    stored, errors = media_pages.take_posted_files(draft, utcnow())
    media_pages.check_soon(stored)
    if errors:
        return render_step(step, form, draft.answers, media_pages.panel_for(draft, errors)), 422
    if action == "remove":
        media_pages.remove_posted(draft)
        db.session.commit()
        return redirect(page_url(step.id, keep_return=True))
    return None


def _after_save(step: Step, action: str, language: str | None, form: StepForm, saved, advice, answers):
    if action == "later":
        keep_for(WAITING_LINK, saved.draft, saved.resume_token)  # shown on /saved, after any advice
    if language:
        i18n.choose(language)
    if advice is not None:
        return _advice_first(step, advice, action)
    if action == "next":
        return redirect(_going_to(step, answers))
    if action == "later":
        return redirect(url_for("patient.saved"))
    if language:
        if _entries_not_valid(form):
            # They could not be saved; the page stays, in the new language, as typed.
            return render_step(step, form, answers), 422
        return redirect(page_url(step.id, keep_return=True))
    if request.args.get("return") == REVIEW:  # a page opened from the review goes back there
        return redirect(_review_at(step))
    return redirect(page_url(QUESTIONNAIRE.previous_page(step)))


def _entries_not_valid(form: StepForm) -> bool:
    return any(form[item.link_id].errors for item in form.step.items)


def _posted_action() -> tuple[str, str | None]:
    """("next" | "back" | "later" | "language", the language switched to). The header's
    language buttons send the step's form too, with "switch_language" instead of "action"."""
    language = request.form.get("switch_language")
    if request.form.get("remove"):  # the photos page's Remove button: save, stay, remove
        return "remove", None
    if language is None:
        return request.form.get("action", "next"), None
    if language not in i18n.LANGUAGES:
        abort(400)
    return "language", language


def _advice_first(step: Step, advice: Advice, action: str):
    """A red flag raised by this page's answers shows its page at once, whichever page it
    is (drafts.advice_after) and whichever button was pressed: Save and continue, Back,
    Save and finish later (its link then waits on that page) or a language. The advice
    page's "go on" leads where the button was going: on from this page, or for Back the
    page before it (`to`), so that Back is never caught in a loop with its advice."""
    args = {"after": step.id, **_return_args()}
    if action == "back":
        args["to"] = REVIEW if request.args.get("return") == REVIEW else QUESTIONNAIRE.previous_page(step)
    elif action in ("later", "language"):
        args["to"] = step.id  # they stopped, or stayed on this page
    return redirect(url_for(f"patient.{advice.value}", **args))


def _going_to(step: Step, answers: dict) -> str:
    if request.args.get("return") == REVIEW and QUESTIONNAIRE.first_incomplete_step(answers) is None:
        return _review_at(step)
    return page_url(QUESTIONNAIRE.next_page(step))


def _review_at(step: Step) -> str:
    """The review page at the section just changed, not at its top ~100 rows away."""
    return url_for("patient.review", _anchor=f"review-{step.id}")


def _return_args() -> dict:
    return {"return": REVIEW} if request.args.get("return") == REVIEW else {}


def _partial_answers(form: StepForm, saved: dict) -> dict:
    """What Back and Save-for-later keep: valid entries, and old answers where the new entry is not valid."""
    answers = form.answers()
    for item in form.step.items:
        if form[item.link_id].errors and item.link_id in saved:
            answers[item.link_id] = saved[item.link_id]
    return answers


def render_step(step: Step, form: StepForm | SavedAnswers, answers: Mapping[str, Any], media=None):
    """`answers`: the draft's, which decide the questions asked on the strength of other
    pages' answers and the note to someone filling the form in for another person."""
    # Only "review" means anything as a return page; anything else would only bloat the cache.
    return_to = REVIEW if request.args.get("return") == REVIEW else None
    notices = _for_whom(answers, step) if step.id != WELCOME and for_someone_else(answers) else ()
    return render_step_page(QUESTIONNAIRE, step, form, return_to, answers, notices, media)


def _for_whom(answers: Mapping[str, Any], step: Step) -> tuple[str, ...]:
    parent = respondent(answers) == PARENT
    if parent:
        note = _(
            "You are filling in this form for your child. The questions ask about your child; "
            "answer them as well as you can."
        )
    else:
        note = _(
            "You are filling in this form for someone else. The questions ask about the person "
            "you care for; answer them as well as you can."
        )
    if step.id != INSTRUMENTS_STEP:
        return (note,)
    # The GAD-7 and PHQ keep their manuals' words, which say "you": say whose feelings they mean.
    if parent:
        return (
            note,
            _(
                "On this page the questions keep the words of standard questionnaires, which say “you”: answer them about how your child has felt, not about yourself."
            ),
        )
    return (
        note,
        _(
            "On this page the questions keep the words of standard questionnaires, which say “you”: answer them about how the person you care for has felt, not about yourself."
        ),
    )


@bp.get("/review")
def review():
    draft = current_draft()
    if draft is None:  # e.g. Back from the confirmation: say it was sent, not "not found"
        return _sent_already() or no_draft()
    return (
        _gate(draft, REVIEW)
        or _new_questions(draft)
        or _safety_check_again(draft)
        or render_review(draft, ConfirmForm())
    )


def _new_questions(draft: Submission):
    """A draft begun on an earlier version of the form is carried over to today's; if it
    is past a page with a question it was never asked, it goes there first (a redirect),
    with a note. None when there is nothing new to ask."""
    if draft.questionnaire_version == QUESTIONNAIRE.version:
        return None
    first_new = submissions.carry_over(QUESTIONNAIRE, draft, utcnow())
    db.session.commit()
    if first_new is None:
        return None
    flash(
        _(
            "We have added some questions since you started. Your answers are kept: "
            "please check each page again and answer the new questions."
        )
    )
    return redirect(page_url(first_new.id))


def _safety_check_again(draft: Submission):
    """A draft sent days after its safety answer asks it again first (same rules): signs
    can begin while a form waits. A redirect to the safety step, or None."""
    hours = current_app.config["SAFETY_RECHECK_HOURS"]
    if not drafts.record_of(draft).check_due(utcnow(), hours):
        return None
    flash(
        _(
            "It has been more than a day since you answered the safety questions. "
            "Please check them again: do you have any of these now?"
        )
    )
    return redirect(url_for("patient.step", step_id=SAFETY, **{"return": REVIEW}))


def render_review(draft: Submission, form: ConfirmForm, error: str | None = None):
    return render_template(
        "patient/review.html",
        questionnaire=QUESTIONNAIRE,
        answers=QUESTIONNAIRE.enabled_answers(draft.answers),
        form=form,
        error=error,
        sent=media_pages.sent_counts(draft),
    )


@bp.get("/submit")
def submit_page():
    """/submit is where a refused send leaves the address bar: reopened (a restored tab, a
    reload after the browser's warning), it is the review page, or the confirmation."""
    return redirect(url_for("patient.review"))


@bp.post("/submit")
def submit():
    draft = current_draft()
    if draft is None:
        return _already_sent()
    incomplete = QUESTIONNAIRE.first_incomplete_step(draft.answers)
    if incomplete is not None:
        return _to_what_is_missing(incomplete)
    check_again = _new_questions(draft) or _safety_check_again(draft)
    if check_again:
        return check_again
    form = ConfirmForm()
    if not form.validate():
        return render_review(draft, form), 422
    try:
        sent = submissions.submit(QUESTIONNAIRE, draft.id, utcnow())
        db.session.commit()
    except SQLAlchemyError as failure:
        db.session.rollback()
        current_app.logger.error("submit failed", extra={"error": logs.describe(failure)})
        error = _(
            "We could not send your answers just now. Nothing is lost: your "
            "answers are still here. Please try again in a minute."
        )
        return render_review(require_draft(), form, error), 503
    if sent == submissions.Sent.INCOMPLETE:  # another tab's save, since the check above
        missing = QUESTIONNAIRE.first_incomplete_step(require_draft().answers)
        return _to_what_is_missing(missing) if missing else redirect(url_for("patient.review"))
    session["submitted"] = session.pop("draft")  # the public id the draft was read by
    session.pop(WAITING_LINK, None)  # a sent form's links open nothing
    session.pop(EMAILABLE_LINK, None)
    return redirect(url_for("patient.done"))


def _already_sent():
    """A second click, a retry or another tab: the draft this browser was filling in may
    already be sent. Show the same confirmation."""
    already = submissions.find_sent(session.get("submitted") or session.get("draft"))
    if already is None:
        no_draft()
    session.pop("draft", None)
    session["submitted"] = already.public_id
    return redirect(url_for("patient.done"))


def _to_what_is_missing(step: Step):
    flash(_("Some questions on this page still need an answer."))
    return redirect(page_url(step.id))


def _submitted_or_welcome():
    found = submissions.find_sent(session.get("submitted"))
    if found is None:
        abort(404, description=_("There is no sent form to show in this browser."))
    return found


def _own_copy_open(found: Submission) -> bool:
    """The answers of a sent form show only in the browser that sent it (the session
    names it) and only for SENT_ANSWERS_MINUTES after sending, counted on the server."""
    if kiosk.on():  # never on a shared tablet: the next patient could open it
        return False
    minutes = current_app.config["SENT_ANSWERS_MINUTES"]
    return found.submitted_at is not None and utcnow() < found.submitted_at + timedelta(minutes=minutes)


@bp.get("/done")
def done():
    found = _submitted_or_welcome()
    speak_to(found.answers)
    return render_template(
        "patient/done.html",
        submission=found,
        copy_open=_own_copy_open(found),
        checked_emergency=bool(drafts.record_of(found).acknowledged),
        # Sending does not lower the advice: a same-day sign is said again, with any call asked for.
        urgent_flags=_standing_for(found, Advice.URGENT),
        support_flags=_standing_for(found, Advice.SUPPORT),
        callback_ending=_callback_ending(found),
        what_next=what_next(found.answers),
        email_copy=_email_copy_offer(found),
        hand_back=kiosk.on(),
    )


def _standing_for(found: Submission, advice: Advice) -> tuple:
    """The flags the answers raise now whose advice is that page's (the urgent page's
    same-day signs; the support page's thoughts of self-harm, tier urgent too)."""
    return tuple(flag for flag in drafts.standing(found).flags if flag.page is advice)


def _callback_ending(found: Submission) -> str | None:
    """The end of the number the patient asked the clinic to call, while nobody has."""
    waiting = callbacks.waiting_for(found)
    return phone_ending(waiting.phone) if waiting else None


def _email_copy_offer(found: Submission) -> str | None:
    """The masked address an email copy of the confirmation would go to, unless there is
    none or it went already."""
    if session.get("confirmation_emailed") == found.public_id:
        return None
    return masked_email(found.answers.get("about.email") or "") or None


@bp.post("/done/email")
def email_confirmation():
    """The confirmation to the patient's own address, once, on their request: never to an
    address typed here, so the page cannot send mail elsewhere."""
    found = _submitted_or_welcome()
    address = found.answers.get("about.email")
    if not ButtonForm().validate_on_submit() or not address or not _email_copy_offer(found):
        return redirect(url_for("patient.done"))
    speak_to(found.answers)
    if not notify.send_now(confirmation_email(found, address)):
        flash(
            _("We could not send the email just now. Please try again in a few minutes, or print this page.")
        )
        return redirect(url_for("patient.done"))
    session["confirmation_emailed"] = found.public_id
    flash(_("We sent this confirmation to %(address)s.", address=masked_email(address)))
    return redirect(url_for("patient.done"))


@bp.get("/done/answers")
def printable():
    found = _submitted_or_welcome()
    speak_to(found.answers)
    if not _own_copy_open(found):
        return render_template("patient/done.html", submission=found, copy_open=False)
    return render_template(
        "patient/printable.html",
        submission=found,
        questionnaire=QUESTIONNAIRE,
        answers=QUESTIONNAIRE.enabled_answers(found.answers),
        face=face_map(QUESTIONNAIRE, found.answers),
        sent=media_pages.sent_counts(found),
    )


# --- language ----------------------------------------------------------------------------


@bp.post("/language")
def language():
    """The switch on every patient page: change language, keep every answer, go back.

    CSRFProtect checks the token, as for every POST.
    """
    chosen = request.form.get("lang")
    if not i18n.choose(chosen):
        abort(400)
    draft = current_draft()
    switched = draft and submissions.switch_language(draft, chosen, utcnow(), _expiry_days())
    back = page_url(switched.draft.current_step) if switched else url_for("patient.welcome")
    db.session.commit()
    return redirect(i18n.safe_next(request.form.get("next")) or back)


# --- stop and resume ---------------------------------------------------------------------


@bp.post("/later")
def later():
    draft = require_draft()
    if not ButtonForm().validate():
        abort(400)
    keep_for(WAITING_LINK, draft, _fresh_resume_token(draft))
    return redirect(url_for("patient.saved"))


def _fresh_resume_token(draft: Submission) -> str:
    """A new resume token for the draft (the old one stops working), committed."""
    saved = submissions.issue_resume_token(draft, utcnow(), _expiry_days()) or no_draft()
    db.session.commit()
    return saved.resume_token


@bp.get("/saved")
def saved():
    draft = require_draft()
    token = kept_for(WAITING_LINK, draft, take=True)
    link = external_url_for("patient.resume", token=token) if token else None
    return _render_saved(draft, link)


def _render_saved(draft: Submission, link: str | None, problem: str | None = None):
    email = masked_email(draft.answers.get("about.email") or "")
    if link and email:  # kept for "Email me this link", which may be asked once
        keep_for(EMAILABLE_LINK, draft, link)
    return render_template(
        "patient/saved.html",
        # On a shared tablet the link is never on screen: it can only be emailed.
        link=None if kiosk.on() else link,
        kiosk=kiosk.on(),
        form=ButtonForm(),
        expires=draft.expires_at,
        continue_url=page_url(draft.current_step),
        email_to=email if (link or kiosk.on()) else None,
        problem=problem,
    )


@bp.post("/saved/email")
def email_link():
    """The resume link just shown, to the address the patient gave (never one typed here),
    once. The browser already holds the draft, so keeping the link in its session until
    then gives it nothing it did not have."""
    draft = require_draft()
    link, address = kept_for(EMAILABLE_LINK, draft, take=True), draft.answers.get("about.email")
    if link is None and kiosk.on() and address:  # never shown on the tablet: a fresh one
        link = external_url_for("patient.resume", token=_fresh_resume_token(draft))
    if ButtonForm().validate_on_submit() and link and address:
        if not notify.send_now(resume_link_email(link, address, draft.expires_at)):
            # The link is shown again, and may be emailed again: it must not be lost here.
            return _render_saved(draft, link, _email_failed())
        sent = _("We emailed the link to %(address)s.", address=masked_email(address))
        if kiosk.on():  # the patient is leaving the tablet
            return kiosk.hand_back(sent + " " + _("Please give the tablet back at the reception desk."))
        flash(sent)
    return redirect(page_url(draft.current_step))


def _email_failed() -> str:
    if kiosk.on():  # the link is never on a shared tablet's screen
        return _("We could not send the email just now. Try again, or ask at the reception desk.")
    return _("We could not send the email just now. Copy the link below, or try again.")


@bp.get("/resume/<token>")
def resume(token: str):
    draft = submissions.find_by_resume_token(token, utcnow())
    if draft is None:
        abort(
            404,
            description=_(
                "This link does not work any more. Links stop working "
                "after the answers are sent, or after %(days)s days.",
                days=current_app.config["DRAFT_EXPIRY_DAYS"],
            ),
        )
    _bind(draft.public_id, draft.language)
    flash(_("Welcome back. Your answers are saved: go on where you left off."))
    return _new_questions(draft) or redirect(
        page_url(drafts.may_open(QUESTIONNAIRE, draft, draft.current_step) or draft.current_step)
    )
