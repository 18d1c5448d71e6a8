"""Errors are for people: a clear page with the clinic's phone, never a trace."""

from __future__ import annotations

from tests.conftest import Patient


def test_it_shows_a_friendly_page_instead_of_a_trace(app):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Traceback" not in page and "secret internals" not in page
    assert "(212) 434-4050" in page


def test_it_refuses_an_oversized_post_kindly(app, patient: Patient):
    patient.start()
    response = patient.answer("visit", {"visit.goals": "x" * 400_000})
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "too much to send" in page
    # The body was too big to read, so it cannot come back as typed: the browser's Back can.
    assert "Back button: what you typed is usually still there." in page
    assert 'href="/step/visit">Go back to your answers' in page


def test_it_answers_a_wrong_method_without_a_trace(client):
    response = client.put("/review")
    assert response.status_code == 405
    assert "Traceback" not in response.get_data(as_text=True)


def test_it_shows_a_404_page_with_the_clinic_phone(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    assert "(212) 434-4050" in response.get_data(as_text=True)


def test_it_sets_security_headers_on_pages(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
