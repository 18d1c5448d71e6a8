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


def test_two_idle_tabs_do_not_keep_each_other_signed_in(live_app, server, browser):
    """Found by a review helper: each tab reloaded itself when its own timer ran out, the
    reload counted as activity, and two tabs kept a session alive for hours, each reload
    writing a "viewed" row. Automatic logoff: HIPAA 164.312(a)(2)(iii); checklist item 4.
    The tabs' clocks and the server's move together, 17 minutes in 10-second steps."""
    import re
    from datetime import datetime, timezone

    import time_machine
    from sqlalchemy import func, select

    from intake.extensions import db
    from intake.models import AuditEvent
    from tests.answers import MARIA
    from tests.conftest import make_submission

    def views() -> int:
        with live_app.app_context():
            return db.session.scalar(select(func.count()).where(AuditEvent.action == "submission.viewed"))

    make_clinician(live_app, "dr.ana", display_name="Dr. Ana Ruiz")
    summary = f"{server.url}/clinic/submissions/{make_submission(live_app, MARIA)}"
    context = browser.new_context(viewport=DESKTOP)
    context.clock.install()
    first = context.new_page()
    sign_in(first, server.url, live_app)
    with time_machine.travel(datetime.now(timezone.utc), tick=True) as traveller:
        first.goto(summary)
        traveller.shift(40)
        context.clock.run_for(40_000)
        second = context.new_page()
        second.goto(summary)  # the last activity
        assert views() == 2
        for _ in range(6 * 17):
            traveller.shift(10)
            context.clock.run_for(10_000)
            first.wait_for_timeout(30)  # real time, for the tabs' questions to be answered
        for tab in (first, second):
            tab.wait_for_url(re.compile(r"/clinic/login(\?|$)"), timeout=5000)
        assert views() == 2, "no page view was written while nobody was there"
    context.close()
