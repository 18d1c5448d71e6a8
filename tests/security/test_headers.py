"""Security headers on every response of every route (signed in where the route needs
it, with real ids and tokens), HSTS in production, and no third-party resources."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from intake.extensions import db
from tests.answers import MARIA
from tests.conftest import CSRF_PATTERN, Clinic, Patient, make_clinician, make_production_app, make_submission

ROOT = Path(__file__).resolve().parents[2]
ROUTE_ARG = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
CSP_DIRECTIVES = ("default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'")


def _https(app):
    """As behind the TLS-terminating load balancer (ProxyFix/gunicorn set the scheme)."""
    inner = app.wsgi_app
    app.wsgi_app = lambda environ, start: inner({**environ, "wsgi.url_scheme": "https"}, start)
    return app


def _token(client, path: str) -> str:
    return CSRF_PATTERN.search(client.get(path).get_data(as_text=True)).group(1)


def _patient_with_everything(app) -> tuple[Patient, str]:
    """A patient who sent one form and has a second one complete, and its resume token."""
    patient = Patient(app.test_client())
    patient.complete_all_steps()
    assert patient.submit().status_code == 302
    patient.complete_all_steps()
    patient.post("/later", token_from="/review")
    link = re.search(r"/resume/([A-Za-z0-9_-]+)", patient.client.get("/saved").get_data(as_text=True))
    return patient, link.group(1)


def _order(rule, method: str) -> tuple:
    # Pages first, then posts; signing out last so that everything before is signed in.
    return (rule.endpoint == "clinician.logout", method != "GET", rule.rule, method)


def walk(app) -> list[tuple[str, str, str, object]]:
    """(endpoint, method, path, response) for every method of every route."""
    make_clinician(app, "boss", role="admin")
    other = make_clinician(app, "dr.bo")
    admin = Clinic(app, app.test_client(), "boss")
    assert admin.login().status_code == 302
    patient, token = _patient_with_everything(app)
    public_id = make_submission(app, MARIA)
    values = {
        "step_id": "about",
        "token": token,
        "public_id": public_id,
        "media_id": public_id,
        "rendition": "main",
        "other_id": public_id,
        "resource_id": public_id,
        "clinician_id": str(other),
        "filename": "css/app.css",
    }
    tokens = {"admin": _token(admin.client, "/clinic/password"), "patient": _token(patient.client, "/review")}
    pairs = [
        (rule, method) for rule in app.url_map.iter_rules() for method in rule.methods - {"HEAD", "OPTIONS"}
    ]
    seen = []
    for rule, method in sorted(pairs, key=lambda pair: _order(*pair)):
        who = "admin" if rule.endpoint.startswith("clinician.") else "patient"
        client = (admin if who == "admin" else patient).client
        path = ROUTE_ARG.sub(lambda m: values[m.group(1)], rule.rule)
        data = {"csrf_token": tokens[who]} if method == "POST" else None
        response = client.open(path, method=method, data=data)
        response.get_data()  # a streamed response (the CSV) holds its context until closed
        response.close()
        seen.append((rule.endpoint, method, path, response))
    return seen


def _assert_headers(response, where: str, static: bool = False, production: bool = False) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    assert all(directive in csp for directive in CSP_DIRECTIVES), where
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, where
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy") == "no-referrer", where
    assert response.headers.get("X-Request-ID"), where
    if not static:
        assert response.headers.get("Cache-Control") == "no-store", where
    if production:
        hsts = re.fullmatch(
            r"max-age=(\d+); includeSubDomains", response.headers.get("Strict-Transport-Security", "")
        )
        assert hsts and int(hsts.group(1)) >= 31536000, where
    else:
        assert "Strict-Transport-Security" not in response.headers, "HSTS only where HTTPS is certain"


def _check_walk(app, production: bool) -> None:
    seen = walk(app)
    endpoints = {endpoint for endpoint, *_ in seen}
    assert endpoints == {rule.endpoint for rule in app.url_map.iter_rules()}, "every route was visited"
    for endpoint, method, path, response in seen:
        where = f"{method} {path} ({response.status_code})"
        assert response.status_code < 500, where
        _assert_headers(response, where, static=endpoint == "static", production=production)
    pages = [
        path for endpoint, method, path, response in seen if method == "GET" and response.status_code == 200
    ]
    assert len(pages) >= 15, f"the walk reached real pages, not only redirects: {pages}"


def test_every_route_sends_the_security_headers(app):
    _check_walk(app, production=False)


@pytest.mark.sqlite_only
def test_every_route_sends_the_security_headers_and_hsts_in_production(monkeypatch, tmp_path):
    app = _https(make_production_app(monkeypatch, f"sqlite:///{tmp_path / 'prod.db'}"))
    with app.app_context():
        db.create_all()
    try:
        _check_walk(app, production=True)
    finally:
        with app.app_context():
            db.engine.dispose()


def test_error_pages_send_the_headers_too(app, client):
    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    responses = (
        client.get("/no/such/page"),
        client.get("/boom"),
        client.put("/review"),
        client.post("/", data={"x": "y" * 400_000}),
    )
    assert [response.status_code for response in responses] == [404, 500, 405, 413]
    for response in responses:
        _assert_headers(response, f"error {response.status_code}")


# --- no third parties --------------------------------------------------------------------

EXTERNAL = re.compile(r"""(?:src|href|action|srcset|poster|data)\s*=\s*["']?\s*(?:https?:)?//""", re.I)
CSS_EXTERNAL = re.compile(r"""(?:@import|url\()\s*["']?\s*(?:https?:)?//""", re.I)
INLINE = re.compile(r"""<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle\s*=|\son[a-z]+\s*=""", re.I)


def test_no_template_or_stylesheet_loads_anything_from_another_site():
    templates = sorted((ROOT / "templates").rglob("*.html"))
    stylesheets = sorted((ROOT / "static").rglob("*.css"))
    assert len(templates) > 15 and stylesheets
    for template in templates:
        text = template.read_text(encoding="utf-8")
        assert not EXTERNAL.search(text), template
        assert not INLINE.search(text), f"{template}: inline script, style or handler (CSP blocks them)"
    for sheet in stylesheets:
        assert not CSS_EXTERNAL.search(sheet.read_text(encoding="utf-8")), sheet
    for script in (ROOT / "static").rglob("*.js"):
        assert not re.search(r"https?://", script.read_text(encoding="utf-8")), script


def test_a_cross_site_form_post_is_refused_even_with_a_valid_token(app, client):
    patient = Patient(client)
    token = patient.token()
    refused = client.post(
        "/", data={"csrf_token": token, "consent.agree": "y"}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert refused.status_code == 403
    accepted = client.post(
        "/",
        data={
            "csrf_token": token,
            "consent.agree": "y",
            "consent.language": "en",
            "consent.respondent": "patient",
        },
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert accepted.status_code == 302


@pytest.mark.sqlite_only
def test_forms_work_over_https_without_a_referer(monkeypatch, tmp_path):
    """Referrer-Policy: no-referrer means browsers send none; production must still work."""
    app = _https(make_production_app(monkeypatch, f"sqlite:///{tmp_path / 'prod.db'}"))
    with app.app_context():
        db.create_all()
    try:
        make_clinician(app)
        response = Clinic(app, app.test_client()).login()
        assert response.status_code == 302 and response.location == "/clinic/"
    finally:
        with app.app_context():
            db.engine.dispose()
