"""Pages compiled once with holes (intake/patient/step_page.py), without Flask."""

from __future__ import annotations

from markupsafe import escape

from intake.patient.step_page import PageCache, compile_page


def _greeting(holes) -> str:
    return f"<p>Hello {holes(lambda r: escape(r['name']))}, step {holes(lambda r: str(r['step']))}.</p>"


def test_it_fills_each_hole_from_the_request_in_order():
    page = compile_page(_greeting)
    assert page.render({"name": "Ana", "step": 3}) == "<p>Hello Ana, step 3.</p>"
    assert page.render({"name": "<b>Bo</b>", "step": 4}) == "<p>Hello &lt;b&gt;Bo&lt;/b&gt;, step 4.</p>"


def test_the_compiled_text_keeps_nothing_of_a_request():
    page = compile_page(_greeting)
    page.render({"name": "Ana", "step": 3})
    assert "Ana" not in "".join(page.texts)


def test_a_page_without_holes_is_its_text():
    assert compile_page(lambda holes: "<p>fixed</p>").render({}) == "<p>fixed</p>"


def test_a_hole_at_either_end_and_holes_side_by_side():
    page = compile_page(lambda holes: f"{holes(lambda r: 'a')}{holes(lambda r: 'b')}-{holes(lambda r: 'c')}")
    assert page.render(None) == "ab-c"


def test_the_cache_compiles_a_key_once():
    calls = []

    def render(holes):
        calls.append(1)
        return f"<p>{holes(lambda r: r)}</p>"

    cache = PageCache()
    assert cache.get("k", render).render("x") == "<p>x</p>"
    assert cache.get("k", render).render("y") == "<p>y</p>"
    assert len(calls) == 1 and len(cache) == 1


def test_a_disabled_cache_compiles_every_time_so_edited_templates_show():
    calls = []
    cache = PageCache(enabled=False)
    for _ in range(2):
        cache.get("k", lambda holes: calls.append(1) or "<p></p>")
    assert len(calls) == 2 and len(cache) == 0
