"""The clinicians' everyday pages: sign in and out, password, the list of submissions,
one pre-visit summary, review work, notes. The gate is in blueprint.py; the second step
of signing in, admin pages and exports have their own modules on the same blueprint."""

from __future__ import annotations

from flask import (
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter.util import get_remote_address
from flask_login import current_user

from intake import audit, listing
from intake.audit import Action
from intake.clinic import accounts, attention, mfa, visits, workspace
from intake.clinic.blueprint import (
    NO_SUCH_SUBMISSION,
    bp,
    clinic_today,
    clinic_zone,
    filters_from_request,
    me,
)
from intake.clinic.forms import LoginForm, NoteForm, PasswordChangeForm
from intake.extensions import db, limiter
from intake.media import gallery
from intake.models import Submission, utcnow
from intake.questionnaire.first_read import first_read
from intake.questionnaire.safety_record import SafetyRecord, safety_box
from intake.questionnaire.summary import build_summary
from intake.questionnaire.twitching import QUESTIONNAIRE
from intake.security.crypto import DecryptionError, data_keys

SIGN_IN_FAILED = "That username and password do not match an active account."
SEARCH_NAMES = "clinic_search_names"

# --- signing in and out ------------------------------------------------------------------


def _failed_sign_in(response: Response) -> bool:
    return response.status_code == 401


def _account_key() -> str:
    return accounts.account_limit_key(request.form.get("username", ""))


TOO_MANY = "Too many sign-in attempts. Wait 15 minutes and try again, or ask an administrator."


def _record_throttled_sign_in(limit) -> None:
    """An attempt a limit refused is kept in the audit trail as a failed one is, so that an
    administrator sees an attack go on after the lock (security.md items 12 and 23):
    Flask-Limiter's on_breach, before the view runs."""
    typed = request.form.get("username", "")
    account = accounts.find_by_username(typed)
    label = None if account else accounts.typed_name_label(typed)
    audit.record(Action.LOGIN_THROTTLED, account, detail=f"limit {limit.limit}", actor_label=label)
    db.session.commit()


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    key_func=_account_key,
    methods=["POST"],
    deduct_when=_failed_sign_in,
    error_message=TOO_MANY,
    on_breach=_record_throttled_sign_in,
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
    key_func=get_remote_address,
    methods=["POST"],
    deduct_when=_failed_sign_in,
    error_message=TOO_MANY,
    on_breach=_record_throttled_sign_in,
)
def login():
    if current_user.is_authenticated:
        if not accounts.session_expiry():
            return redirect(url_for("clinician.dashboard"))
        accounts.end_session()  # a stale session: this browser starts again from nothing
    form = LoginForm()
    if not form.is_submitted():  # a GET, or a HEAD (monitors, link checkers)
        return render_template("clinician/login.html", form=form)
    if not form.validate():
        return render_template("clinician/login.html", form=form), 422
    attempt = accounts.authenticate(form.username.data, form.password.data)
    if attempt.clinician is None:
        # The account the name matched, or a keyed hash of the name: never the text typed.
        label = None if attempt.account else accounts.typed_name_label(form.username.data)
        audit.record(Action.LOGIN_FAILED, attempt.account, detail=attempt.reason, actor_label=label)
        db.session.commit()
        return render_template("clinician/login.html", form=form, error=SIGN_IN_FAILED), 401
    if mfa.required_for(attempt.clinician):
        accounts.begin_pending_sign_in(attempt.clinician, request.args.get("next"))
        audit.record(Action.LOGIN_PASSWORD, attempt.clinician, detail="second factor next")
        db.session.commit()
        step = "second_factor" if attempt.clinician.has_second_factor else "second_factor_setup"
        return redirect(url_for(f"clinician.{step}"))
    accounts.begin_session(attempt.clinician, utcnow())
    audit.record(Action.LOGIN, attempt.clinician)
    db.session.commit()
    return redirect(after_sign_in(attempt.clinician, request.args.get("next")))


def after_sign_in(clinician, next_target: str | None) -> str:
    if clinician.must_change_password:
        return url_for("clinician.change_password")
    return _safe_next(next_target)


def _safe_next(target: str | None) -> str:
    """Only a path inside the workspace; anything else could send the user off-site."""
    if (
        target
        and target.startswith("/clinic/")
        and "//" not in target
        and "\\" not in target
        and target.isprintable()  # no CR or LF: a header cannot carry them (a 500 once)
    ):
        return target
    return url_for("clinician.dashboard")


@bp.post("/logout")
def logout():
    clinician = me()
    accounts.end_all_sessions(clinician)
    audit.record(Action.LOGOUT, clinician)
    db.session.commit()
    accounts.end_session()
    flash("You are signed out.")
    response = redirect(url_for("clinician.login"))
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@bp.route("/password", methods=["GET", "POST"])
def change_password():
    form = PasswordChangeForm()
    if request.method == "POST" and form.validate():
        clinician = me()
        problem = accounts.password_problem(form.new.data, clinician.username)
        if not accounts.password_is(clinician, form.current.data):
            form.current.errors.append("That is not your current password.")
        elif problem:
            form.new.errors.append(problem)
        elif form.new.data == form.current.data:
            form.new.errors.append("Choose a password different from the current one.")
        else:
            accounts.change_password(clinician, form.new.data)
            audit.record(Action.PASSWORD_CHANGED, clinician)
            db.session.commit()
            accounts.renew_session(clinician)
            flash("Your password is changed. Other devices signed in as you are signed out.")
            return redirect(url_for("clinician.dashboard"))
    status = 422 if request.method == "POST" else 200
    return render_template("clinician/password.html", form=form), status


@bp.get("/session-left")
def session_left():
    """Asked by clinic.js when a page's own idle timer runs out, in place of reloading:
    how long this session has left, which other tabs' activity may have moved on. Not
    activity itself (the gate does not stamp it), so idle tabs cannot keep one another
    signed in, and no page view is audited. An expired session is signed out by the gate."""
    response = jsonify(seconds_left=accounts.idle_seconds_left())
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/keepalive")
def keepalive():
    """Called by clinic.js when the clinician chooses to stay signed in: the idle clock
    starts again now, however recently it was stamped."""
    accounts.touch_session(always=True)
    return Response(status=204)


# --- the list ----------------------------------------------------------------------------


def _remembered_search(filters: listing.Filters) -> str:
    token = session.get(SEARCH_NAMES, {}).get(filters.name_key or "")
    if not isinstance(token, str):
        return filters.reference or ""
    try:
        return data_keys().decrypt(token).decode()
    except DecryptionError:
        return ""


@bp.get("/")
def dashboard():
    filters = filters_from_request()
    try:
        before = listing.Cursor.decode(request.args.get("before"))
        after = listing.Cursor.decode(request.args.get("after"))
    except listing.BadFilter:
        abort(400)
    page = listing.page(filters, clinic_zone(), current_app.config["DASHBOARD_PAGE_SIZE"], before, after)
    return render_template(
        "clinician/dashboard.html",
        filters=filters,
        page=page,
        submission_link=_submission_link_prefix(),
        labels=workspace.labels_for(page.rows),
        waiting=workspace.unreviewed_flagged(),
        attention=attention.waiting(utcnow()),
        search_text=_remembered_search(filters),
        first_page=before is None and after is None,
    )


def _submission_link_prefix() -> str:
    """Each row's link is this followed by its public id: one url_for for the page, not
    one per row (8% of the page under cProfile). Public ids are UUIDs: nothing to quote."""
    return url_for("clinician.submission", public_id="-").removesuffix("-")


@bp.post("/")
def search():
    """The filter form posts here so that a searched name never appears in a URL."""
    try:
        filters = listing.parse_filters(
            {k: request.form.get(k, "") for k in ("status", "tier", "from", "to")}
        )
    except listing.BadFilter:
        abort(400)
    text = request.form.get("q", "")
    filters = listing.with_search(filters, text)
    # Remember the words typed only to show them in the box again, in this session. The
    # cookie is readable by anyone holding it, so the name goes in encrypted.
    typed = " ".join(text.split())[:100]
    session[SEARCH_NAMES] = (
        {filters.name_key: data_keys().encrypt(typed.encode())} if filters.name_key else {}
    )
    return redirect(url_for("clinician.dashboard", **filters.as_args()))


# --- one submission ----------------------------------------------------------------------


def submission_or_404(public_id: str) -> Submission:
    found = workspace.find_submitted(public_id)
    if found is None:
        abort(404, description=NO_SUCH_SUBMISSION)
    return found


def _render_submission(found: Submission, note_form: NoteForm) -> str:
    summary = build_summary(QUESTIONNAIRE, found.answers, today=clinic_today())
    earlier = visits.earlier_visits(QUESTIONNAIRE, found)
    # This form's photos and the earlier forms' in one query.
    galleries = gallery.galleries_of([found.id, *(other.id for other in earlier.submissions)])
    page = render_template(
        "clinician/submission.html",
        submission=found,
        summary=summary,
        read=first_read(QUESTIONNAIRE, found.answers, found.submitted_at.date()),
        visits=earlier,
        media=galleries[found.id],
        earlier_media=_earlier_photos(earlier.submissions, galleries),
        safety=safety_box(SafetyRecord.from_json(found.safety_record), summary.safety, found.safety_tier),
        callbacks=attention.callbacks_of(found),
        questionnaire=QUESTIONNAIRE,
        notes=workspace.notes_for(found),
        history=audit.status_history(found),
        note_form=note_form,
    )
    # The earlier submissions' answers were read too (what changed): the trail names them.
    shown = ", ".join(s.reference for s in earlier.submissions)
    audit.commit_after_reading(
        audit.event(Action.VIEWED, me(), found, detail=f"with earlier: {shown}" if shown else "")
    )
    return page


def _earlier_photos(
    others: list[Submission], galleries: dict[int, gallery.Gallery]
) -> list[tuple[Submission, gallery.Gallery]]:
    """The same person's earlier forms that had photos, newest first: rows to compare."""
    return [(other, galleries[other.id]) for other in others if galleries[other.id].photo_count]


@bp.get("/submissions/<public_id>")
def submission(public_id: str):
    return _render_submission(submission_or_404(public_id), NoteForm(formdata=None))


@bp.post("/submissions/<public_id>/reviewed")
def mark_reviewed(public_id: str):
    found = submission_or_404(public_id)
    if workspace.mark_reviewed(found, me(), utcnow()):
        audit.record(Action.REVIEWED, me(), found)
        db.session.commit()
        flash(f"{found.reference} is marked as reviewed.")
    return redirect(url_for("clinician.submission", public_id=found.public_id))


@bp.post("/submissions/<public_id>/reopen")
def reopen(public_id: str):
    found = submission_or_404(public_id)
    if workspace.reopen(found):
        audit.record(Action.REOPENED, me(), found)
        db.session.commit()
        flash(f"{found.reference} is back to new.")
    return redirect(url_for("clinician.submission", public_id=found.public_id))


@bp.post("/submissions/<public_id>/unlink/<other_id>")
def unlink_visit(public_id: str, other_id: str):
    """A clinician's "not the same person": the other form leaves this one's earlier
    submissions (and this one leaves the other's)."""
    found, other = submission_or_404(public_id), submission_or_404(other_id)
    if request.form.get("confirm") != "yes":  # the button on the summary asks first
        return render_template("clinician/unlink_confirm.html", submission=found, other=other)
    if visits.unlink(found, other, me(), utcnow()):
        audit.record(Action.PERSON_UNLINKED, me(), found, detail=f"not the same person as {other.reference}")
        db.session.commit()
        flash(f"{other.reference} is no longer listed as this person's.")
    return redirect(url_for("clinician.submission", public_id=found.public_id))


@bp.post("/submissions/<public_id>/notes")
def add_note(public_id: str):
    found = submission_or_404(public_id)
    form = NoteForm()
    if not form.validate():
        return _render_submission(found, form), 422
    workspace.add_note(found, me(), form.body.data, utcnow())
    audit.record(Action.NOTE_ADDED, me(), found)
    db.session.commit()
    flash("Your note is added.")
    return redirect(url_for("clinician.submission", public_id=found.public_id, _anchor="notes"))
