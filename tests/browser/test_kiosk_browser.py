"""A waiting-room tablet in Chromium (issue 28, part 9): a page left alone warns, then
clears itself for the next patient; "I am still here" keeps it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.answers import COMPLETE_FORM
from tests.browser.conftest import screenshot
from tests.browser.driver import click_and_wait, css_id, fill_with_mouse, start_with_mouse
from tests.conftest import app_with_schema
from tests.live_server import LiveServer

IDLE_SECONDS = 4  # warned at 2 s (half of a setting under two minutes), cleared at 4 s


@pytest.fixture
def kiosk_server(tmp_path):
    with app_with_schema(
        f"sqlite:///{tmp_path / 'kiosk.db'}", KIOSK_MODE=True, KIOSK_IDLE_SECONDS=IDLE_SECONDS
    ) as app:
        with LiveServer(app) as live:
            yield live


def test_a_page_left_alone_warns_then_clears_itself_and_back_shows_nothing(kiosk_server, page):
    start_with_mouse(page, kiosk_server.url)
    fill_with_mouse(page, COMPLETE_FORM["safety"])
    click_and_wait(page, "button[value=next]")
    page.fill(css_id("about.first_name"), "Ana")
    warning = page.locator("#kiosk-warning")
    expect(warning).to_be_visible(timeout=4000)
    expect(page.locator("[data-kiosk-stay]")).to_be_focused()
    screenshot(page, "phone-kiosk-warning")
    page.click("[data-kiosk-stay]")
    expect(warning).to_be_hidden()
    page.wait_for_url(kiosk_server.url + "/", timeout=8000)
    assert page.locator(css_id("consent.agree")).is_visible(), "the welcome page, for the next patient"
    page.go_back()
    assert "Ana" not in page.content() and not page.url.endswith("/step/about")
