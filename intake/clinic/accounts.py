"""Clinician accounts: password policy and hashing, sign-in, and session lifetimes.

Use-cases flush and never commit; the view commits once.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, session
from flask_login import current_user, login_user, logout_user
from sqlalchemy import bindparam, func, select

from intake.extensions import db, login_manager
from intake.models import REFERENCE_ALPHABET, Clinician, Role
from intake.security.blind_index import search_key
from intake.security.text import comparable

MIN_PASSWORD = 12
MAX_PASSWORD = 128
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
COMMON_PASSWORDS = Path(__file__).parents[1] / "data" / "common-passwords.txt"

LOGIN_AT = "clinic_login_at"
SEEN_AT = "clinic_seen_at"
# The idle clock moves at most this often: an unchanged session is not signed and sent
# again with every response. The idle limit is so at most this much shorter than set.
SEEN_STEP_SECONDS = 15
# Between the password and the second factor: which account, since when, where to go next.
# The session is not signed in (Flask-Login knows no user) until the second factor is done.
PENDING = "clinic_pending"
# The audit label of a failed sign-in whose name matched no account (typed_name_label).
UNKNOWN_NAME_PREFIX = "unknown name #"
SECOND_FACTOR_CHECKED = "clinic_second_factor"


# --- passwords ---------------------------------------------------------------------------


@cache
def common_passwords() -> frozenset[str]:
    return frozenset(COMMON_PASSWORDS.read_text(encoding="utf-8").split())


def password_problem(password: str, username: str = "") -> str | None:
    """Why a new password is refused, or None. Length and commonness only (ASVS 6.2)."""
    if len(password) < MIN_PASSWORD:
        return f"Use at least {MIN_PASSWORD} characters. A few unrelated words work well."
    if len(password) > MAX_PASSWORD:
        return f"Use at most {MAX_PASSWORD} characters."
    lowered = password.casefold()
    # "sunshine2024!!" is "sunshine" to a cracking tool.
    stem = re.sub(r"[\d\W_]+$", "", lowered)
    if lowered in common_passwords() or stem in common_passwords():
        return "This password is too common. Choose something less easy to guess."
    if len(set(lowered)) < 5:
        return "This password repeats too few characters. Choose something less easy to guess."
    if username and username.casefold() in lowered:
        return "Do not use your username in your password."
    return None


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"],
        memory_cost=config["ARGON2_MEMORY_KIB"],
        parallelism=config["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def _matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _spend_equal_time(password: str) -> None:
    """Hash once for an unknown username so that timing does not reveal which names exist."""
    if "intake_dummy_hash" not in current_app.extensions:
        current_app.extensions["intake_dummy_hash"] = hash_password(secrets.token_hex(16))
    _matches(current_app.extensions["intake_dummy_hash"], password)


def one_time_password() -> str:
    """16 characters from the unambiguous reference alphabet (about 79 bits), in groups."""
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(16))
    return "-".join(code[i : i + 4] for i in range(0, 16, 4))


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


# --- accounts ----------------------------------------------------------------------------


def normalise_username(username: str) -> str:
    """The one form of a username that is stored, looked up, rate-limited and audited:
    "Dr.Bob", "dr.\x01bob", "dr.bob\u200b" and full-width "ｄｒ．ｂｏｂ" are one account."""
    return comparable(username)


def find_by_username(username: str) -> Clinician | None:
    return db.session.scalar(select(Clinician).where(Clinician.username == normalise_username(username)))


def any_clinician() -> bool:
    return bool(db.session.scalar(select(func.count(Clinician.id))))


def create_clinician(username: str, display_name: str, role: str, now: datetime) -> tuple[Clinician, str]:
    """A new account and its one-time password, which must be changed at first sign-in."""
    if role not in Role.ALL:
        raise ValueError(f"unknown role {role!r}")
    password = one_time_password()
    clinician = Clinician(
        username=normalise_username(username),
        display_name=display_name.strip(),
        role=role,
        password_hash=hash_password(password),
        must_change_password=True,
        active=True,
        session_token=new_session_token(),
        created_at=now,
    )
    db.session.add(clinician)
    db.session.flush()
    return clinician, password


def reset_password(clinician: Clinician) -> str:
    password = one_time_password()
    clinician.password_hash = hash_password(password)
    clinician.must_change_password = True
    end_all_sessions(clinician)
    return password


def change_password(clinician: Clinician, new_password: str) -> None:
    clinician.password_hash = hash_password(new_password)
    clinician.must_change_password = False
    end_all_sessions(clinician)


def set_active(clinician: Clinician, active: bool) -> None:
    clinician.active = active
    end_all_sessions(clinician)


def end_all_sessions(clinician: Clinician) -> None:
    """Every cookie naming the old token stops working (the user loader finds no one)."""
    clinician.session_token = new_session_token()
    db.session.flush()


@dataclass(frozen=True)
class Attempt:
    clinician: Clinician | None  # set only when the sign-in succeeds
    account: Clinician | None  # the named account, if it exists (for the audit trail)
    reason: str  # for the audit trail only; people see one generic message


def authenticate(username: str, password: str) -> Attempt:
    account = find_by_username(username)
    if account is None:
        _spend_equal_time(password)
        return Attempt(None, None, "unknown account")
    if not _matches(account.password_hash, password):
        return Attempt(None, account, "wrong password")
    if not account.active:
        return Attempt(None, account, "inactive account")
    if _hasher().check_needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
    return Attempt(account, account, "")


def password_is(clinician: Clinician, password: str) -> bool:
    return _matches(clinician.password_hash, password)


def account_limit_key(username: str) -> str:
    # From the same normalised name the sign-in checks, so no variant of a locked name
    # gets an allowance of its own. Hashed so that typed usernames (or passwords typed in
    # the wrong box) stay out of the rate limiter's storage and logs.
    return "account:" + hashlib.sha256(normalise_username(username).encode()).hexdigest()[:32]


def typed_name_label(username: str) -> str:
    """What the audit trail keeps of a sign-in with a name no account has: a keyed hash
    (the same typed name twice gives the same label), never the text, which may be a
    password typed into the wrong box."""
    digest = hmac.new(search_key(), b"sign-in name:" + normalise_username(username).encode(), hashlib.sha256)
    return UNKNOWN_NAME_PREFIX + digest.hexdigest()[:12]


# --- sessions ----------------------------------------------------------------------------

# Run on every signed-in request: built once (building it cost as much as running it).
SIGNED_IN = select(Clinician).where(Clinician.session_token == bindparam("token"), Clinician.active.is_(True))


@login_manager.user_loader
def load_clinician(session_token: str) -> Clinician | None:
    return db.session.scalar(SIGNED_IN, {"token": session_token})


def begin_session(clinician: Clinician, now: datetime, second_factor_checked: bool = False) -> None:
    """Fresh session contents (nothing carried over from before sign-in)."""
    session.clear()
    login_user(clinician)
    # A browser-session cookie: closing the browser ends it. The server-side
    # timestamps below bound it whatever the browser keeps.
    session.permanent = False
    session[LOGIN_AT] = session[SEEN_AT] = time.time()
    session[SECOND_FACTOR_CHECKED] = second_factor_checked
    clinician.last_login_at = now
    db.session.flush()


def begin_pending_sign_in(clinician: Clinician, next_target: str | None) -> None:
    """The password was right; the second factor comes next. Nothing is signed in yet."""
    session.clear()
    session.permanent = False
    session[PENDING] = {"token": clinician.session_token, "at": time.time(), "next": next_target}


def pending_sign_in() -> tuple[Clinician, str | None] | None:
    """The account waiting for its second factor in this browser, and where it was going;
    None if there is none, it took too long, or the account changed (token renewed)."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    started, token = pending.get("at"), pending.get("token")
    limit = current_app.config["SECOND_FACTOR_MINUTES"] * 60
    if not isinstance(started, (int, float)) or not isinstance(token, str) or time.time() - started > limit:
        return None
    clinician = load_clinician(token)
    next_target = pending.get("next")
    return (clinician, next_target if isinstance(next_target, str) else None) if clinician else None


def second_factor_checked() -> bool:
    return session.get(SECOND_FACTOR_CHECKED) is True


def mark_second_factor_checked() -> None:
    session[SECOND_FACTOR_CHECKED] = True


def renew_session(clinician: Clinician) -> None:
    """Keep this browser signed in after the token changed (e.g. a new password)."""
    login_user(clinician)


def end_session() -> None:
    logout_user()
    session.clear()


def session_expiry() -> str | None:
    """ "idle" or "lifetime" when this session has run out, else None."""
    now = time.time()
    config = current_app.config
    started, seen = session.get(LOGIN_AT), session.get(SEEN_AT)
    if not isinstance(started, (int, float)) or not isinstance(seen, (int, float)):
        return "lifetime"
    if now - started > config["CLINICIAN_SESSION_HOURS"] * 3600:
        return "lifetime"
    if now - seen > config["CLINICIAN_IDLE_MINUTES"] * 60:
        return "idle"
    return None


def touch_session(always: bool = False) -> None:
    now, seen = time.time(), session.get(SEEN_AT)
    if always or not isinstance(seen, (int, float)) or now - seen >= SEEN_STEP_SECONDS:
        session[SEEN_AT] = now


def idle_seconds_left() -> int:
    """Seconds until this session's idle limit, from its last stamp (for the warning)."""
    limit = current_app.config["CLINICIAN_IDLE_MINUTES"] * 60
    seen = session.get(SEEN_AT)
    return max(int(limit - (time.time() - seen)), 0) if isinstance(seen, (int, float)) else limit


def configure(app) -> None:
    # Flask-Login's own context processor loads the account before every render, even
    # of a page that never shows it; the proxy loads it only when a template asks. So a
    # page that does not (the plain error page) still renders with the database down.
    login_manager.init_app(app, add_context_processor=False)
    app.jinja_env.globals["current_user"] = current_user
    app.jinja_env.globals["idle_seconds_left"] = idle_seconds_left
    login_manager.login_view = "clinician.login"
    login_manager.session_protection = "basic"
