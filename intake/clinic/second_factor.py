"""The second step of signing in (same blueprint as clinician.py): a code from an
authenticator app or a recovery code, and setting the app up.

Until the second factor is checked the browser holds only a pending sign-in
(accounts.pending_sign_in): Flask-Login knows no user, so the gate sends every other
workspace page to the sign-in page. Wrong codes are limited per account.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user
from werkzeug.wrappers import Response

from intake import audit
from intake.audit import Action
from intake.clinic import accounts, mfa
from intake.clinic.blueprint import bp, me
from intake.clinic.forms import CodeForm
from intake.clinic.views import after_sign_in
from intake.extensions import db, limiter
from intake.models import Clinician, utcnow
from intake.storage.database import finish_reading

WRONG_CODE = "That code did not work. Enter the current code from your app, or an unused recovery code."
WRONG_SETUP_CODE = (
    "That code did not work. Check the time on your phone, then enter the code the app shows now."
)
TOO_MANY_CODES = (
    "Too many wrong codes. Wait 15 minutes and try again, or ask an administrator to reset "
    "your two-step sign-in."
)
SIGN_IN_AGAIN = "Sign in again: the page waited too long for your code."
ENROLLING = "clinic_enrolling"


def _account_in_progress() -> Clinician | None:
    """Whose second factor this request is about: the pending sign-in, else the signed-in user."""
    if current_user.is_authenticated:
        return me()
    pending = accounts.pending_sign_in()
    return pending[0] if pending else None


def _limit_key() -> str:
    account = _account_in_progress()
    return f"second-factor:{account.id}" if account else f"second-factor:{get_remote_address()}"


def _wrong_code(response: Response) -> bool:
    return response.status_code == 401


def _record_throttled_code(limit) -> None:
    """A code refused by the limit, kept in the audit trail as a wrong one is."""
    pending = accounts.pending_sign_in()
    audit.record(
        Action.SECOND_FACTOR_THROTTLED, pending[0] if pending else None, detail=f"limit {limit.limit}"
    )
    db.session.commit()


# The app's codes and recovery codes share one count per account, on both pages.
code_limit = limiter.shared_limit(
    lambda: current_app.config["SECOND_FACTOR_LIMIT"],
    scope="second-factor",
    key_func=_limit_key,
    methods=["POST"],
    deduct_when=_wrong_code,
    error_message=TOO_MANY_CODES,
    on_breach=_record_throttled_code,
)


def _sign_in(account: Clinician, method: str, next_target: str | None) -> str:
    """The second factor is done: a fresh, fully signed-in session. Where to go next."""
    audit.record(Action.SECOND_FACTOR_OK, account, detail=method)
    accounts.begin_session(account, utcnow(), second_factor_checked=True)
    audit.record(Action.LOGIN, account, detail=f"with {method}")
    return after_sign_in(account, next_target)


@bp.route("/login/second-factor", methods=["GET", "POST"])
@code_limit
def second_factor():
    if current_user.is_authenticated:
        return redirect(url_for("clinician.dashboard"))
    pending = accounts.pending_sign_in()
    if pending is None:
        flash(SIGN_IN_AGAIN)
        return redirect(url_for("clinician.login"))
    account, next_target = pending
    if not account.has_second_factor:
        return redirect(url_for("clinician.second_factor_setup"))
    form = CodeForm()
    if not form.is_submitted():  # a GET, or a HEAD (monitors, link checkers)
        return render_template("clinician/second_factor.html", form=form)
    if not form.validate():
        return render_template("clinician/second_factor.html", form=form), 422
    result = mfa.check(account, form.code.data, utcnow())
    if not result.ok:
        audit.record(Action.SECOND_FACTOR_FAILED, account, detail=result.reason)
        db.session.commit()
        return render_template("clinician/second_factor.html", form=form, error=WRONG_CODE), 401
    left = mfa.recovery_codes_left(account) if result.method == "recovery code" else None
    if left is not None:
        audit.record(Action.RECOVERY_CODE_USED, account, detail=f"{left} left")
    target = _sign_in(account, result.method, next_target)
    db.session.commit()
    if left is not None:  # after _sign_in, which starts the session afresh
        flash(
            f"You used a recovery code; {left} are left. If you lost your phone, ask an "
            "administrator to reset your two-step sign-in."
        )
    return redirect(target)


@bp.route("/second-factor/setup", methods=["GET", "POST"])
@code_limit
def second_factor_setup():
    finish_reading(db.session)  # every visit may write: a write transaction, even for a GET
    signing_in = not current_user.is_authenticated
    pending = accounts.pending_sign_in() if signing_in else (me(), None)
    if pending is None:
        flash(SIGN_IN_AGAIN)
        return redirect(url_for("clinician.login"))
    account, next_target = pending
    if account.has_second_factor:
        return redirect(url_for("clinician.second_factor" if signing_in else "clinician.dashboard"))
    # Made on this browser's first visit and kept, so a reload shows the same code to scan.
    secret = mfa.pending_secret(account, session.get(ENROLLING))
    session[ENROLLING] = mfa.fingerprint(secret)
    db.session.commit()
    form = CodeForm()
    if not form.is_submitted():  # a GET, or a HEAD (monitors, link checkers)
        return _render_setup(account, secret, form)
    if not form.validate():
        return _render_setup(account, secret, form, status=422)
    codes = mfa.confirm(account, form.code.data, utcnow())
    if codes is None:
        audit.record(Action.SECOND_FACTOR_FAILED, account, detail="setup: wrong code")
        db.session.commit()
        return _render_setup(account, secret, form, error=WRONG_SETUP_CODE, status=401)
    audit.record(Action.SECOND_FACTOR_ENROLLED, account)
    session.pop(ENROLLING, None)
    if signing_in:
        target = _sign_in(account, "authenticator app", next_target)
    else:
        accounts.mark_second_factor_checked()
        target = url_for("clinician.dashboard")
    db.session.commit()
    # Shown in this response only: never in a redirect, a flash, the session or a log.
    return render_template("clinician/recovery_codes.html", codes=codes, continue_url=target)


def _render_setup(
    account: Clinician, secret: str, form: CodeForm, error: str | None = None, status: int = 200
):
    uri = mfa.provisioning_uri(account, secret)
    page = render_template(
        "clinician/second_factor_setup.html",
        form=form,
        error=error,
        qr=mfa.qr_data_uri(uri),
        secret=mfa.grouped(secret),
    )
    return page, status
