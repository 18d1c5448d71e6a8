"""Signing a clinician in through the real login page."""

from __future__ import annotations

from ..conftest import CLINICIAN_PASSWORD
from .driver import click_and_wait


def sign_in(page, base_url: str, username: str = "dr.ana", password: str = CLINICIAN_PASSWORD) -> None:
    page.goto(base_url + "/clinic/login")
    page.fill("#username", username)
    page.fill("#password", password)
    click_and_wait(page, "button[type=submit]")
