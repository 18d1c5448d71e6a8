"""The patient's printable copy as Chromium prints it: their name and reference on every
page, their answers and the clinic's details, no buttons and no scores."""

from __future__ import annotations

import io

from pypdf import PdfReader

from tests.browser.conftest import ARTIFACTS, DESKTOP
from tests.browser.driver import click_and_wait, complete_with_mouse


def test_it_prints_the_patients_copy_with_name_and_reference_on_every_page(server, new_page):
    page = new_page(viewport=DESKTOP)
    complete_with_mouse(page, server.url)
    reference = page.text_content(".reference").strip()
    click_and_wait(page, "text=See and print a copy of your answers")
    pdf = page.pdf(format="Letter")
    (ARTIFACTS / "print").mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "print" / "patient-copy.pdf").write_bytes(pdf)

    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) >= 2, "a full copy runs over more than one page: the header must repeat"
    for text in pages:
        assert text.splitlines()[0].startswith(f"{reference} · Ana Canary-Lopez · Your answers")
    whole = " ".join(" ".join(pages).split())  # PDF text wraps lines anywhere
    assert "Cold wind" in whole and "(212) 434-4050" in whole and "call 911 now" in whole
    for absent in ("Print this page", "Español", "GAD-7", "Score"):
        assert absent not in whole
