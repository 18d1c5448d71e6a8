"""The clinician's workspace in Chromium: the daily task end to end, and every page free
of axe-core violations and of horizontal overflow on a phone."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from intake.extensions import db
from intake.models import Role, Submission
from tests.answers import MARIA
from tests.browser.conftest import DESKTOP, PHONE, fresh_totp_code, sign_in
from tests.browser.driver import click_and_wait
from tests.browser.test_accessibility import check_page
from tests.conftest import CLINICIAN_PASSWORD, make_clinician, make_submission


def test_it_signs_in_opens_a_submission_and_marks_it_reviewed(live_app, server, new_page):
    make_clinician(live_app, "dr.ana", display_name="Dr. Ana Ruiz")
    make_submission(live_app, {**MARIA, "safety.signs": ["speech"]}, reference="REVW-2345")
    page = new_page(viewport=DESKTOP)
    sign_in(page, server.url, live_app)
    assert page.url.endswith("/clinic/")
    assert page.is_visible("text=REVW-2345")
    click_and_wait(page, "text=REVW-2345")
    assert page.is_visible("text=Emergency")
    click_and_wait(page, "text=Mark as reviewed")
    with live_app.app_context():
        reviewed = db.session.scalar(select(Submission).where(Submission.reference == "REVW-2345"))
        assert reviewed.status == "reviewed" and reviewed.reviewed_at is not None


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_it_has_no_accessibility_violations_on_clinician_pages(live_app, server, new_page, viewport):
    make_clinician(live_app, "admin", role=Role.ADMIN, display_name="Admin")
    public_id = make_submission(live_app, {**MARIA, "safety.signs": ["ear_rash"]}, reference="AXE2-3456")
    page = new_page(viewport=viewport)
    page.goto(server.url + "/clinic/login")
    check_page(page, "clinic-login", viewport)
    page.fill("#username", "admin")
    page.fill("#password", "wrong password entirely")
    click_and_wait(page, "button[type=submit]")
    check_page(page, "clinic-login-error", viewport)
    page.fill("#username", "admin")
    page.fill("#password", CLINICIAN_PASSWORD)
    click_and_wait(page, "button[type=submit]")
    check_page(page, "clinic-second-factor", viewport)
    page.fill("#code", fresh_totp_code(live_app, "admin"))
    click_and_wait(page, "button[type=submit]")
    for name, path in [
        ("clinic-dashboard", "/clinic/"),
        ("clinic-dashboard-filtered", "/clinic/?tier=urgent&status=new"),
        ("clinic-summary", f"/clinic/submissions/{public_id}"),
        ("clinic-password", "/clinic/password"),
        ("clinic-accounts", "/clinic/admin/accounts"),
        ("clinic-audit", "/clinic/admin/audit"),
    ]:
        page.goto(server.url + path)
        assert page.url.startswith(server.url + path.split("?")[0]), (path, page.url)
        check_page(page, name, viewport)
