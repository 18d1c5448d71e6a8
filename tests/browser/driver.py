"""Fill the questionnaire in a real browser, with the mouse or with the keyboard only."""

from __future__ import annotations

import re

from tests.answers import COMPLETE_FORM, STEPS

MONTH_SUFFIXES = ("-month", "-year")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def css_id(element_id: str) -> str:
    return "#" + element_id.replace(".", "\\.")


def _values(value) -> list[str]:
    return value if isinstance(value, list) else [value]


def _kind(page, name: str) -> str:
    return page.eval_on_selector(
        f'[name="{name}"]', "e => e.tagName === 'INPUT' ? e.type : e.tagName.toLowerCase()"
    )


# --- mouse --------------------------------------------------------------------------------


def _date_boxes(form: dict) -> dict:
    """A date given as YYYY-MM-DD, typed into its three boxes (month, day, year, as on the page)."""
    boxes = {}
    for name, value in form.items():
        if isinstance(value, str) and DATE.fullmatch(value):
            year, month, day = value.split("-")
            boxes.update({f"{name}-month": month, f"{name}-day": day, f"{name}-year": year})
        else:
            boxes[name] = value
    return boxes


def fill_with_mouse(page, form: dict) -> None:
    for name, value in _date_boxes(form).items():
        kind = _kind(page, name)
        if kind in ("checkbox", "radio"):
            for one in _values(value):
                option_id = page.get_attribute(f"[name='{name}'][value='{one}']", "id")
                page.click(f"label[for='{option_id}']")
        elif kind == "select":
            page.select_option(f'[name="{name}"]', value)
        else:
            page.fill(f'[name="{name}"]', value)


def click_and_wait(page, selector: str) -> None:
    """Click something that submits, and wait until the next page has loaded (and its script run)."""
    with page.expect_navigation():
        page.click(selector)


def start_with_mouse(page, base_url: str) -> None:
    page.goto(base_url + "/")
    fill_with_mouse(page, COMPLETE_FORM["welcome"])
    click_and_wait(page, "button[value=next]")


def complete_with_mouse(page, base_url: str) -> None:
    start_with_mouse(page, base_url)
    for step in STEPS:
        fill_with_mouse(page, COMPLETE_FORM[step])
        click_and_wait(page, "button[value=next]")
    page.click('label[for="confirm"]')
    click_and_wait(page, "text=Send my answers")


# --- keyboard -----------------------------------------------------------------------------

FOCUS_VISIBLE = """() => {
  const e = document.activeElement, s = getComputedStyle(e);
  return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
}"""


def tab_to(page, matches: str, limit: int = 250) -> None:
    """Press Tab until the focused element matches the CSS selector; focus must show."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", matches):
            assert page.evaluate(FOCUS_VISIBLE), f"focus is not visible on {matches}"
            return
    raise AssertionError(f"Tab never reached {matches}")


def _choose_radio(page, name: str, value: str) -> None:
    tab_to(page, f'[name="{name}"]')
    page.keyboard.press("Space")
    for _ in range(20):
        if page.evaluate("n => document.querySelector(`[name='${n}']:checked`)?.value", name) == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"arrow keys never chose {name}={value}")


def fill_with_keyboard(page, form: dict) -> None:
    for name, value in _date_boxes(form).items():
        kind = _kind(page, name)
        if kind == "radio":
            _choose_radio(page, name, value)
        elif kind == "checkbox":
            for one in _values(value):
                tab_to(page, f'[name="{name}"][value="{one}"]')
                page.keyboard.press("Space")
        elif kind == "select":
            tab_to(page, f'[name="{name}"]')
            label = page.eval_on_selector(f'[name="{name}"] option[value="{value}"]', "o => o.textContent")
            page.keyboard.type(label)
        else:
            tab_to(page, f'[name="{name}"]')
            page.keyboard.type(value)


def press_enter_on(page, selector: str) -> None:
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def complete_with_keyboard(page, base_url: str) -> None:
    page.goto(base_url + "/")
    fill_with_keyboard(page, COMPLETE_FORM["welcome"])
    press_enter_on(page, "button[value=next]")
    for step in STEPS:
        fill_with_keyboard(page, COMPLETE_FORM[step])
        press_enter_on(page, "button[value=next]")
    tab_to(page, "#confirm")
    page.keyboard.press("Space")
    press_enter_on(page, "button[type=submit]")
