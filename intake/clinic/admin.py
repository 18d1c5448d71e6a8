"""Admin pages of the workspace (same blueprint, same gate): accounts and the audit trail."""

from __future__ import annotations

import re

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from intake import audit
from intake.audit import Action, AuditQuery
from intake.clinic import accounts, mfa
from intake.clinic.blueprint import admin_required, bp, me
from intake.clinic.forms import AccountForm
from intake.extensions import db
from intake.forms import ButtonForm
from intake.listing import normalise_reference
from intake.models import Clinician, Submission, utcnow

AUDIT_PAGE_SIZE = 100


def _accounts() -> list[Clinician]:
    return list(db.session.scalars(select(Clinician).order_by(Clinician.active.desc(), Clinician.username)))


def _render_accounts(form: AccountForm, status: int = 200, created: tuple[Clinician, str] | None = None):
    page = render_template(
        "clinician/accounts.html", accounts=_accounts(), form=form, button=ButtonForm(), created=created
    )
    return page, status


@bp.get("/admin/accounts", endpoint="accounts")
@admin_required
def account_list():
    return _render_accounts(AccountForm(formdata=None))


@bp.post("/admin/accounts")
@admin_required
def create_account():
    form = AccountForm()
    if not form.validate():
        if form.role.errors:
            abort(400)  # only a tampered form sends a role that is not offered
        return _render_accounts(form, 422)
    if accounts.find_by_username(form.username.data):
        form.username.errors.append("There is already an account with this username.")
        return _render_accounts(form, 422)
    clinician, password = accounts.create_clinician(
        form.username.data, form.display_name.data, form.role.data, utcnow()
    )
    audit.record(Action.ACCOUNT_CREATED, me(), detail=f"{clinician.username} ({clinician.role})")
    db.session.commit()
    # Shown once, in this response only: never put in a redirect, a flash or a log.
    return _render_accounts(AccountForm(formdata=None), 201, created=(clinician, password))


# The account's key is an INTEGER column: a larger number names no account, and SQLite's
# driver cannot even bind one over 2**63 (an OverflowError, a 500, before this check).
LARGEST_ID = 2**31 - 1


def _account_or_404(clinician_id: int) -> Clinician:
    found = db.session.get(Clinician, clinician_id) if clinician_id <= LARGEST_ID else None
    if found is None:
        abort(404)
    return found


@bp.post("/admin/accounts/<int:clinician_id>/deactivate")
@admin_required
def deactivate_account(clinician_id: int):
    account = _account_or_404(clinician_id)
    if account.id == me().id:
        flash("You cannot deactivate your own account. Ask another administrator.")
        return redirect(url_for("clinician.accounts"))
    accounts.set_active(account, False)
    audit.record(Action.ACCOUNT_DEACTIVATED, me(), detail=account.username)
    db.session.commit()
    flash(f"{account.username} is deactivated and signed out everywhere.")
    return redirect(url_for("clinician.accounts"))


@bp.post("/admin/accounts/<int:clinician_id>/reactivate")
@admin_required
def reactivate_account(clinician_id: int):
    account = _account_or_404(clinician_id)
    accounts.set_active(account, True)
    audit.record(Action.ACCOUNT_REACTIVATED, me(), detail=account.username)
    db.session.commit()
    flash(f"{account.username} can sign in again.")
    return redirect(url_for("clinician.accounts"))


@bp.post("/admin/accounts/<int:clinician_id>/reset-password")
@admin_required
def reset_password(clinician_id: int):
    account = _account_or_404(clinician_id)
    if account.id == me().id:
        flash("Change your own password from “Change password”.")
        return redirect(url_for("clinician.accounts"))
    password = accounts.reset_password(account)
    audit.record(Action.PASSWORD_RESET, me(), detail=account.username)
    db.session.commit()
    return _render_accounts(AccountForm(formdata=None), 200, created=(account, password))


@bp.post("/admin/accounts/<int:clinician_id>/reset-second-factor")
@admin_required
def reset_second_factor(clinician_id: int):
    """For a lost phone: the account is signed out everywhere and sets up a new second
    factor at its next sign-in (its password still needed)."""
    account = _account_or_404(clinician_id)
    if account.id == me().id:
        flash("Ask another administrator to reset your own two-step sign-in.")
        return redirect(url_for("clinician.accounts"))
    mfa.reset(account)
    audit.record(Action.SECOND_FACTOR_RESET, me(), detail=account.username)
    db.session.commit()
    flash(f"{account.username} sets up two-step sign-in again at their next sign-in.")
    return redirect(url_for("clinician.accounts"))


@bp.get("/admin/audit")
@admin_required
def audit_log():
    action = request.args.get("action") or None
    before = request.args.get("before") or None
    if action not in (None, *Action.ALL) or (before is not None and not re.fullmatch(r"\d{1,18}", before)):
        abort(400)
    query = AuditQuery(
        action, request.args.get("actor") or None, _submission_public_id(request.args.get("ref"))
    )
    events, next_id = audit.browse(query, int(before) if before else None, AUDIT_PAGE_SIZE)
    return render_template(
        "clinician/audit.html",
        events=events,
        next_id=next_id,
        actions=Action.ALL,
        references=_references(events),
        args={k: v for k, v in request.args.items() if k in ("action", "actor", "ref") and v},
    )


def _references(events: list) -> dict[str, str]:
    ids = {event.submission_public_id for event in events if event.submission_public_id}
    if not ids:
        return {}
    found = db.session.execute(
        select(Submission.public_id, Submission.reference).where(Submission.public_id.in_(ids))
    )
    return {public_id: reference for public_id, reference in found}


def _submission_public_id(reference: str | None) -> str | None:
    """The audit trail stores public ids; admins search by the reference they know."""
    if not reference:
        return None
    canonical = normalise_reference(reference)
    found = canonical and db.session.scalar(
        select(Submission.public_id).where(Submission.reference == canonical)
    )
    return found or "-"  # "-" matches nothing: an unknown reference gives an empty list
