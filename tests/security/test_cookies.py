"""Session cookies: HttpOnly, SameSite=Lax, and in production Secure with the __Host-
prefix; a copied cookie stops working on the server after logout, deactivation, a
password change or a timeout."""

from __future__ import annotations

from datetime import timedelta
from http.cookies import SimpleCookie

import pytest
import time_machine

from intake.extensions import db
from intake.models import utcnow
from tests.conftest import Clinic, Patient, make_clinician, make_production_app
from tests.security.test_headers import _https


def _session_cookie(response, name: str):
    for header in response.headers.getlist("Set-Cookie"):
        parsed = SimpleCookie()
        parsed.load(header)
        if name in parsed:
            return parsed[name], header
    raise AssertionError(f"no {name} cookie in {response.headers.getlist('Set-Cookie')}")


def _assert_protected(response, name: str, secure: bool) -> None:
    morsel, header = _session_cookie(response, name)
    assert morsel["httponly"] is True, header
    assert morsel["samesite"] == "Lax", header
    assert morsel["path"] == "/", header
    assert not morsel["domain"], "no Domain: the cookie stays on this host"
    assert not morsel["expires"] and not morsel["max-age"], "a browser-session cookie"
    assert bool(morsel["secure"]) is secure, header


@pytest.fixture
def production(monkeypatch, tmp_path):
    app = _https(make_production_app(monkeypatch, f"sqlite:///{tmp_path / 'prod.db'}"))
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.mark.sqlite_only
def test_production_cookies_are_secure_host_only_httponly_and_lax(production):
    make_clinician(production)
    _assert_protected(Clinic(production, production.test_client()).login(), "__Host-intake", secure=True)
    _assert_protected(Patient(production.test_client()).start(), "__Host-intake", secure=True)


def test_cookies_are_httponly_and_lax_everywhere(app, client):
    make_clinician(app)
    _assert_protected(Clinic(app, client).login(), "intake_session", secure=False)
    _assert_protected(Patient(app.test_client()).start(), "intake_session", secure=False)


def _replay(app, cookie: str):
    """What a thief holding a copy of the cookie gets."""
    thief = app.test_client()
    thief.set_cookie("intake_session", cookie)
    return thief.get("/clinic/")


def test_a_copied_cookie_fails_after_deactivation(app, admin):
    other = make_clinician(app, "dr.bo")
    bo = Clinic(app, app.test_client(), "dr.bo")
    bo.login()
    copied = bo.cookie()
    assert _replay(app, copied).status_code == 200, "the copy works while the session does"
    admin.post(f"/clinic/admin/accounts/{other}/deactivate", token_from="/clinic/admin/accounts")
    admin.post(f"/clinic/admin/accounts/{other}/reactivate", token_from="/clinic/admin/accounts")
    assert _replay(app, copied).location.startswith("/clinic/login"), "even once reactivated"


def test_a_copied_cookie_fails_after_logout_even_if_signed_in_again(app, clinician):
    copied = clinician.cookie()
    clinician.logout()
    clinician.login()
    assert _replay(app, copied).location.startswith("/clinic/login")


def test_a_copied_cookie_fails_after_a_password_reset_by_an_admin(app, client):
    make_clinician(app, "boss", role="admin")
    target = make_clinician(app, "dr.bo")
    bo = Clinic(app, app.test_client(), "dr.bo")
    bo.login()
    copied = bo.cookie()
    admin = Clinic(app, client, "boss")
    admin.login()
    admin.post(f"/clinic/admin/accounts/{target}/reset-password", token_from="/clinic/admin/accounts")
    assert _replay(app, copied).location.startswith("/clinic/login")


def test_a_copied_cookie_fails_after_the_idle_timeout(app, client):
    make_clinician(app)
    with time_machine.travel(utcnow(), tick=False) as traveller:
        clinic = Clinic(app, client)
        clinic.login()
        copied = clinic.cookie()
        traveller.shift(timedelta(minutes=16))
        assert _replay(app, copied).location == "/clinic/login"


def test_a_cookie_planted_before_sign_in_is_not_the_session_after(app, client):
    make_clinician(app)
    client.get("/clinic/login")
    planted = client.get_cookie("intake_session").value
    Clinic(app, client).login()
    assert client.get_cookie("intake_session").value != planted
    assert _replay(app, planted).location.startswith("/clinic/login")


def test_the_cookie_signer_is_built_once_and_still_follows_the_keys(app, patient):
    """The signing serializer is cached per set of keys: built once, yet a new key (as
    in a rotation with the old one kept as a fallback) still gets its own."""
    interface = app.session_interface
    assert patient.start().status_code == 302
    first = interface.get_signing_serializer(app)
    assert patient.client.get("/step/safety").status_code == 200  # the cookie still opens
    assert interface.get_signing_serializer(app) is first
    old_key = app.secret_key
    app.secret_key = "a-rotated-secret-key-" + "r" * 40
    app.config["SECRET_KEY_FALLBACKS"] = [old_key]
    assert interface.get_signing_serializer(app) is not first
    assert patient.client.get("/step/safety").status_code == 200  # signed with the old key


def test_a_cookie_expires_and_a_forged_one_opens_nothing(app, patient):
    assert patient.start().status_code == 302
    cookie = patient.client.get_cookie("intake_session").value
    interface = app.session_interface
    lifetime = app.permanent_session_lifetime

    def opened(value: str):
        with app.test_request_context(headers={"Cookie": f"intake_session={value}"}):
            from flask import request

            return dict(interface.open_session(app, request))

    assert opened(cookie).get("draft")
    with time_machine.travel(utcnow() + lifetime + timedelta(seconds=5), tick=False):
        assert opened(cookie) == {}, "older than the session lifetime"
    forged = cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB")
    assert opened(forged) == {}
