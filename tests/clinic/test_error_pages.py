"""Staff meet errors in the workspace: its layout, its words, a way back to it; never the
patient's page with its "start of the form" link and questionnaire disclaimer."""

from __future__ import annotations

from sqlalchemy.exc import OperationalError

from intake.extensions import db
from tests.conftest import Clinic, make_clinician

PATIENT_ONLY = ("Go to the start of the form", "does not give medical advice")


def _workspace_page(response) -> str:
    page = response.get_data(as_text=True)
    assert 'class="clinic"' in page, "the workspace's layout"
    for text in PATIENT_ONLY:
        assert text not in page
    return page


def test_a_clinician_on_an_admin_page_is_told_why_and_led_back(client, clinician):
    response = client.get("/clinic/admin/accounts")
    assert response.status_code == 403
    page = _workspace_page(response)
    assert "Only an administrator can open this page." in page
    assert 'href="/clinic/">Back to the submissions' in page
    assert "Signed in as Dr. Ana Ruiz" in page, "the workspace's own navigation"


def test_a_mistyped_workspace_address_is_the_workspace_s_404(client):
    response = client.get("/clinic/no-such-page")
    assert response.status_code == 404
    page = _workspace_page(response)
    assert "Page not found" in page
    assert 'href="/clinic/login">Go to sign-in' in page


def test_a_locked_sign_in_says_how_long_and_leads_back_to_sign_in(app, client):
    make_clinician(app)
    clinic = Clinic(app, client)
    for _ in range(5):
        assert clinic.login("dr.ana", "wrong password here").status_code == 401
    blocked = clinic.login()
    assert blocked.status_code == 429
    page = _workspace_page(blocked)
    assert "Wait 15 minutes and try again" in page
    assert 'href="/clinic/login">Go to sign-in' in page


def test_with_the_database_down_a_workspace_page_still_answers_503_without_a_trace(
    client, clinician, monkeypatch
):
    """The workspace's layout reads the signed-in account; when that read fails too, the
    plain error page (which reads nothing) is shown rather than none."""

    def down(*args, **kwargs):
        raise OperationalError("SELECT", {}, Exception("could not connect to server"))

    monkeypatch.setattr(db.session, "connection", down)
    monkeypatch.setattr(db.session, "scalar", down)
    monkeypatch.setattr(db.session, "execute", down)
    response = client.get("/clinic/")
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "The service is busy" in page
    assert "Traceback" not in page and "could not connect" not in page


def test_patients_keep_their_own_error_page(client):
    page = client.get("/step/no-such-step").get_data(as_text=True)
    assert "Go to the start of the form" in page and "does not give medical advice" in page


def test_the_sign_in_address_carries_no_stray_question_mark(client):
    assert client.get("/clinic/").location == "/clinic/login?next=/clinic/"
    assert client.get("/clinic/?status=new").location == "/clinic/login?next=/clinic/?status%3Dnew"
