"""The published FHIR Questionnaire in another form filler: NLM's LHC-Forms, offline.

LHC-Forms (npm `lforms`, pinned in .ci/run and below) is the SDC reference renderer many
EHR integrations use. The test loads the Questionnaire exactly as GET /fhir/Questionnaire/<id>
serves it into the web component in headless Chromium, every file from
.tools/node_modules/lforms (the page's origin is a name Playwright answers itself; any
other request is refused and fails the test, so nothing reaches the network), and checks
that every item renders, that enableWhen shows and hides an item as its trigger answer
changes, and that the GAD-7 total (SDC calculatedExpression) computes.

Outside CI a missing lforms or Chromium skips with the reason; in CI (CI=true) it fails.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.browser.conftest import _require_chromium
from tests.conftest import make_app

# Keep equal to the version .ci/run installs.
LFORMS_VERSION = "40.1.3"
LFORMS_PACKAGE = Path(
    os.environ.get("LFORMS_PACKAGE", Path(__file__).resolve().parents[2] / ".tools/node_modules/lforms")
)
LFORMS = LFORMS_PACKAGE / "dist/lforms"
ORIGIN = "http://lforms.invalid"  # never resolved: Playwright answers every request itself
QUESTIONNAIRE_ID = "facial-twitching-intake"
LOINC_GAD7 = ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"]

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>LHC-Forms</title>
<link rel="stylesheet" href="/lforms/webcomponent/styles.css">
<script src="/lforms/webcomponent/assets/lib/zone.min.js"></script>
<script src="/lforms/webcomponent/runtime.js" type="module"></script>
<script src="/lforms/webcomponent/polyfills.js" type="module"></script>
<script src="/lforms/webcomponent/main.js" type="module"></script>
</head><body><div id="form"></div></body></html>"""

# Display items LHC-Forms shows inside their question, not as items of their own
# (itemControl help: a help button; lower/upper: the ends of a scale).
FOLDED_CONTROLS = {"help", "lower", "upper"}


def _require_lforms() -> None:
    package = LFORMS_PACKAGE / "package.json"
    if package.is_file() and (LFORMS / "webcomponent/main.js").is_file():
        version = json.loads(package.read_text())["version"]
        assert version == LFORMS_VERSION, f"lforms {version} installed, the tests pin {LFORMS_VERSION}"
        return
    reason = f"lforms not found at {LFORMS_PACKAGE} (npm install --prefix .tools lforms@{LFORMS_VERSION})"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def questionnaire() -> dict:
    """The Questionnaire as the API serves it (no database involved in serving it)."""
    app = make_app("sqlite://")
    response = app.test_client().get(f"/fhir/Questionnaire/{QUESTIONNAIRE_ID}")
    assert response.status_code == 200
    return json.loads(response.get_data(as_text=True))


def _enabled_when_nothing_is_answered(item: dict) -> bool:
    """An enableWhen that an empty response meets: "exists = false", under "any" (R4:
    https://hl7.org/fhir/R4/questionnaire-definitions.html#Questionnaire.item.enableWhen)."""
    return item.get("enableBehavior") == "any" and any(
        when["operator"] == "exists" and when["answerBoolean"] is False for when in item["enableWhen"]
    )


def _walk(items: list[dict], conditional: bool = False, hidden: bool = False):
    """(item, under a condition, under a hidden group) for every item, depth first."""
    for item in items:
        urls = {e["url"].rsplit("/", 1)[-1] for e in item.get("extension", [])}
        here_conditional = (
            conditional
            or ("enableWhen" in item and not _enabled_when_nothing_is_answered(item))
            or "sdc-questionnaire-enableWhenExpression" in urls
        )
        here_hidden = hidden or any(
            e["url"].endswith("questionnaire-hidden") and e.get("valueBoolean")
            for e in item.get("extension", [])
        )
        yield item, here_conditional, here_hidden
        yield from _walk(item.get("item", []), here_conditional, here_hidden)


def _control(item: dict) -> str | None:
    for e in item.get("extension", []):
        if e["url"].endswith("questionnaire-itemControl"):
            return e["valueCodeableConcept"]["coding"][0]["code"]
    return None


def _serve(route, problems: list[str]) -> None:
    url = route.request.url
    path = url[len(ORIGIN) :].split("?", 1)[0] if url.startswith(ORIGIN + "/") else None
    if path == "/":
        return route.fulfill(body=PAGE, content_type="text/html; charset=utf-8")
    if path and path.startswith("/lforms/"):
        file = (LFORMS / path.removeprefix("/lforms/")).resolve()
        if file.is_file() and LFORMS.resolve() in file.parents:
            return route.fulfill(path=str(file))
    problems.append(f"request outside the local lforms files: {url[:200]}")
    return route.abort()


@pytest.fixture(scope="module")
def form(browser, questionnaire):
    """A page with the Questionnaire rendered by LHC-Forms; `page.problems` collects page
    errors, console errors and any request that would have left the machine."""
    _require_chromium()
    _require_lforms()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    page.route("**/*", lambda route: _serve(route, problems))
    page.goto(ORIGIN + "/")
    page.wait_for_function("() => window.LForms && LForms.Util && LForms.Util.addFormToPage", timeout=15000)
    # The FHIR support file extends LForms, so it loads after the component's modules ran.
    page.add_script_tag(url="/lforms/fhir/R4/lformsFHIR.min.js")
    page.wait_for_function("() => LForms.FHIR && LForms.FHIR.R4")
    page.evaluate("q => LForms.Util.addFormToPage(q, 'form', {fhirVersion: 'R4'})", questionnaire)
    page.wait_for_selector(f'[id="item-{questionnaire["item"][-2]["linkId"]}/1"]', timeout=15000)
    page.problems = problems
    yield page
    context.close()


def rendered_link_ids(page) -> list[str]:
    ids = page.eval_on_selector_all("lhc-item[id^='item-']", "items => items.map(i => i.id)")
    return [element_id.removeprefix("item-").split("/", 1)[0] for element_id in ids]


def _item_shown(page, link_id: str) -> bool:
    return page.locator(f'lhc-item[id^="item-{link_id}/"]').count() > 0


def _choose(page, link_id: str, system: str, code: str) -> None:
    page.locator(f'label[id^="{link_id}/"][id$="|{system}|{code}"]').click()


def test_lforms_renders_every_item_of_the_questionnaire(form, questionnaire):
    """Every item a filler should show at first is shown, once, in the Questionnaire's order;
    items behind enableWhen and the hidden scores are not (https://hl7.org/fhir/R4/questionnaire.html#layout,
    SDC hidden: https://hl7.org/fhir/uv/sdc/STU3/behavior.html#hidden); and LHC-Forms's own
    form definition keeps every linkId, so nothing was dropped on the way in."""
    walked = list(_walk(questionnaire["item"]))
    shown_at_first = [
        item["linkId"]
        for item, conditional, hidden in walked
        if not conditional and not hidden and _control(item) not in FOLDED_CONTROLS
    ]
    assert len(shown_at_first) > 100
    assert rendered_link_ids(form) == shown_at_first
    converted = form.evaluate(
        """q => {
          const ids = [], walk = items => (items || []).forEach(i => { ids.push(i.linkId); walk(i.items); });
          walk(LForms.Util.convertFHIRQuestionnaireToLForms(q, 'R4').items);
          return ids;
        }""",
        questionnaire,
    )
    # help becomes the question's codingInstructions, lower and upper the scale's labels
    folded = {item["linkId"] for item, _, _ in walked if _control(item) in FOLDED_CONTROLS}
    assert converted == [item["linkId"] for item, _, _ in walked if item["linkId"] not in folded]
    assert form.problems == []


def test_lforms_shows_and_hides_a_conditional_item_as_its_trigger_answer_changes(form, questionnaire):
    """enableWhen (https://hl7.org/fhir/R4/questionnaire-definitions.html#Questionnaire.item.enableWhen):
    the paralysis follow-ups show only while "Had a facial paralysis" is answered yes."""
    system = f"{questionnaire['url']}/CodeSystem/history.paralysis"
    assert not _item_shown(form, "history.paralysis_side")
    _choose(form, "history.paralysis", system, "yes")
    form.wait_for_selector('lhc-item[id^="item-history.paralysis_side/"]', timeout=5000)
    assert _item_shown(form, "history.synkinesis_eye")
    _choose(form, "history.paralysis", system, "no")
    form.wait_for_selector('lhc-item[id^="item-history.paralysis_side/"]', state="detached", timeout=5000)
    assert not _item_shown(form, "history.synkinesis_eye")
    _choose(form, "history.paralysis", system, "yes")
    form.wait_for_selector('lhc-item[id^="item-history.paralysis_side/"]', timeout=5000)
    assert form.problems == []


def _gad7_total(page) -> list:
    response = page.evaluate("() => LForms.Util.getFormFHIRData('QuestionnaireResponse', 'R4')")
    found: list = []

    def walk(items):
        for item in items or []:
            if item["linkId"] == "score.gad7":
                found.extend(
                    answer.get("valueInteger", answer.get("valueDecimal"))
                    for answer in item.get("answer", [])
                )
            walk(item.get("item"))

    walk(response.get("item"))
    return found


def test_lforms_asks_the_pregnancy_question_unless_the_sex_is_given_as_male(form, questionnaire):
    """2.3.0's two enableWhen (!= male, or no answer; "any") mean in LHC-Forms what they mean
    in the app (EnableWhen.holds)."""
    system = f"{questionnaire['url']}/CodeSystem/about.sex"
    pregnant = 'lhc-item[id^="item-treatments.pregnant/"]'
    assert _item_shown(form, "treatments.pregnant"), "asked while the sex is not given"
    _choose(form, "about.sex", system, "male")
    form.wait_for_selector(pregnant, state="detached", timeout=5000)
    _choose(form, "about.sex", system, "female")
    form.wait_for_selector(pregnant, timeout=5000)
    assert form.problems == []


def test_lforms_computes_the_gad7_total(form, questionnaire):
    """The total is the SDC calculatedExpression of the hidden score item
    (https://hl7.org/fhir/uv/sdc/STU3/StructureDefinition-sdc-questionnaire-calculatedExpression.html),
    empty until all seven items are answered; LHC-Forms reads each option's ordinalValue
    (https://hl7.org/fhir/R4/extension-ordinalvalue.html) as its score."""
    scores = form.evaluate(
        """q => {
          const found = {}, walk = items => (items || []).forEach(i => {
            if (/^stress[.]gad7[.][0-9]$/.test(i.linkId) && i.answers) found[i.linkId] = i.answers.map(a => a.score);
            walk(i.items);
          });
          walk(LForms.Util.convertFHIRQuestionnaireToLForms(q, 'R4').items);
          return found;
        }""",
        questionnaire,
    )
    assert scores == {f"stress.gad7.{n}": [0, 1, 2, 3] for n in range(1, 8)}
    ordinals = [1, 2, 3, 0, 1, 2]
    for n, ordinal in enumerate(ordinals, start=1):
        _choose(form, f"stress.gad7.{n}", "http://loinc.org", LOINC_GAD7[ordinal])
    assert _gad7_total(form) == []  # six of seven: no total yet
    _choose(form, "stress.gad7.7", "http://loinc.org", LOINC_GAD7[3])
    form.wait_for_function(
        """() => JSON.stringify(LForms.Util.getFormFHIRData('QuestionnaireResponse', 'R4')).includes('score.gad7')"""
    )
    assert _gad7_total(form) == [sum(ordinals) + 3]
    _choose(form, "stress.gad7.7", "http://loinc.org", LOINC_GAD7[0])
    assert _gad7_total(form) == [sum(ordinals)]
    assert form.problems == []


def test_ci_installs_the_lforms_version_the_tests_pin():
    ci = (Path(__file__).resolve().parents[2] / ".ci/run").read_text()
    assert f"lforms@{LFORMS_VERSION}" in ci and f'"version": "{LFORMS_VERSION}"' in ci
