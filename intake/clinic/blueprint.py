"""The clinicians' blueprint and its gate: deny by default, every route needs a signed-in
clinician (with the second factor their account needs, within the idle and absolute time
limits) except those in PUBLIC and SECOND_STEP. Also the helpers every route module of
the workspace shares: the signed-in clinician, the admin check, the clinic's time zone.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import wraps
from typing import Callable
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_login import current_user

from intake import audit, listing
from intake.audit import Action
from intake.clinic import accounts, mfa
from intake.errors import ErrorPages, render_error
from intake.extensions import db
from intake.security.crypto import DecryptionError
from intake.security.headers import SAFE_METHODS
from intake.storage.database import start_reading

bp = Blueprint("clinician", __name__, url_prefix="/clinic")


def is_workspace_request() -> bool:
    """Under /clinic, a route or not: a mistyped workspace address is the workspace's too."""
    return request.path == bp.url_prefix or request.path.startswith(bp.url_prefix + "/")


# Staff see errors in the workspace's layout, with a way back to it, not the patient's page.
ERROR_PAGES = ErrorPages(applies=is_workspace_request, template="clinician/error.html")

PUBLIC = frozenset({"clinician.login"})
# The second step of signing in, reached before the session is signed in: these views
# find the account waiting for its second factor themselves (second_factor.py).
SECOND_STEP = frozenset({"clinician.second_factor", "clinician.second_factor_setup"})
# Asked by a page's own timer, not by the clinician: it does not move the idle clock.
NOT_ACTIVITY = frozenset({"clinician.session_left"})
# Where a clinician who must change their password may still go.
BEFORE_NEW_PASSWORD = frozenset({"clinician.change_password", "clinician.logout"})
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# --- the gate ----------------------------------------------------------------------------


@bp.before_request
def read_pages_without_the_write_lock() -> None:
    """GET pages read and render in a plain (deferred) transaction on SQLite, so workers
    serve them side by side and no save waits on a render. Before the gate, whose user
    loader runs the first query. What a GET must write goes after: see audit.commit_after_reading."""
    if request.method in SAFE_METHODS:
        start_reading(db.session)


@bp.before_request
def require_clinician():
    if request.endpoint in PUBLIC:
        return None
    if not current_user.is_authenticated:
        if request.endpoint in SECOND_STEP:
            return None
        target = _this_address() if request.method == "GET" else None
        return redirect(url_for("clinician.login", next=target))
    expired = accounts.session_expiry()
    if expired:
        return _sign_out(expired, _expiry_message(expired))
    if mfa.required_for(me()) and not accounts.second_factor_checked():
        # Signed in without the second factor this account now needs (its role or the
        # policy changed, or a session was made some other way): start again.
        return _sign_out("no second factor", "Sign in again with your second factor.")
    if request.endpoint not in NOT_ACTIVITY:
        accounts.touch_session()
    if current_user.must_change_password and request.endpoint not in BEFORE_NEW_PASSWORD:
        return redirect(url_for("clinician.change_password"))
    return None


def _this_address() -> str:
    # Werkzeug's full_path ends in a bare "?" when there is no query string.
    return request.full_path if request.query_string else request.path


def _sign_out(reason: str, message: str):
    audit.commit_after_reading(audit.event(Action.SESSION_EXPIRED, me(), detail=reason))
    accounts.end_session()
    flash(message)
    return redirect(url_for("clinician.login"))


def _expiry_message(reason: str) -> str:
    if reason == "idle":
        minutes = current_app.config["CLINICIAN_IDLE_MINUTES"]
        unit = "minute" if minutes == 1 else "minutes"
        return f"You were signed out after {minutes} {unit} without activity. Sign in again."
    return "Your session reached its time limit. Sign in again."


def admin_required(view: Callable) -> Callable:
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(403, description="Only an administrator can open this page.")
        return view(*args, **kwargs)

    return wrapped


def me():
    """The signed-in clinician (the model object, not Flask-Login's proxy)."""
    return current_user._get_current_object()


def clinic_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["CLINIC_TIMEZONE"])


def clinic_today() -> date:
    return datetime.now(clinic_zone()).date()


@bp.app_template_filter("clinic_time")
def clinic_time(moment: datetime | None) -> str:
    if moment is None:
        return ""
    # Spelled out rather than strftime's %b and %p: a sixth of the cost (the list shows
    # one a row), and English whatever the server's locale, like the rest of the workspace.
    local = moment.astimezone(clinic_zone())
    hour = local.hour
    return f"{_day(local)}, {hour % 12 or 12}:{local.minute:02d} {'PM' if hour >= 12 else 'AM'}"


@bp.app_template_filter("clinic_day")
def clinic_day(moment: datetime) -> str:
    return _day(moment.astimezone(clinic_zone()))


def _day(local: datetime) -> str:
    return f"{MONTHS[local.month - 1]} {local.day}, {local.year}"


# Clinician pages are English only (patients see the translated generic 500 message).
UNREADABLE = (
    "This record failed its integrity check, so nothing of it is shown: it was changed "
    "outside this app, or the key that encrypted it is no longer configured "
    "(INTAKE_DATA_KEYS). Tell your administrator; the event is logged."
)


@bp.errorhandler(DecryptionError)
def unreadable_record(error: DecryptionError):
    # Fail closed: nothing of the record is shown, and the page says why.
    db.session.rollback()
    current_app.logger.critical("stored health data failed its integrity check at %s", request.endpoint)
    return render_error(500, UNREADABLE)


NO_SUCH_SUBMISSION = "There is no submission at this address."


def filters_from_request() -> listing.Filters:
    try:
        return listing.parse_filters(request.args)
    except listing.BadFilter:
        abort(400, description="The filters in this address were not understood. Clear them and try again.")
