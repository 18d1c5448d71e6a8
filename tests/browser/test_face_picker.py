"""The patient answers "where" on a drawing too (issue 27, part 3): tapping a place on the
face ticks its checkbox, which stays the answer; the side question follows the halves
tapped. The drawing is like a mirror: the patient's left is on the left of the picture,
and it says so."""

from __future__ import annotations

from tests.answers import COMPLETE_FORM
from tests.browser.conftest import PHONE, screenshot
from tests.browser.driver import click_and_wait, fill_with_mouse, start_with_mouse

PICKER = "[data-face-picker]"


def _region(place: str, side: str) -> str:
    return f'{PICKER} [data-place="{place}"][data-side="{side}"]'


def _to_twitching_page(server, page) -> None:
    start_with_mouse(page, server.url)
    fill_with_mouse(page, COMPLETE_FORM["safety"])
    click_and_wait(page, "button[value=next]")
    fill_with_mouse(page, COMPLETE_FORM["about"])
    click_and_wait(page, "button[value=next]")


def _box(place: str) -> str:
    return f"[name='twitch.where'][value='{place}']"


def test_tapping_the_drawing_ticks_the_places_and_the_side(server, new_page):
    page = new_page(viewport=PHONE)
    _to_twitching_page(server, page)
    assert page.is_visible(PICKER)
    labels = page.locator(f"{PICKER} svg text").all_text_contents()
    assert labels == ["Your left", "Your right"], "the picture's left is the patient's left"
    left_cheek = page.locator(_region("cheek", "left")).bounding_box()
    svg = page.locator(f"{PICKER} svg").bounding_box()
    assert left_cheek["x"] + left_cheek["width"] < svg["x"] + svg["width"] / 2, "as in a mirror"

    page.click(_region("cheek", "left"))
    assert page.is_checked(_box("cheek")) and page.is_checked("[name='twitch.side'][value='left']")
    assert "ticked" in page.get_attribute(_region("cheek", "left"), "class")
    assert "ticked" not in page.get_attribute(_region("cheek", "right"), "class")
    page.click(_region("upper_eyelid", "left"))
    assert page.is_visible("#q-twitch\\.eye_closes"), "the questions that follow a place still follow"
    page.click(_region("chin", "right"))
    assert page.is_checked("[name='twitch.side'][value='both']")
    screenshot(page, "face-picker-phone")
    page.click(_region("cheek", "left"))
    assert not page.is_checked(_box("cheek")), "a second tap unticks it"
    page.check(_box("lips"))
    assert "ticked" in page.get_attribute(_region("lips", "left"), "class"), "the drawing follows the boxes"


def test_the_checkboxes_alone_without_a_script(server, new_page):
    page = new_page(viewport=PHONE, javascript=False)
    _to_twitching_page(server, page)
    assert not page.is_visible(PICKER)
    page.check(_box("cheek"))
    assert page.is_checked(_box("cheek"))


def test_the_drawing_speaks_spanish(server, new_page):
    page = new_page(viewport=PHONE)
    page.goto(server.url + "/")
    fill_with_mouse(page, {**COMPLETE_FORM["welcome"], "consent.language": "es"})
    click_and_wait(page, "button[value=next]")
    fill_with_mouse(page, COMPLETE_FORM["safety"])
    click_and_wait(page, "button[value=next]")
    fill_with_mouse(page, COMPLETE_FORM["about"])
    click_and_wait(page, "button[value=next]")
    assert "como mirarse en un espejo: su izquierda está a la izquierda" in page.inner_text(PICKER)
    assert page.locator(f"{PICKER} svg text").all_text_contents() == ["Su izquierda", "Su derecha"]
    screenshot(page, "face-picker-phone-es")
