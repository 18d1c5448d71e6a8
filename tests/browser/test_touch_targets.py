"""Touch targets on a 360 px phone (issue 28, part 7): everything a patient taps is at
least 44 by 44 CSS pixels (WCAG 2.2 2.5.5, Target Size (Enhanced); Apple's and Android's
own guidance is 44 pt / 48 dp), and no two targets overlap. A checkbox or radio counts
with its label, which taps it too. Links inside a sentence are exempt, as WCAG exempts
them ("inline" targets); a link standing on its own is not.

One exception, because the issue also asks for the 0-10 scale on one line at 320 px:
eleven 44 px columns need 484 px and a 320 px phone has 288. Each number is 44 px tall
and at least 24 px wide there, WCAG 2.2's AA minimum (2.5.8, Target Size (Minimum))."""

from __future__ import annotations

from tests.answers import COMPLETE_FORM, STEPS
from tests.browser.conftest import PHONE
from tests.browser.driver import click_and_wait, fill_with_mouse

MINIMUM, SCALE_WIDTH = 44, 24

# Each target's box: a choice's input and label together; an inline link is left out.
MEASURE = """() => {
  const visible = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0
    && getComputedStyle(e).visibility !== 'hidden'; };
  const box = (rects, name) => {
    const l = Math.min(...rects.map(r => r.left)), t = Math.min(...rects.map(r => r.top));
    const r = Math.max(...rects.map(r => r.right)), b = Math.max(...rects.map(r => r.bottom));
    return {name, l, t, r, b, w: r - l, h: b - t};
  };
  const inline = a => {
    const block = a.closest('p, li, dd, span.site-phone');
    return block && !block.matches('span.site-phone') && block.textContent.trim() !== a.textContent.trim();
  };
  const targets = [];
  for (const choice of document.querySelectorAll('.choice')) {
    const parts = [...choice.querySelectorAll('input, label')].filter(visible);
    if (parts.length) targets.push({...box(parts.map(p => p.getBoundingClientRect()),
      choice.querySelector('input').name + '=' + choice.querySelector('input').value),
      scale: !!choice.closest('.scale')});
  }
  const others = 'main a, header a, footer a, button, select, input:not([type=checkbox]):not([type=radio]):not([type=hidden]), textarea';
  for (const e of document.querySelectorAll(others)) {
    if (!visible(e) || e.closest('.choice') || (e.tagName === 'A' && inline(e))) continue;
    targets.push(box([e.getBoundingClientRect()], e.outerHTML.slice(0, 70)));
  }
  return targets;
}"""


def _problems(page, where: str) -> list[str]:
    targets = page.evaluate(MEASURE)
    small = [
        f"{where}: {t['name']} is {t['w']:.0f}x{t['h']:.0f}"
        for t in targets
        if t["w"] < (SCALE_WIDTH if t.get("scale") else MINIMUM) - 0.5 or t["h"] < MINIMUM - 0.5
    ]
    overlapping = [
        f"{where}: {a['name']} overlaps {b['name']}"
        for i, a in enumerate(targets)
        for b in targets[i + 1 :]
        if a["l"] < b["r"] - 0.5 and b["l"] < a["r"] - 0.5 and a["t"] < b["b"] - 0.5 and b["t"] < a["b"] - 0.5
    ]
    return small + overlapping


def test_every_target_on_every_patient_page_is_44_px_and_apart(server, new_page):
    page = new_page(viewport=PHONE)
    page.goto(server.url + "/")
    problems = _problems(page, "welcome")
    fill_with_mouse(page, COMPLETE_FORM["welcome"])
    click_and_wait(page, "button[value=next]")
    for step in STEPS:
        fill_with_mouse(page, COMPLETE_FORM[step])  # so that the questions that follow show
        problems += _problems(page, step)
        click_and_wait(page, "button[value=next]")
    problems += _problems(page, "review")
    page.click('label[for="confirm"]')
    click_and_wait(page, "text=Send my answers")
    problems += _problems(page, "done")
    assert problems == [], "\n".join(problems)


def test_the_0_to_10_scale_stays_on_one_line_on_a_320_px_phone(server, new_page):
    page = new_page(viewport={"width": 320, "height": 640})
    page.goto(server.url + "/")
    fill_with_mouse(page, COMPLETE_FORM["welcome"])
    click_and_wait(page, "button[value=next]")
    for step in STEPS[: STEPS.index("episodes")]:
        fill_with_mouse(page, COMPLETE_FORM[step])
        click_and_wait(page, "button[value=next]")
    tops = page.eval_on_selector_all(
        "[name='twitch.bother']", "inputs => inputs.map(i => Math.round(i.getBoundingClientRect().top))"
    )
    assert len(tops) == 11 and len(set(tops)) == 1, tops
    assert _problems(page, "episodes at 320 px") == []


def test_the_last_button_does_not_sit_on_the_footer_rule(server, new_page):
    """`.wrap` set main's padding to 0 at the bottom, so the buttons touched the footer."""
    page = new_page(viewport=PHONE)
    page.goto(server.url + "/")
    gap = page.evaluate(
        """() => document.querySelector('footer').getBoundingClientRect().top
              - document.querySelector('main .actions').getBoundingClientRect().bottom"""
    )
    assert gap >= 24, gap
