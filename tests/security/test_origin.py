"""Every absolute link the app writes starts with PUBLIC_URL, never with the Host header
of the request that caused it (the hardening issue, point 1): with `Host: evil.example`
the clinic's email once said "Sign in to read it: http://evil.example/...". Production
serves only its public host."""

from __future__ import annotations

import re

import pytest

from config import TestingConfig
from intake import create_app
from intake.security.origin import configure
from tests.conftest import make_production_app

EVIL = {"Host": "evil.example"}


def test_the_resume_link_and_the_api_links_are_on_the_public_url_whatever_the_host(app):
    from intake.security.origin import external_url_for, request_path_url

    with app.test_request_context("/fhir/QuestionnaireResponse", headers=EVIL):
        assert external_url_for("patient.resume", token="t0k3n") == "http://localhost/resume/t0k3n"
        assert request_path_url() == "http://localhost/fhir/QuestionnaireResponse"


def test_the_saved_page_shows_the_resume_link_on_the_public_url(app, patient):
    patient.start()
    patient.answer("safety")
    patient.answer("about", {"about.first_name": "Ana"}, action="later")
    page = patient.client.get("/saved").get_data(as_text=True)
    assert re.search(r'href="http://localhost/resume/[^"]+"', page)


def test_the_clinics_email_link_is_on_the_public_url(app):
    from intake import notify

    with app.test_request_context("/submit", headers=EVIL):
        link = notify._link(notify.Notice("0f8fad5b-d9cb-469f-a165-70867728950e", "ABCD-2345", "emergency"))
    assert link == "http://localhost/clinic/submissions/0f8fad5b-d9cb-469f-a165-70867728950e"
    with app.app_context():  # sent from a job, outside any request
        assert notify._link(notify.Notice("x", "ABCD-2345", "none")).startswith("http://localhost/clinic/")


def test_production_answers_another_host_with_400_and_its_own_page(monkeypatch, tmp_path):
    app = make_production_app(monkeypatch, f"sqlite:///{tmp_path / 'p.db'}")
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    refused = client.get("/", headers=EVIL)
    assert refused.status_code == 400
    assert "Traceback" not in refused.get_data(as_text=True)
    long_label = client.get("/", headers={"Host": "a" * 70 + ".example"})
    assert long_label.status_code == 400


@pytest.mark.parametrize("host", ["a" * 70 + ".example", "x..y", "a" * 300])
def test_a_host_no_address_can_be_built_for_is_a_400_not_a_500(client, host):
    response = client.get("/", headers={"Host": host})
    assert response.status_code == 400 and "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "bad", ["intake.example.org", "ftp://intake.example.org", "https://x.org/path", "https://"]
)
def test_it_refuses_a_public_url_that_is_not_an_origin(bad):
    app = create_app(type("T", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": "sqlite://"}))
    app.config["PUBLIC_URL"] = bad
    with pytest.raises(RuntimeError, match="PUBLIC_URL must be"):
        configure(app)
