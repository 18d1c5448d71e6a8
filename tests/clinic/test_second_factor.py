"""Two-step sign-in: a password alone never reaches health data; codes work once; recovery
codes are shown once and stored as hashes; wrong codes are limited per account; an admin
can reset a lost phone; every step is in the audit trail."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
import time_machine
from sqlalchemy import func, select

from intake.extensions import db
from intake.models import AuditEvent, Clinician, RecoveryCode, ReviewNote, Submission, utcnow
from tests.answers import MARIA
from tests.conftest import (
    CSRF_PATTERN,
    RECOVERY_CODE_PATTERN,
    Clinic,
    fresh_totp_code,
    make_app,
    make_clinician,
    make_submission,
    totp_secret,
)


def _account(app, username: str = "dr.ana") -> Clinician:
    with app.app_context():
        return db.session.scalar(select(Clinician).where(Clinician.username == username))


def _events(app, action: str) -> list[tuple[str, str]]:
    with app.app_context():
        rows = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
        return [(e.actor_label, e.detail) for e in rows]


def _fill(rule, values: dict[str, str]) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: values[m.group(1)], rule.rule)


# --- a password alone reaches nothing ------------------------------------------------------


def test_a_session_after_the_password_step_only_reaches_no_clinician_page(app, client):
    make_clinician(app, "boss", role="admin")
    public_id = make_submission(app, MARIA)
    clinic = Clinic(app, client, "boss")
    assert clinic.password_step().location == "/clinic/login/second-factor"
    token = clinic.token()
    values = {
        "public_id": public_id, "other_id": public_id, "clinician_id": str(_account(app, "boss").id),
        "media_id": public_id, "rendition": "main",
    }  # fmt: skip
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("clinician.")]
    assert len(rules) >= 18
    for rule in rules:
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(
                _fill(rule, values), method=method, data={"csrf_token": token, "body": "x"}
            )
            page = response.get_data(as_text=True)
            assert "Lopez" not in page and "Maria" not in page, f"{method} {rule.rule} showed health data"
            if rule.endpoint in ("clinician.second_factor", "clinician.second_factor_setup"):
                assert response.status_code in (200, 302, 422), f"{method} {rule.rule}"
            elif rule.endpoint == "clinician.login":
                assert response.status_code in (200, 422)
            else:
                assert response.status_code == 302, f"{method} {rule.rule} answered {response.status_code}"
                assert response.location.startswith("/clinic/login"), f"{method} {rule.rule}"
    with app.app_context():
        assert db.session.scalar(select(func.count(ReviewNote.id))) == 0
        assert db.session.scalar(select(Submission.status)) == "new"
        viewed = db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "submission.viewed")
        )
        assert viewed == 0


def test_the_password_step_does_not_sign_the_browser_in(app, client):
    make_clinician(app)
    Clinic(app, client).password_step()
    with client.session_transaction() as session:
        assert "_user_id" not in session, "Flask-Login knows no user before the second factor"
        assert session["clinic_pending"]["token"] == _account(app).session_token


def test_it_signs_in_with_password_and_code_and_audits_each_step(app, client):
    make_clinician(app)
    clinic = Clinic(app, client)
    clinic.password_step()
    assert "Enter your code" in client.get("/clinic/login/second-factor").get_data(as_text=True)
    response = clinic.enter_code(pyotp.TOTP(totp_secret(app, "dr.ana")).now())
    assert response.status_code == 302 and response.location == "/clinic/"
    assert client.get("/clinic/").status_code == 200
    assert _events(app, "login.password") == [("dr.ana", "second factor next")]
    assert _events(app, "second_factor.ok") == [("dr.ana", "authenticator app")]
    assert _events(app, "login") == [("dr.ana", "with authenticator app")]


def test_a_wrong_code_is_refused_and_audited(app, client):
    make_clinician(app)
    clinic = Clinic(app, client)
    clinic.password_step()
    response = clinic.enter_code(
        "000000" if pyotp.TOTP(totp_secret(app, "dr.ana")).now() != "000000" else "111111"
    )
    assert response.status_code == 401
    assert "That code did not work" in response.get_data(as_text=True)
    assert client.get("/clinic/").location.startswith("/clinic/login")
    assert _events(app, "second_factor.failed") == [("dr.ana", "wrong or already used code")]


def test_a_code_is_accepted_once_only(app, client):
    make_clinician(app)
    code = pyotp.TOTP(totp_secret(app, "dr.ana")).now()
    first, second = Clinic(app, client), Clinic(app, app.test_client())
    first.password_step()
    second.password_step()
    assert first.enter_code(code).location == "/clinic/"
    replay = second.enter_code(code)
    assert replay.status_code == 401, "the same code in the same time step is a replay"
    assert second.client.get("/clinic/").location.startswith("/clinic/login")


def test_it_accepts_one_time_step_of_clock_drift_and_no_more(app, client):
    make_clinician(app)
    totp = pyotp.TOTP(totp_secret(app, "dr.ana"))
    clinic = Clinic(app, client)
    clinic.password_step()
    assert clinic.enter_code(totp.at(utcnow() - timedelta(seconds=90))).status_code == 401
    assert clinic.enter_code(totp.at(utcnow() - timedelta(seconds=30))).status_code == 302


def test_the_pending_sign_in_expires(app, client):
    make_clinician(app)
    with time_machine.travel(utcnow(), tick=False) as traveller:
        clinic = Clinic(app, client)
        clinic.password_step()
        traveller.shift(timedelta(minutes=11))
        response = clinic.enter_code(pyotp.TOTP(totp_secret(app, "dr.ana")).now())
    assert response.location == "/clinic/login"
    assert client.get("/clinic/").location.startswith("/clinic/login")


def test_deactivation_during_the_second_step_ends_it(app, client):
    make_clinician(app)
    clinic = Clinic(app, client)
    clinic.password_step()
    with app.app_context():
        from intake.clinic import accounts

        accounts.set_active(db.session.scalar(select(Clinician)), False)
        db.session.commit()
    assert clinic.enter_code(fresh_totp_code(app, "dr.ana")).location == "/clinic/login"


# --- limits ----------------------------------------------------------------------------------


def test_it_limits_wrong_codes_per_account_across_sessions_and_addresses(app, client):
    make_clinician(app)
    make_clinician(app, "dr.bo")
    clinic = Clinic(app, client)
    clinic.password_step()
    for _ in range(5):
        assert clinic.enter_code("12345x").status_code == 401
    assert clinic.enter_code(fresh_totp_code(app, "dr.ana")).status_code == 429
    elsewhere = Clinic(app, app.test_client())
    elsewhere.client.environ_base["REMOTE_ADDR"] = "10.0.0.9"
    elsewhere.password_step()
    blocked = elsewhere.enter_code(fresh_totp_code(app, "dr.ana"))
    assert blocked.status_code == 429 and "Too many wrong codes" in blocked.get_data(as_text=True)
    assert Clinic(app, app.test_client(), "dr.bo").login().location == "/clinic/", (
        "other accounts are not affected"
    )
    ana = _account(app).id
    with app.app_context():
        rows = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "second_factor.throttled"))
        assert [row.actor_id for row in rows] == [ana, ana], "each refused code is in the audit trail"


def test_right_codes_do_not_count_against_the_limit(app, client):
    make_clinician(app)
    clinic = Clinic(app, client)
    for _ in range(7):
        assert clinic.login().location == "/clinic/"
        clinic.logout()


# --- setting it up ---------------------------------------------------------------------------


def test_enrolment_shows_a_local_qr_code_and_the_key_then_ten_codes_once(app, client):
    make_clinician(app, second_factor=False)
    clinic = Clinic(app, client)
    assert clinic.password_step().location == "/clinic/second-factor/setup"
    page = client.get("/clinic/second-factor/setup").get_data(as_text=True)
    qr = re.search(r'<img class="qr-code" src="([^"]+)"', page).group(1)
    assert qr.startswith("data:image/svg+xml"), "made on the server, no outside service"
    assert "http" not in qr.replace("http%3A%2F%2Fwww.w3.org%2F2000%2Fsvg", "")
    assert "<script" not in page.split("<main")[1]
    secret = totp_secret(app, "dr.ana")
    assert " ".join(secret[i : i + 4] for i in range(0, 32, 4)) in page
    assert client.get("/clinic/second-factor/setup").get_data(as_text=True).count(secret[:4]) >= 1
    assert totp_secret(app, "dr.ana") == secret, "a reload shows the same key"
    response, _ = clinic.enrol()
    codes = RECOVERY_CODE_PATTERN.findall(response.get_data(as_text=True))
    assert response.status_code == 200 and len(set(codes)) == 10
    assert 'href="/clinic/"' in response.get_data(as_text=True)
    assert client.get("/clinic/").status_code == 200, "setting it up completes the sign-in"
    with app.app_context():
        stored = list(db.session.scalars(select(RecoveryCode.code_hash)))
    assert len(stored) == 10 and not any(
        code in h or code.replace("-", "") in h for code in codes for h in stored
    )
    assert client.get("/clinic/second-factor/setup").location == "/clinic/", "no second look at the codes"
    assert _events(app, "second_factor.enrolled") == [("dr.ana", "")]


def test_a_key_shown_in_another_browser_is_never_the_one_confirmed(app, client):
    make_clinician(app, second_factor=False)
    intruder = Clinic(app, app.test_client())
    intruder.password_step()
    seen = re.search(
        r'secret-key">([A-Z2-7 ]+)<',
        intruder.client.get("/clinic/second-factor/setup").get_data(as_text=True),
    )
    clinic = Clinic(app, client)
    clinic.password_step()
    _response, secret = clinic.enrol()
    assert secret != seen.group(1).replace(" ", "")


def test_a_wrong_setup_code_turns_nothing_on(app, client):
    make_clinician(app, second_factor=False)
    clinic = Clinic(app, client)
    clinic.password_step()
    page = client.get("/clinic/second-factor/setup").get_data(as_text=True)
    response = client.post(
        "/clinic/second-factor/setup",
        data={"csrf_token": CSRF_PATTERN.search(page).group(1), "code": "12345"},
    )
    assert response.status_code == 401 and "That code did not work" in response.get_data(as_text=True)
    assert not _account(app).has_second_factor
    assert client.get("/clinic/").location.startswith("/clinic/login")
    assert _events(app, "second_factor.failed") == [("dr.ana", "setup: wrong code")]


def test_a_recovery_code_signs_in_once(app, client):
    make_clinician(app, second_factor=False)
    clinic = Clinic(app, client)
    clinic.password_step()
    response, _secret = clinic.enrol()
    code = RECOVERY_CODE_PATTERN.findall(response.get_data(as_text=True))[3]
    clinic.logout()
    clinic.password_step()
    used = clinic.enter_code(code.lower().replace("-", " "))
    assert used.location == "/clinic/", "spaces and lower case are forgiven"
    assert "9 are left" in client.get("/clinic/").get_data(as_text=True)
    clinic.logout()
    clinic.password_step()
    assert clinic.enter_code(code).status_code == 401, "each recovery code works once"
    assert _events(app, "recovery_code.used") == [("dr.ana", "9 left")]
    assert _events(app, "second_factor.ok")[-1] == ("dr.ana", "recovery code")
    assert _events(app, "second_factor.failed")[-1] == ("dr.ana", "wrong or already used recovery code")


def test_a_clinician_may_turn_it_on_when_the_clinic_does_not_require_it(database_url):
    app = make_app(database_url, MFA_REQUIRED_FOR_CLINICIANS=False)
    with app.app_context():
        db.drop_all()
        db.create_all()
    make_clinician(app, second_factor=False)
    clinic = Clinic(app, app.test_client())
    assert clinic.login().location == "/clinic/", "a password is enough for this clinic's clinicians"
    assert "Set up two-step sign-in" in clinic.client.get("/clinic/").get_data(as_text=True)
    response, _secret = clinic.enrol()
    assert response.status_code == 200 and clinic.client.get("/clinic/").status_code == 200
    clinic.logout()
    assert clinic.login().location == "/clinic/", "then the code is asked for"
    assert _events(app, "login")[-1] == ("dr.ana", "with authenticator app")
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


# --- who needs it ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "required, role, expected",
    [
        (True, "clinician", "/clinic/second-factor/setup"),
        (True, "admin", "/clinic/second-factor/setup"),
        (False, "clinician", "/clinic/"),
        (False, "admin", "/clinic/second-factor/setup"),
    ],
)
def test_it_requires_the_second_factor_of_admins_always_and_of_clinicians_by_setting(
    database_url, required, role, expected
):
    app = make_app(database_url, MFA_REQUIRED_FOR_CLINICIANS=required)
    with app.app_context():
        db.drop_all()
        db.create_all()
    make_clinician(app, "someone", role=role, second_factor=False)
    assert Clinic(app, app.test_client(), "someone").password_step().location == expected
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


def test_the_setting_is_on_unless_turned_off(monkeypatch):
    import importlib

    import config

    monkeypatch.delenv("MFA_REQUIRED_FOR_CLINICIANS", raising=False)
    assert importlib.reload(config).Config.MFA_REQUIRED_FOR_CLINICIANS is True
    monkeypatch.setenv("MFA_REQUIRED_FOR_CLINICIANS", "false")
    assert importlib.reload(config).Config.MFA_REQUIRED_FOR_CLINICIANS is False
    monkeypatch.delenv("MFA_REQUIRED_FOR_CLINICIANS")
    importlib.reload(config)


def test_a_session_without_the_factor_that_is_now_required_is_ended(app, client):
    app.config["MFA_REQUIRED_FOR_CLINICIANS"] = False
    make_clinician(app, second_factor=False)
    Clinic(app, client).login()
    assert client.get("/clinic/").status_code == 200
    app.config["MFA_REQUIRED_FOR_CLINICIANS"] = True
    response = client.get("/clinic/")
    assert response.location == "/clinic/login"
    assert "Sign in again with your second factor" in client.get("/clinic/login").get_data(as_text=True)


# --- a lost phone ------------------------------------------------------------------------------


def test_an_admin_resets_a_lost_phone_and_it_is_audited(app, client, admin):
    make_clinician(app, "dr.bo")
    bo = Clinic(app, app.test_client(), "dr.bo")
    bo.login()
    bo_id = _account(app, "dr.bo").id
    accounts = client.get("/clinic/admin/accounts").get_data(as_text=True)
    assert f"/clinic/admin/accounts/{bo_id}/reset-second-factor" in accounts
    response = admin.post(
        f"/clinic/admin/accounts/{bo_id}/reset-second-factor", token_from="/clinic/admin/accounts"
    )
    assert response.location == "/clinic/admin/accounts"
    account = _account(app, "dr.bo")
    assert not account.has_second_factor and totp_secret(app, "dr.bo") is None
    assert bo.client.get("/clinic/").location.startswith("/clinic/login"), "signed out everywhere"
    assert bo.password_step().location == "/clinic/second-factor/setup"
    assert _events(app, "account.second_factor_reset") == [("boss", "dr.bo")]
    with app.app_context():
        assert (
            db.session.scalar(select(func.count(RecoveryCode.id)).where(RecoveryCode.clinician_id == bo_id))
            == 0
        )


def test_an_admin_cannot_reset_their_own_second_factor(app, client, admin):
    own = _account(app, "boss").id
    admin.post(f"/clinic/admin/accounts/{own}/reset-second-factor", token_from="/clinic/admin/accounts")
    assert _account(app, "boss").has_second_factor
    assert _events(app, "account.second_factor_reset") == []


def test_the_command_line_resets_the_last_admins_second_factor(app):
    make_clinician(app, "boss", role="admin")
    result = app.test_cli_runner().invoke(args=["reset-second-factor", "BOSS"])
    assert result.exit_code == 0, result.output
    assert not _account(app, "boss").has_second_factor
    assert _events(app, "account.second_factor_reset") == [("cli", "boss")]
    assert app.test_cli_runner().invoke(args=["reset-second-factor", "nobody"]).exit_code != 0


def test_signed_in_pages_never_read_the_secret_and_the_sign_in_still_checks_it(app, client, clinician):
    """The lookup every signed-in request makes leaves the TOTP secret sealed in the
    row; only checking a code or showing enrolment loads it."""
    from sqlalchemy import event

    seen: list[str] = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: seen.append(args[2])  # noqa: E731 (statement)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get("/clinic/").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    lookups = [s for s in seen if "FROM clinician" in s]
    assert lookups and not any("totp_secret" in s for s in lookups)
    assert _account(app).has_second_factor
    fresh = Clinic(app, app.test_client(), "dr.ana")
    assert fresh.password_step().location == "/clinic/login/second-factor"
    assert (
        fresh.enter_code("000000" if fresh_totp_code(app, "dr.ana") != "000000" else "111111").status_code
        == 401
    )
    assert fresh.enter_code(fresh_totp_code(app, "dr.ana")).status_code == 302


@pytest.mark.parametrize("second_factor", [True, False])
def test_a_head_request_to_each_sign_in_page_is_answered_like_a_get(app, client, second_factor):
    """Uptime monitors and link checkers send HEAD: it was taken for a posted form (422)."""
    make_clinician(app, "boss", role="admin", second_factor=second_factor)
    assert client.head("/clinic/login").status_code == 200
    step = Clinic(app, client, "boss").password_step().location
    assert step == ("/clinic/login/second-factor" if second_factor else "/clinic/second-factor/setup")
    assert client.head(step).status_code == 200
