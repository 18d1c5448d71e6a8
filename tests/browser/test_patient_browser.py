"""The patient's form in Chromium: mouse, keyboard only, resume, errors, emergency, no JS."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from intake.extensions import db
from intake.models import Status, Submission
from tests.answers import COMPLETE_FORM, STEPS
from tests.browser.conftest import DESKTOP, screenshot
from tests.browser.driver import (
    click_and_wait,
    complete_with_keyboard,
    complete_with_mouse,
    css_id,
    fill_with_mouse,
    start_with_mouse,
)


def stored(app) -> list[Submission]:
    with app.app_context():
        return list(db.session.scalars(select(Submission)))


def test_it_completes_the_whole_questionnaire_with_the_mouse(server, page):
    complete_with_mouse(page, server.url)
    assert page.url.endswith("/done")
    reference = page.text_content(".reference").strip()
    [submission] = stored(server.app)
    assert submission.status == Status.NEW and submission.reference == reference
    assert submission.answers["twitch.triggers_other"] == "Cold wind"
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0


def test_it_completes_the_whole_questionnaire_with_the_keyboard_only(server, page):
    complete_with_keyboard(page, server.url)
    assert page.url.endswith("/done"), page.url
    [submission] = stored(server.app)
    assert submission.status == Status.NEW
    assert submission.answers["about.birth_date"] == "1980-04-23"
    assert submission.answers["twitch.onset"] == "2024-03"
    assert submission.answers["stress.gad7.7"] == "1"


def test_it_completes_the_questionnaire_with_javascript_off(server, new_page):
    page = new_page(javascript=False)
    complete_with_mouse(page, server.url)
    assert page.url.endswith("/done")
    assert len(stored(server.app)) == 1


def _save_for_later_on_the_about_page(page, url: str) -> str:
    """Type a first name, choose "Save and finish later"; the resume link shown."""
    start_with_mouse(page, url)
    fill_with_mouse(page, COMPLETE_FORM["safety"])
    click_and_wait(page, "button[value=next]")
    page.fill(css_id("about.first_name"), "Ana")
    click_and_wait(page, "button[value=later]")
    return page.get_attribute(".resume-link a", "href")


def test_it_resumes_from_the_link_in_a_fresh_browser(server, new_page):
    page = new_page()
    link = _save_for_later_on_the_about_page(page, server.url)

    elsewhere = new_page(viewport=DESKTOP)
    elsewhere.goto(link)
    assert elsewhere.url.endswith("/step/about")
    assert elsewhere.input_value(css_id("about.first_name")) == "Ana"


def test_it_moves_focus_to_the_error_summary_and_links_to_fields(server, page):
    start_with_mouse(page, server.url)
    fill_with_mouse(page, COMPLETE_FORM["safety"])
    click_and_wait(page, "button[value=next]")
    page.fill(css_id("about.first_name"), "Ana")
    page.fill(css_id("about.email"), "not-an-email")
    click_and_wait(page, "button[value=next]")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    screenshot(page, "phone-about-errors")
    assert page.input_value(css_id("about.first_name")) == "Ana"
    page.click('.error-summary a[href="#about.email"]')
    assert page.evaluate("document.activeElement.id") == "about.email"
    # Its question and message in view, not scrolled off above the box (GOV.UK's pattern).
    question_top = page.evaluate(
        "document.getElementById('about.email').closest('.question').getBoundingClientRect().top"
    )
    assert 0 <= question_top < 5, question_top


def test_the_focused_language_button_is_dark_on_yellow(server, page):
    """Found by a keyboard walk: focused, the header's "Español" was white on yellow (1.4:1)."""
    page.goto(server.url + "/")
    page.keyboard.press("Tab")  # the skip link
    while not page.evaluate("document.activeElement.matches('.language-switch .button')"):
        page.keyboard.press("Tab")
    colours = page.evaluate(
        "[getComputedStyle(document.activeElement).color, getComputedStyle(document.activeElement).backgroundColor]"
    )
    assert colours == ["rgb(11, 12, 12)", "rgb(255, 221, 0)"], colours


def test_it_stops_on_the_emergency_page(server, page):
    start_with_mouse(page, server.url)
    fill_with_mouse(page, {"safety.signs": ["face_droop"]})
    click_and_wait(page, "button[value=next]")
    assert page.url.endswith("/emergency?after=safety")
    assert page.is_visible("text=Call 911 now")
    [draft] = stored(server.app)
    assert draft.safety_tier == "emergency" and draft.status == Status.DRAFT


def test_it_shows_conditional_questions_only_when_they_apply(server, page):
    start_with_mouse(page, server.url)
    fill_with_mouse(page, COMPLETE_FORM["safety"])
    click_and_wait(page, "button[value=next]")
    fill_with_mouse(page, COMPLETE_FORM["about"])
    click_and_wait(page, "button[value=next]")
    eye = "#q-twitch\\.eye_closes"
    assert page.is_hidden(eye)
    fill_with_mouse(page, {"twitch.where": ["lower_eyelid"]})
    assert page.is_visible(eye)
    fill_with_mouse(page, COMPLETE_FORM["twitching"])  # adds the upper eyelid and the cheek
    click_and_wait(page, "button[value=next]")
    assert page.url.endswith("/step/episodes")
    fill_with_mouse(page, {"twitch.triggers": ["none"]})
    fill_with_mouse(page, {"twitch.triggers": ["stress"]})
    assert page.is_checked("[name='twitch.triggers'][value='stress']")
    assert not page.is_checked("[name='twitch.triggers'][value='none']"), "'None noticed' cleared"


def test_the_language_switch_keeps_what_was_typed_on_the_page(server, new_page):
    page = new_page(viewport=DESKTOP)
    start_with_mouse(page, server.url)
    fill_with_mouse(page, COMPLETE_FORM["safety"])
    click_and_wait(page, "button[value=next]")
    page.fill(css_id("about.first_name"), "Ana typed this")
    page.check(css_id("about.contact_method-1"))
    click_and_wait(page, "button[lang=es]")
    assert page.get_attribute("html", "lang") == "es"
    assert page.url.endswith("/step/about")
    assert page.input_value(css_id("about.first_name")) == "Ana typed this"
    assert page.is_checked(css_id("about.contact_method-1"))
    screenshot(page, "desktop-03-about-after-language-switch")


def test_enter_in_a_field_saves_and_continues_rather_than_switching_language(server, new_page):
    """A phone's Go key is Enter: it must press "Save and continue", not the header's
    language button (the form's first submit button in the document)."""
    page = new_page(viewport=DESKTOP)
    start_with_mouse(page, server.url)
    fill_with_mouse(page, COMPLETE_FORM["safety"])
    click_and_wait(page, "button[value=next]")
    fill_with_mouse(page, COMPLETE_FORM["about"])
    with page.expect_navigation():
        page.press(css_id("about.email"), "Enter")
    assert page.url.endswith("/step/twitching"), page.url
    assert page.get_attribute("html", "lang") == "en"
    [draft] = stored(server.app)
    assert draft.answers["about.email"] == COMPLETE_FORM["about"]["about.email"]


def _safety_with_signs(page, server):
    start_with_mouse(page, server.url)
    fill_with_mouse(page, {"safety.signs": ["speech", "ear_rash"]})


def _ticked(page) -> list[str]:
    return page.eval_on_selector_all("[name='safety.signs']:checked", "boxes => boxes.map(b => b.value)")


def test_none_of_these_asks_before_it_unticks_a_red_flag_and_keeps_them_if_the_patient_says_no(server, page):
    _safety_with_signs(page, server)
    asked: list[str] = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    fill_with_mouse(page, {"safety.signs": ["none"]})
    assert asked and "Untick the signs you checked?" in asked[0]
    assert _ticked(page) == ["speech", "ear_rash"]


def test_none_of_these_unticks_the_signs_once_the_patient_confirms(server, page):
    _safety_with_signs(page, server)
    page.once("dialog", lambda dialog: dialog.accept())
    fill_with_mouse(page, {"safety.signs": ["none"]})
    assert _ticked(page) == ["none"]


def test_ticking_a_sign_unticks_none_without_asking(server, page):
    start_with_mouse(page, server.url)
    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    fill_with_mouse(page, {"safety.signs": ["none"]})
    fill_with_mouse(page, {"safety.signs": ["speech"]})
    assert _ticked(page) == ["speech"] and asked == []


def test_a_text_box_says_how_many_characters_are_left_and_tells_screen_readers_on_a_pause(server, page):
    """Issue 28, part 2: an empty box read "2000 / 2000", which looks full."""
    start_with_mouse(page, server.url)
    for step_id in STEPS[: STEPS.index("visit")]:
        fill_with_mouse(page, COMPLETE_FORM[step_id])
        click_and_wait(page, "button[value=next]")
    counter = page.locator('[data-counter-for="visit.goals"]')
    spoken = page.locator("[data-counter-spoken]")
    assert counter.text_content() == "2000 characters left"
    assert counter.get_attribute("aria-hidden") == "true" and spoken.get_attribute("aria-live") == "polite"
    page.locator(css_id("visit.goals")).press_sequentially("Hello")
    assert counter.text_content() == "1995 characters left"
    assert spoken.text_content() == "", "not announced on every key"
    expect(spoken).to_have_text("1995 characters left")  # after a pause of a second
    page.fill(css_id("visit.goals"), "x" * 1999)
    assert counter.text_content() == "1 character left"
    # A long paste is not cut off (a walk-through lost 1,040 characters of a list that way):
    # the counter says how many are too many, and the server refuses it with the text kept.
    page.fill(css_id("visit.goals"), "x" * 2003)
    assert counter.text_content() == "3 characters too many"
    click_and_wait(page, "button[value=next]")
    assert page.input_value(css_id("visit.goals")) == "x" * 2003
    assert "Use 2000 characters or fewer" in page.locator("#error-summary").text_content()


def test_the_resume_link_copies_with_one_tap(server, browser):
    """Issue 28, part 5: a Copy button (the clipboard of a real Chromium), and the link in a
    box that a tap selects whole; without JavaScript the box is still there to copy from."""
    context = browser.new_context(viewport=DESKTOP)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    page = context.new_page()
    link = _save_for_later_on_the_about_page(page, server.url)
    assert page.input_value("#resume-link-text") == link
    page.click("text=Copy the link")
    expect(page.locator("[data-copy-status]")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == link
    screenshot(page, "desktop-saved-link")
    context.close()
