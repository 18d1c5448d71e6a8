"""The workspace in a real browser: the idle warning and its "Stay signed in" button."""

from __future__ import annotations

from ..conftest import CLINICIAN_PASSWORD, make_clinician
from .conftest import DESKTOP, screenshot


def test_it_warns_before_the_idle_sign_out_and_can_stay_signed_in(live_app, server, new_page):
    live_app.config["CLINICIAN_IDLE_MINUTES"] = 1  # the warning then shows after 1 second
    make_clinician(live_app, "dr.ana", display_name="Dr. Ana Ruiz")
    page = new_page(viewport=DESKTOP)
    page.goto(server.url + "/clinic/login")
    page.fill("#username", "dr.ana")
    page.fill("#password", CLINICIAN_PASSWORD)
    page.click("button[type=submit]")
    warning = page.locator("#idle-warning")
    warning.wait_for(state="visible", timeout=5000)
    assert page.evaluate("document.activeElement.hasAttribute('data-stay-signed-in')")
    screenshot(page, "clinic-idle-warning")
    with page.expect_response(lambda r: r.url.endswith("/clinic/keepalive") and r.status == 204):
        page.click("[data-stay-signed-in]")
    warning.wait_for(state="hidden", timeout=900)
    page.goto(server.url + "/clinic/")
    assert page.url.endswith("/clinic/")
