"""Browser tests: the real app served on 127.0.0.1, driven by Debian's Chromium.

Outside CI a missing Chromium skips these tests with the reason; in CI (CI=true) it fails
them, so CI can never go green without running them.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.browser.driver import click_and_wait
from tests.conftest import CLINICIAN_PASSWORD, app_with_schema, fresh_totp_code
from tests.live_server import LiveServer

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def _require_chromium() -> None:
    if shutil.which(CHROMIUM) or Path(CHROMIUM).exists():
        return
    reason = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture
def live_app(tmp_path):
    with app_with_schema(f"sqlite:///{tmp_path / 'browser.db'}") as app:
        yield app


@pytest.fixture
def server(live_app):
    with LiveServer(live_app) as live:
        yield live


@pytest.fixture(scope="session")
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser):
    contexts = []

    def open_page(viewport=PHONE, javascript=True):
        context = browser.new_context(viewport=viewport, java_script_enabled=javascript)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def screenshot(page, name: str) -> None:
    """Screenshots land in test-artifacts/ (not committed) for a person to look at."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def sign_in(page, base_url: str, app, username: str = "dr.ana") -> None:
    """Both steps, as a person does: the password, then the code their app shows."""
    page.goto(base_url + "/clinic/login")
    page.fill("#username", username)
    page.fill("#password", CLINICIAN_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/clinic/login/second-factor")
    page.fill("#code", fresh_totp_code(app, username))
    # A click waits only until the next page starts loading; the callers read it at once.
    click_and_wait(page, "button[type=submit]")
