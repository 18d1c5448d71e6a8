"""The second factor: TOTP secrets (RFC 6238), codes accepted once, recovery codes.

Use-cases flush and never commit; the view commits once. No Flask request state here
(the session side of the two-step sign-in is in second_factor.py).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime

import pyotp
import segno
from flask import current_app
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from intake.clinic.accounts import end_all_sessions, one_time_password
from intake.extensions import db
from intake.models import Clinician, RecoveryCode

RECOVERY_CODES = 10
# One time step (30 s) either side of the server's clock: a phone a little fast or slow,
# or a code typed just as it changed, still works.
DRIFT_STEPS = 1
TOTP_PATTERN = re.compile(r"^\d{6}$")


def required_for(clinician: Clinician) -> bool:
    """Whether this account signs in with a second factor."""
    return (
        clinician.has_second_factor
        or clinician.is_admin
        or bool(current_app.config["MFA_REQUIRED_FOR_CLINICIANS"])
    )


# --- enrolment ---------------------------------------------------------------------------


def fingerprint(secret: str) -> str:
    """What a browser keeps to recognise the secret it was shown (never the secret)."""
    return hashlib.sha256(secret.encode()).hexdigest()[:32]


def pending_secret(clinician: Clinician, seen: str | None) -> str:
    """The secret being set up in this browser: the same on every reload (`seen` is its
    fingerprint, kept in this browser's session), a new one for any other browser or
    sign-in, so that a secret shown somewhere else is never the one confirmed here."""
    if clinician.has_second_factor:
        raise ValueError("this account already has a second factor")
    if not clinician.totp_secret or fingerprint(clinician.totp_secret) != seen:
        clinician.totp_secret = pyotp.random_base32()  # 160 bits
        clinician.totp_last_counter = None
        db.session.flush()
    return clinician.totp_secret


def provisioning_uri(clinician: Clinician, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(
        name=clinician.username, issuer_name=current_app.config["MFA_ISSUER"]
    )


def qr_data_uri(uri: str) -> str:
    """The QR code as an SVG data: URI, made here: the secret never leaves the server.

    An <img> with a data: URI needs no inline script or style (the CSP allows img-src
    data:) and no Markup(): the template escapes it like any other value.
    """
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=4, dark="#000", light="#fff")


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def confirm(clinician: Clinician, code: str, now: datetime) -> list[str] | None:
    """Check the first code from the app; on success the factor is on and the ten recovery
    codes are returned (to be shown once). None if the code is wrong."""
    if clinician.has_second_factor or not clinician.totp_secret:
        return None
    if not accept_code(clinician, code, now):
        return None
    clinician.totp_confirmed_at = now
    db.session.flush()
    return issue_recovery_codes(clinician)


# --- signing in ----------------------------------------------------------------------------


def normalise(code: str) -> str:
    return re.sub(r"[\s-]+", "", code or "").upper()


def is_totp_shaped(code: str) -> bool:
    return bool(TOTP_PATTERN.match(normalise(code)))


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def accept_code(clinician: Clinician, code: str, now: datetime) -> bool:
    """True once per time step: the counter moves forward in one conditional UPDATE, so a
    replayed code (even from two requests at once) is refused."""
    code = normalise(code)
    if not clinician.totp_secret or not TOTP_PATTERN.match(code):
        return False
    step = _matching_step(clinician.totp_secret, code, now)
    if step is None:
        return False
    moved = db.session.execute(
        update(Clinician)
        .where(
            Clinician.id == clinician.id,
            or_(Clinician.totp_last_counter.is_(None), Clinician.totp_last_counter < step),
        )
        .values(totp_last_counter=step)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        return False
    set_committed_value(clinician, "totp_last_counter", step)
    return True


@dataclass(frozen=True)
class Check:
    ok: bool
    method: str  # "authenticator app" or "recovery code", for the audit trail
    reason: str = ""  # why it failed, for the audit trail only


def check(clinician: Clinician, typed: str, now: datetime) -> Check:
    """A code from the app, or else one of the recovery codes."""
    if not clinician.has_second_factor:
        return Check(False, "none", "no second factor set up")
    if is_totp_shaped(typed):
        if accept_code(clinician, typed, now):
            return Check(True, "authenticator app")
        return Check(False, "authenticator app", "wrong or already used code")
    if use_recovery_code(clinician, typed, now):
        return Check(True, "recovery code")
    return Check(False, "recovery code", "wrong or already used recovery code")


# --- recovery codes ------------------------------------------------------------------------


def _hash(code: str) -> str:
    return hashlib.sha256(normalise(code).encode()).hexdigest()


def issue_recovery_codes(clinician: Clinician) -> list[str]:
    """Ten new codes (the old ones stop working); only their hashes are stored."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.clinician_id == clinician.id))
    codes = [one_time_password() for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(clinician_id=clinician.id, code_hash=_hash(code)) for code in codes)
    db.session.flush()
    return codes


def use_recovery_code(clinician: Clinician, typed: str, now: datetime) -> bool:
    """Spend one code: a conditional UPDATE, so that a code works once even if sent twice."""
    if not normalise(typed):
        return False
    spent = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.clinician_id == clinician.id,
            RecoveryCode.code_hash == _hash(typed),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return spent.rowcount == 1


def recovery_codes_left(clinician: Clinician) -> int:
    return db.session.scalar(
        select(func.count(RecoveryCode.id)).where(
            RecoveryCode.clinician_id == clinician.id, RecoveryCode.used_at.is_(None)
        )
    )


# --- an administrator's reset --------------------------------------------------------------


def reset(clinician: Clinician) -> None:
    """Remove the second factor and its recovery codes, and sign the account out
    everywhere: the next sign-in sets up a new one."""
    clinician.totp_secret = None
    clinician.totp_confirmed_at = None
    clinician.totp_last_counter = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.clinician_id == clinician.id))
    end_all_sessions(clinician)
