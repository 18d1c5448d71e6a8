"""The workspace in a real browser: the idle warning and its "Stay signed in" button."""

from __future__ import annotations

from tests.browser.conftest import DESKTOP, screenshot, sign_in
from tests.browser.driver import click_and_wait
from tests.conftest import make_clinician


def test_it_warns_before_the_idle_sign_out_and_can_stay_signed_in(live_app, server, new_page):
    live_app.config["CLINICIAN_IDLE_MINUTES"] = 1  # the warning then shows after 1 second
    make_clinician(live_app, "dr.ana", display_name="Dr. Ana Ruiz")
    page = new_page(viewport=DESKTOP)
    sign_in(page, server.url, live_app)
    warning = page.locator("#idle-warning")
    warning.wait_for(state="visible", timeout=5000)
    assert page.evaluate("document.activeElement.hasAttribute('data-stay-signed-in')")
    screenshot(page, "clinic-idle-warning")
    with page.expect_response(lambda r: r.url.endswith("/clinic/keepalive") and r.status == 204):
        page.click("[data-stay-signed-in]")
    warning.wait_for(state="hidden", timeout=900)
    page.goto(server.url + "/clinic/")
    assert page.url.endswith("/clinic/")


def test_it_sets_up_two_step_sign_in_in_the_browser(live_app, server, new_page):
    """First sign-in of an admin: password, the QR code (an image made on the server, under
    the page's CSP), the code, the recovery codes; no axe-core violations on these pages."""
    import re

    import pyotp
    from axe_playwright_python.sync_playwright import Axe

    from tests.conftest import CLINICIAN_PASSWORD

    make_clinician(live_app, "boss", role="admin", display_name="Pat Admin", second_factor=False)
    page = new_page(viewport=DESKTOP)
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.goto(server.url + "/clinic/login")
    page.fill("#username", "boss")
    page.fill("#password", CLINICIAN_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/clinic/second-factor/setup")
    qr = page.locator("img.qr-code")
    assert qr.evaluate("image => image.complete && image.naturalWidth > 100"), "the QR code is drawn"
    violations = Axe().run(
        page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag22aa"]}}
    )
    assert violations.violations_count == 0, violations.generate_report()
    screenshot(page, "clinic-second-factor-setup")
    secret = re.sub(r"\s", "", page.inner_text(".secret-key"))
    page.fill("#code", pyotp.TOTP(secret).now())
    click_and_wait(page, "button[type=submit]")
    assert page.locator(".recovery-codes li").count() == 10
    screenshot(page, "clinic-recovery-codes")
    click_and_wait(page, "text=I have saved my codes")
    assert page.url.endswith("/clinic/"), "signed in"
    assert not blocked, blocked
