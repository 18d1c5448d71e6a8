"""The questionnaire and its submissions as FHIR R4 resources (intake/questionnaire/fhir/).

Validation uses fhir.resources 6.4.0, the last release whose models are FHIR R4 (4.0.1)
itself (6.5 moved to R4B, 7 and 8 to R5), plus `fhir_cases` for the bindings and
invariants those models do not check, and fhirpathpy to run our FHIRPath expressions.
"""

from __future__ import annotations

import ast
import copy
import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from fhir.resources import __fhir_version__ as FHIR_RESOURCES_VERSION
from fhir.resources.bundle import Bundle
from fhir.resources.operationoutcome import OperationOutcome
from fhir.resources.questionnaire import Questionnaire as FhirQuestionnaire
from fhir.resources.questionnaireresponse import QuestionnaireResponse as FhirResponse
from fhirpathpy import evaluate as fhirpath
from fhirpathpy.models import models as fhirpath_models

from intake.questionnaire import fhir
from intake.questionnaire.fhir import (
    answers_from_response,
    bundle,
    operation_outcome,
    questionnaire_resource,
    questionnaire_response,
)
from intake.questionnaire.media import EXPRESSIONS
from intake.questionnaire.schema import (
    Choice,
    EnableWhen,
    Item,
    ItemType,
    Operator,
    Questionnaire,
    Step,
)
from intake.questionnaire.scoring import INSTRUMENTS, score_all
from intake.questionnaire.twitching import QUESTIONNAIRE
from tests import fhir_cases
from tests.fhir_cases import CASES, questionnaire_problems, response_problems, walk_items

AUTHORED = datetime(2025, 3, 14, 9, 26, 53, tzinfo=timezone(timedelta(hours=-4)))
RESPONSE_ID = "3f2c9a8e-5b1d-4c7e-9a60-2b8f1d4e7c15"
R4 = fhirpath_models["r4"]
LOINC = "http://loinc.org"
LOINC_ANSWERS = ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"]


@pytest.fixture(scope="module")
def resource():
    return questionnaire_resource(QUESTIONNAIRE)


def response_for(answers, status="completed", **kwargs):
    return questionnaire_response(
        QUESTIONNAIRE, answers, status=status, authored=AUTHORED, response_id=RESPONSE_ID, **kwargs
    )


def items_by_link_id(resource_or_items) -> dict[str, dict]:
    items = resource_or_items.get("item", []) if isinstance(resource_or_items, dict) else resource_or_items
    return {item["linkId"]: item for item, _ in walk_items(items)}


def extension(item: dict, url: str) -> list[dict]:
    return [e for e in item.get("extension", []) if e["url"] == url]


def json_round_trip(data):
    return json.loads(json.dumps(data, ensure_ascii=False, allow_nan=False))


# --------------------------------------------------------------------------- the Questionnaire


def test_it_validates_against_true_r4_models():
    assert FHIR_RESOURCES_VERSION == "4.0.1"  # not R4B (4.3.0) nor R5


def test_it_builds_a_valid_r4_questionnaire(resource):
    parsed = FhirQuestionnaire.parse_obj(resource)
    assert parsed.url == QUESTIONNAIRE.url
    assert questionnaire_problems(resource) == []
    assert json_round_trip(resource) == resource
    # What is validated is what is served: the model's own JSON has the same items.
    assert json.loads(parsed.json())["item"] == json_round_trip(resource)["item"]


def test_it_describes_the_questionnaire(resource):
    assert resource["resourceType"] == "Questionnaire"
    assert resource["id"] == QUESTIONNAIRE.id
    assert resource["url"] == QUESTIONNAIRE.url
    assert resource["version"] == QUESTIONNAIRE.version
    assert resource["status"] == "active"
    assert resource["title"] == QUESTIONNAIRE.title
    assert resource["subjectType"] == ["Patient"]
    assert re.fullmatch(r"[A-Z][A-Za-z0-9_]{0,254}", resource["name"])  # que-0
    assert "date" not in resource
    assert questionnaire_resource(QUESTIONNAIRE, date="2025-01-31")["date"] == "2025-01-31"
    with pytest.raises(ValueError):
        questionnaire_resource(QUESTIONNAIRE, date=datetime(2025, 1, 31, 12, 0))  # naive


def test_it_puts_one_group_per_step_in_order_then_scores(resource):
    groups = resource["item"]
    assert [g["linkId"] for g in groups] == [s.id for s in QUESTIONNAIRE.steps] + ["scores"]
    for group, step in zip(groups, QUESTIONNAIRE.steps, strict=False):
        assert group["type"] == "group"
        assert group["text"] == step.title
        questions = [i["linkId"] for i in group["item"] if i["type"] not in ("display", "attachment")]
        assert questions == [item.link_id for item in step.items]
        attachments = [i["linkId"] for i in group["item"] if i["type"] == "attachment"]
        # The photos page's files: one item per standard expression, one for the videos.
        assert attachments == (
            [f"media.{e.slot}" for e in EXPRESSIONS] + ["media.episode"] if step.id == "media" else []
        )


def test_it_maps_every_item_type(resource):
    by_id = items_by_link_id(resource)
    expected = {
        ItemType.SINGLE: "choice",
        ItemType.MULTI: "choice",
        ItemType.BOOLEAN: "boolean",
        ItemType.CONSENT: "boolean",
        ItemType.TEXT: "string",
        ItemType.EMAIL: "string",
        ItemType.PHONE: "string",
        ItemType.LONG_TEXT: "text",
        ItemType.INTEGER: "integer",
        ItemType.SCALE: "integer",
        ItemType.DATE: "date",
        ItemType.MONTH_YEAR: "date",
    }
    seen = set()
    for item in QUESTIONNAIRE.items():
        fhir_item = by_id[item.link_id]
        assert fhir_item["type"] == expected[item.type], item.link_id
        assert fhir_item["text"] == item.text
        assert fhir_item.get("required", False) == (item.required or item.type is ItemType.CONSENT)
        assert fhir_item.get("repeats", False) == (item.type is ItemType.MULTI)
        seen.add(item.type)
    assert seen == set(ItemType)  # the content exercises every type


def test_it_maps_lengths_bounds_and_formats(resource):
    by_id = items_by_link_id(resource)
    for item in QUESTIONNAIRE.items():
        fhir_item = by_id[item.link_id]
        if item.type in (ItemType.TEXT, ItemType.LONG_TEXT, ItemType.EMAIL, ItemType.PHONE):
            assert fhir_item.get("maxLength") == item.max_length, item.link_id
        if item.type in (ItemType.INTEGER, ItemType.SCALE):
            assert [e["valueInteger"] for e in extension(fhir_item, fhir.EXT_MIN_VALUE)] == [item.min_value]
            assert [e["valueInteger"] for e in extension(fhir_item, fhir.EXT_MAX_VALUE)] == [item.max_value]
    assert by_id["history.paralysis_year"]["extension"][0]["valueInteger"] == 1900
    phone = extension(by_id["about.phone"], fhir.EXT_REGEX)[0]["valueString"]
    email = extension(by_id["about.email"], fhir.EXT_REGEX)[0]["valueString"]
    assert re.fullmatch(phone, "(212) 555-0123") and not re.fullmatch(phone, "call me")
    assert re.fullmatch(email, "ana@example.com") and not re.fullmatch(email, "ana@")
    assert extension(by_id["twitch.onset"], fhir.EXT_ENTRY_FORMAT)[0]["valueString"] == "YYYY-MM"


def test_it_gives_choice_items_per_item_code_systems(resource):
    by_id = items_by_link_id(resource)
    for item in QUESTIONNAIRE.items():
        if item.type not in (ItemType.SINGLE, ItemType.MULTI) or item.code:
            continue
        options = by_id[item.link_id]["answerOption"]
        assert [o["valueCoding"]["code"] for o in options] == [c.code for c in item.choices]
        assert [o["valueCoding"]["display"] for o in options] == [c.display for c in item.choices]
        assert {o["valueCoding"]["system"] for o in options} == {
            f"{QUESTIONNAIRE.url}/CodeSystem/{item.link_id}"
        }
    # The same code means different things in different items, so they never share a system.
    none_of_these = by_id["history.treatments"]["answerOption"][-1]["valueCoding"]
    did_not_recover = by_id["history.paralysis_recovery"]["answerOption"][-1]["valueCoding"]
    assert none_of_these["code"] == did_not_recover["code"] == "none"
    assert none_of_these["system"] != did_not_recover["system"]


def test_it_marks_exclusive_options(resource):
    options = items_by_link_id(resource)["history.family"]["answerOption"]
    exclusive = [o["valueCoding"]["code"] for o in options if extension(o, fhir.EXT_OPTION_EXCLUSIVE)]
    assert exclusive == ["none", "dont_know"]


def test_it_codes_gad_and_phq_items_with_loinc(resource):
    by_id = items_by_link_id(resource)
    expected = {
        "stress.gad7.1": "69725-0",
        "stress.gad7.2": "68509-9",
        "stress.gad7.3": "69733-4",
        "stress.gad7.4": "69734-2",
        "stress.gad7.5": "69735-9",
        "stress.gad7.6": "69689-8",
        "stress.gad7.7": "69736-7",
        "stress.phq2.1": "44250-9",
        "stress.phq2.2": "44255-8",
        "stress.phq9.9": "44260-8",
        # The unscored difficulty question of each instrument (LOINC's PHQ-9 panel 44249-1)
        "stress.gad7.difficulty": "69722-7",
        "stress.phq.difficulty": "69722-7",
    }
    for link_id, code in expected.items():
        assert by_id[link_id]["code"] == [{"system": LOINC, "code": code}]
    coded = {item["linkId"] for item, _ in walk_items(resource["item"]) if "code" in item}
    assert coded - {f"score.{i.id}" for i in INSTRUMENTS} == set(expected)


def test_it_gives_instrument_options_loinc_answers_and_ordinal_values(resource):
    by_id = items_by_link_id(resource)
    for link_id in [f"stress.gad7.{n}" for n in range(1, 8)] + [
        "stress.phq2.1",
        "stress.phq2.2",
        "stress.phq9.9",
    ]:
        codings = [o["valueCoding"] for o in by_id[link_id]["answerOption"]]
        assert [c["system"] for c in codings] == [LOINC] * 4
        assert [c["code"] for c in codings] == LOINC_ANSWERS
        assert [c["display"] for c in codings] == [
            "Not at all",
            "Several days",
            "More than half the days",
            "Nearly every day",
        ]
        ordinals = [extension(c, fhir.EXT_ORDINAL_VALUE) for c in codings]
        assert [[e["valueDecimal"] for e in found] for found in ordinals] == [[0], [1], [2], [3]]
    # Options without a score value carry none.
    plain = by_id["twitch.side"]["answerOption"][0]["valueCoding"]
    assert extension(plain, fhir.EXT_ORDINAL_VALUE) == []


def test_it_puts_ordinal_values_on_the_answer_options_where_lhc_forms_reads_them(resource):
    """ordinalValue (http://hl7.org/fhir/StructureDefinition/ordinalValue, valueDecimal) may sit
    on Coding or on Questionnaire.item.answerOption (https://hl7.org/fhir/R4/extension-ordinalvalue.html
    context); LHC-Forms 40 scores from answerOption.extension only, FHIRPath's ordinal()
    reads the Coding's, so every scored option carries both, equal."""
    scored = [item for item, _ in walk_items(resource["item"]) if item["linkId"].startswith("stress.")]
    checked = 0
    for item in scored:
        for option in item.get("answerOption", []):
            on_coding = extension(option["valueCoding"], fhir.EXT_ORDINAL_VALUE)
            on_option = extension(option, fhir.EXT_ORDINAL_VALUE)
            assert on_option == on_coding, item["linkId"]
            checked += len(on_option)
    assert checked >= 4 * 10  # GAD-7, PHQ-2 and PHQ-9 item 9 at least
    gad = items_by_link_id(resource)["stress.gad7.1"]["answerOption"]
    assert [extension(o, fhir.EXT_ORDINAL_VALUE)[0]["valueDecimal"] for o in gad] == [0, 1, 2, 3]
    # An exclusive option keeps its own extension beside it; an unscored one has none.
    for item, _ in walk_items(resource["item"]):
        for option in item.get("answerOption", []):
            urls = [e["url"] for e in option.get("extension", [])]
            assert len(urls) == len(set(urls)) and set(urls) <= {
                fhir.EXT_ORDINAL_VALUE,
                fhir.EXT_OPTION_EXCLUSIVE,
            }
    assert "extension" not in items_by_link_id(resource)["twitch.side"]["answerOption"][0]


# --------------------------------------------------------------------------- publishing


def test_its_canonical_url_is_built_from_the_base_given():
    """Questionnaire.url, a canonical: https://hl7.org/fhir/R4/references.html#canonical."""
    published = fhir.published_at(QUESTIONNAIRE, "https://forms.clinic.org/fhir/")
    assert published.url == "https://forms.clinic.org/fhir/Questionnaire/facial-twitching-intake"
    assert QUESTIONNAIRE.url != published.url  # the definition itself is untouched
    resource = questionnaire_resource(published)
    assert resource["url"] == published.url
    side = items_by_link_id(resource)["twitch.side"]["answerOption"][0]["valueCoding"]
    assert side["system"] == f"{published.url}/CodeSystem/twitch.side"
    qr = questionnaire_response(
        published, fhir_cases.MINIMAL, status="completed", authored=AUTHORED, response_id=RESPONSE_ID
    )
    assert qr["questionnaire"] == f"{published.url}|{QUESTIONNAIRE.version}"
    assert answers_from_response(published, qr) == fhir_cases.MINIMAL
    with pytest.raises(ValueError):
        answers_from_response(QUESTIONNAIRE, qr)  # another canonical is another questionnaire


@pytest.mark.parametrize(
    "base", ["", "forms.clinic.org/fhir", "ftp://x.org", "https://x.org/f?a=1", "https://x.org/#f"]
)
def test_it_refuses_a_canonical_base_that_is_not_an_http_url(base):
    with pytest.raises(ValueError):
        fhir.canonical_url(base, QUESTIONNAIRE.id)


def test_it_names_publisher_date_and_copyright_when_given():
    """https://hl7.org/fhir/R4/questionnaire-definitions.html#Questionnaire.publisher, .date, .copyright"""
    resource = questionnaire_resource(QUESTIONNAIRE, date="2026-12-05", publisher="A Clinic")
    assert (resource["publisher"], resource["date"]) == ("A Clinic", "2026-12-05")
    assert resource["copyright"] == QUESTIONNAIRE.copyright
    FhirQuestionnaire.parse_obj(resource)
    assert "publisher" not in questionnaire_resource(QUESTIONNAIRE)


def test_each_version_has_its_release_date():
    from intake.questionnaire import versions

    assert versions.released("2.0.0") == "2026-12-05"
    assert versions.released("1.0.0") == "2026-11-27"
    assert versions.released("9.9.9") is None
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", v.released or "") for v in versions.VERSIONS)


def test_it_writes_instants_in_utc_with_z():
    """instant: https://hl7.org/fhir/R4/datatypes.html#instant (Z is UTC)."""
    new_york = timezone(timedelta(hours=-5))
    assert fhir.instant(datetime(2026, 12, 5, 5, 0, tzinfo=new_york)) == "2026-12-05T10:00:00Z"
    assert (
        fhir.instant(datetime(2026, 12, 5, 10, 0, 0, 300000, tzinfo=timezone.utc))
        == "2026-12-05T10:00:00.300000Z"
    )
    with pytest.raises(ValueError):
        fhir.instant(datetime(2026, 12, 5, 10, 0))
    b = bundle([], type="collection", timestamp=datetime(2026, 12, 5, 5, 0, tzinfo=new_york))
    assert b["timestamp"] == "2026-12-05T10:00:00Z"
    utc = questionnaire_response(
        QUESTIONNAIRE, {}, status="completed", authored=datetime(2026, 12, 5, 10, 0, tzinfo=timezone.utc),
        response_id=RESPONSE_ID,
    )  # fmt: skip
    assert utc["authored"] == "2026-12-05T10:00:00Z"


def test_it_maps_enable_when_and_behavior(resource):
    by_id = items_by_link_id(resource)
    where_system = f"{QUESTIONNAIRE.url}/CodeSystem/twitch.where"
    eye = by_id["twitch.eye_closes"]
    assert eye["enableBehavior"] == "any"
    assert eye["enableWhen"] == [
        {
            "question": "twitch.where",
            "operator": "=",
            "answerCoding": {"system": where_system, "code": "upper_eyelid"},
        },
        {
            "question": "twitch.where",
            "operator": "=",
            "answerCoding": {"system": where_system, "code": "lower_eyelid"},
        },
    ]
    assert by_id["stress.life_change_details"]["enableWhen"] == [
        {"question": "stress.life_change", "operator": "=", "answerBoolean": True}
    ]
    other = by_id["about.language_other"]
    assert other["enableWhen"][0]["answerCoding"]["code"] == "other"
    assert "enableBehavior" not in other  # one condition
    for item in QUESTIONNAIRE.items():
        fhir_item = by_id[item.link_id]
        if item.choices_from:
            continue
        assert len(fhir_item.get("enableWhen", [])) == len(item.enable_when), item.link_id


def test_it_maps_exists_and_not_equals_conditions():
    q = Questionnaire(
        id="t",
        version="1",
        title="T",
        url="https://example.org/Questionnaire/t",
        steps=(
            Step(
                id="s",
                title="S",
                items=(
                    Item("a", "A?", ItemType.SINGLE, choices=(Choice("x", "X"), Choice("y", "Y"))),
                    Item("b", "B?", ItemType.TEXT, enable_when=(EnableWhen("a", Operator.EXISTS, False),)),
                    Item(
                        "c",
                        "C?",
                        ItemType.INTEGER,
                        enable_when=(
                            EnableWhen("a", Operator.NOT_EQUALS, "x"),
                            EnableWhen("b", Operator.EQUALS, "hello"),
                        ),
                        enable_behavior="all",
                    ),
                ),
            ),
        ),
    )
    resource = questionnaire_resource(q)
    assert questionnaire_problems(resource) == []
    FhirQuestionnaire.parse_obj(resource)
    by_id = items_by_link_id(resource)
    assert by_id["b"]["enableWhen"] == [{"question": "a", "operator": "exists", "answerBoolean": False}]
    assert by_id["c"]["enableBehavior"] == "all"
    assert by_id["c"]["enableWhen"][0]["operator"] == "!="
    assert by_id["c"]["enableWhen"][1] == {"question": "b", "operator": "=", "answerString": "hello"}
    assert "scores" not in by_id  # no instrument items here, so no scores group


def test_it_expresses_choices_from_with_sdc_expressions(resource):
    start = items_by_link_id(resource)["twitch.start_place"]
    # SDC forbids enableWhen next to enableWhenExpression; the expression holds both rules.
    assert "enableWhen" not in start
    [when] = extension(start, fhir.EXT_ENABLE_WHEN_EXPRESSION)
    toggles = extension(start, fhir.EXT_OPTIONS_TOGGLE)
    assert len(toggles) == len(start["answerOption"])

    def run(expression, answers, context=None):
        qr = response_for(answers)
        return fhirpath(context or qr, expression, {"resource": qr}, R4)

    base = fhir_cases.MINIMAL
    assert run(when["valueExpression"]["expression"], {**base, "twitch.where": ["chin"]}) == [False]
    assert run(when["valueExpression"]["expression"], {**base, "twitch.where": ["chin", "lips"]}) == [True]
    answers = {**base, "twitch.where": ["chin", "lips"]}
    enabled = [
        next(e["valueCoding"]["code"] for e in t["extension"] if e["url"] == "option")
        for t in toggles
        if run(
            next(e for e in t["extension"] if e["url"] == "expression")["valueExpression"]["expression"],
            answers,
        )
        == [True]
    ]
    assert enabled == ["lips", "chin"]  # in option order


@pytest.mark.parametrize("name, answers, status", CASES, ids=[c[0] for c in CASES])
def test_it_computes_the_same_scores_with_the_calculated_expressions(resource, name, answers, status):
    qr = response_for(answers, status="in-progress")  # no app scores in it
    for score_item in items_by_link_id(resource)["scores"]["item"]:
        env = {"resource": qr}
        for variable in extension(score_item, fhir.EXT_VARIABLE):
            expression = variable["valueExpression"]
            env[expression["name"]] = fhirpath(qr, expression["expression"], env, R4)
        [calculated] = extension(score_item, fhir.EXT_CALCULATED)
        result = fhirpath(qr, calculated["valueExpression"]["expression"], env, R4)
        instrument_id = score_item["linkId"].removeprefix("score.")
        app = next(
            s for s in score_all(QUESTIONNAIRE.enabled_answers(answers)) if s.instrument.id == instrument_id
        )
        assert result == ([app.total] if app.complete else []), (name, instrument_id)


def test_it_adds_read_only_calculated_scores_in_a_hidden_group(resource):
    scores = items_by_link_id(resource)["scores"]
    assert scores["type"] == "group" and extension(scores, fhir.EXT_HIDDEN)[0]["valueBoolean"] is True
    by_id = {item["linkId"]: item for item in scores["item"]}
    assert list(by_id) == [f"score.{i.id}" for i in INSTRUMENTS]
    for item in by_id.values():
        assert item["type"] == "integer" and item["readOnly"] is True
        assert len(extension(item, fhir.EXT_CALCULATED)) == 1
    assert by_id["score.gad7"]["code"][0]["code"] == "70274-6"
    assert by_id["score.phq2"]["code"][0]["code"] == "55758-7"
    assert by_id["score.phq4"]["code"][0]["code"] == "70272-0"
    assert by_id["score.gad2"]["code"][0]["system"] == f"{QUESTIONNAIRE.url}/CodeSystem/scores"


def test_it_writes_help_intro_and_labels_as_display_items(resource):
    by_id = items_by_link_id(resource)
    helped = [item for item in QUESTIONNAIRE.items() if item.help]
    assert helped
    for item in helped:
        [child] = [c for c in by_id[item.link_id]["item"] if c["linkId"] == f"{item.link_id}.help"]
        assert child["type"] == "display" and child["text"] == item.help
        control = extension(child, fhir.EXT_ITEM_CONTROL)[0]["valueCodeableConcept"]["coding"][0]
        assert control == {"system": "http://hl7.org/fhir/questionnaire-item-control", "code": "help"}
    assert by_id["about.first_name"].get("item") is None  # no help, no child
    assert by_id["stress.intro"]["text"].startswith("Over the last 2 weeks")
    assert by_id["stress.gad7.1.time-frame"]["text"] == "Over the last 2 weeks"
    assert by_id["twitch.bother.lower"]["text"] == "Not at all"
    assert by_id["twitch.bother.upper"]["text"] == "Very much"


def test_it_states_step_rules_and_consent_as_constraints(resource):
    by_id = items_by_link_id(resource)

    def holds(link_id, answers):
        """Evaluate the item's constraint on its response item, as a form filler would."""
        [constraint] = extension(by_id[link_id], fhir.EXT_CONSTRAINT)
        expression = next(e for e in constraint["extension"] if e["url"] == "expression")["valueString"]
        qr = response_for(answers, status="in-progress")
        path = f"QuestionnaireResponse.repeat(item).where(linkId = '{link_id}').select({expression})"
        return fhirpath(qr, path, {"resource": qr}, R4)

    assert holds("about", fhir_cases.MINIMAL) == [True]  # a phone number
    assert holds("about", {**fhir_cases.MINIMAL, "about.phone": None, "about.email": "li@example.com"}) == [
        True
    ]
    assert holds("about", {**fhir_cases.MINIMAL, "about.phone": None}) == [False]
    assert holds("consent.agree", fhir_cases.MINIMAL) == [True]
    assert holds("consent.agree", {**fhir_cases.MINIMAL, "consent.agree": False}) == [False]


def test_it_puts_no_health_data_in_the_questionnaire(resource):
    text = json.dumps(resource, ensure_ascii=False)
    for value in ("Canary-Lopez", "ana@example.com", "1980-04-23"):
        assert value not in text
    assert questionnaire_resource(QUESTIONNAIRE) == resource  # deterministic


# --------------------------------------------------------------------------- QuestionnaireResponse


@pytest.mark.parametrize("name, answers, status", CASES, ids=[c[0] for c in CASES])
def test_it_builds_valid_r4_responses(resource, name, answers, status):
    qr = response_for(answers, status=status, subject_display="Test patient")
    FhirResponse.parse_obj(qr)
    assert response_problems(qr, resource) == []
    assert json_round_trip(qr) == qr
    if status == "completed":  # as the app would have refused to submit it otherwise
        kept = QUESTIONNAIRE.enabled_answers(answers)
        assert [i.link_id for s in QUESTIONNAIRE.steps for i in QUESTIONNAIRE.missing_required(s, kept)] == []


@pytest.mark.parametrize("name, answers, status", CASES, ids=[c[0] for c in CASES])
def test_it_round_trips_answers(name, answers, status):
    qr = response_for(answers, status=status)
    assert answers_from_response(QUESTIONNAIRE, json_round_trip(qr)) == QUESTIONNAIRE.enabled_answers(answers)


def test_it_round_trips_every_item_of_the_complete_case():
    assert set(QUESTIONNAIRE.enabled_answers(fhir_cases.COMPLETE)) == {
        i.link_id for i in QUESTIONNAIRE.items()
    }
    back = answers_from_response(QUESTIONNAIRE, response_for(fhir_cases.COMPLETE))
    assert back == fhir_cases.COMPLETE
    assert back["twitch.bother"] == 7 and back["history.injury"] is True
    assert back["stress.gad7.3"] == "3"  # LOINC LA6571-9 back to the app's own code


def test_it_writes_the_response_header():
    qr = response_for(fhir_cases.MINIMAL, subject_display="Li Wu")
    assert qr["resourceType"] == "QuestionnaireResponse"
    assert qr["id"] == RESPONSE_ID
    assert qr["questionnaire"] == f"{QUESTIONNAIRE.url}|{QUESTIONNAIRE.version}"
    assert qr["status"] == "completed"
    assert qr["authored"] == "2025-03-14T09:26:53-04:00"
    assert qr["subject"] == {"display": "Li Wu"}
    assert "subject" not in response_for(fhir_cases.MINIMAL)


def test_it_refuses_bad_headers():
    with pytest.raises(ValueError):
        questionnaire_response(
            QUESTIONNAIRE, {}, status="completed", authored=datetime(2025, 1, 1), response_id="x"
        )
    with pytest.raises(ValueError):
        response_for({}, status="amended")
    with pytest.raises(ValueError):
        questionnaire_response(
            QUESTIONNAIRE, {}, status="completed", authored=AUTHORED, response_id="not an id!"
        )


def test_it_leaves_disabled_answers_out_not_empty():
    qr = response_for(fhir_cases.SKIPPED_BRANCHES)
    present = set(items_by_link_id(qr))
    assert present.isdisjoint(fhir_cases.SKIPPED_LINK_IDS)
    assert "history.paralysis" in present and "history.injury" in present  # the questions stay
    text = json.dumps(qr)
    assert "Should not be sent" not in text and "Klingon" not in text
    assert fhir_cases.empties(qr) == []


def test_it_leaves_out_unanswered_items_and_empty_steps():
    qr = response_for(
        {**fhir_cases.DRAFT, "about.last_name": "", "twitch.where": [], "about.email": None},
        status="in-progress",
    )
    groups = [g["linkId"] for g in qr["item"]]
    assert groups == ["welcome", "safety", "about", "stress"]
    assert list(items_by_link_id(qr["item"][2])) == ["about.first_name"]
    for group in qr["item"]:
        assert group["item"] and all(child["answer"] for child in group["item"])
    assert "item" not in response_for({}, status="in-progress")  # nothing answered: no items


def test_it_nests_every_item_like_the_questionnaire(resource):
    defined = {item["linkId"]: parents for item, parents in walk_items(resource["item"])}
    qr = response_for(fhir_cases.COMPLETE)
    seen = 0
    for item, parents in walk_items(qr["item"]):
        assert defined[item["linkId"]] == parents
        seen += 1
    assert seen == len(list(QUESTIONNAIRE.items())) + len(QUESTIONNAIRE.steps) + 1 + len(INSTRUMENTS)


def test_it_answers_each_type_with_its_own_value(resource):
    by_id = items_by_link_id(response_for(fhir_cases.COMPLETE))
    assert by_id["consent.agree"]["answer"] == [{"valueBoolean": True}]
    assert by_id["twitch.where"]["answer"] == [
        {
            "valueCoding": {
                "system": f"{QUESTIONNAIRE.url}/CodeSystem/twitch.where",
                "code": "upper_eyelid",
                "display": "Upper eyelid",
            }
        },
        {
            "valueCoding": {
                "system": f"{QUESTIONNAIRE.url}/CodeSystem/twitch.where",
                "code": "cheek",
                "display": "Cheek",
            }
        },
    ]
    assert by_id["stress.gad7.1"]["answer"] == [
        {"valueCoding": {"system": LOINC, "code": "LA6569-3", "display": "Several days"}}
    ]
    assert by_id["about.email"]["answer"] == [{"valueString": "ana@example.com"}]
    assert by_id["history.injury_details"]["answer"] == [
        {"valueString": "Car accident in 2009, cut above the left ear."}
    ]
    assert by_id["twitch.bother"]["answer"] == [{"valueInteger": 7}]
    assert by_id["history.paralysis_year"]["answer"] == [{"valueInteger": 2015}]
    assert by_id["about.birth_date"]["answer"] == [{"valueDate": "1980-04-23"}]
    assert by_id["twitch.onset"]["answer"] == [{"valueDate": "2024-03"}]  # a valid partial FHIR date


def test_it_keeps_false_and_zero_answers():
    by_id = items_by_link_id(response_for(fhir_cases.ZEROS_AND_FALSES))
    assert by_id["history.face_weakness_now"]["answer"] == [{"valueBoolean": False}]
    assert by_id["stress.life_change"]["answer"] == [{"valueBoolean": False}]
    assert by_id["history.botox_weeks"]["answer"] == [{"valueInteger": 0}]
    assert by_id["twitch.bother"]["answer"] == [{"valueInteger": 0}]
    assert by_id["score.gad7"]["answer"] == [{"valueInteger": 0}]


def test_it_keeps_unicode_quotes_and_newlines_exactly():
    qr = response_for(fhir_cases.TRICKY_TEXT)
    served = json.dumps(qr, ensure_ascii=False)
    by_id = items_by_link_id(json.loads(served))
    for link_id in (
        "about.last_name",
        "about.referrer",
        "history.injury_details",
        "visit.goals",
        "history.medicines",
    ):
        assert by_id[link_id]["answer"] == [{"valueString": fhir_cases.TRICKY_TEXT[link_id]}]
    assert json.loads(json.dumps(qr)) == qr  # ASCII-escaped JSON too


def test_it_reports_scores_only_when_completed_and_complete():
    complete = items_by_link_id(response_for(fhir_cases.COMPLETE))
    assert complete["score.gad7"]["answer"] == [{"valueInteger": 12}]
    assert complete["score.gad2"]["answer"] == [{"valueInteger": 3}]
    assert complete["score.phq2"]["answer"] == [{"valueInteger": 2}]
    assert complete["score.phq4"]["answer"] == [{"valueInteger": 5}]
    partial = items_by_link_id(response_for(fhir_cases.GAD7_INCOMPLETE))
    assert "score.gad7" not in partial and "score.gad2" in partial
    draft = items_by_link_id(response_for(fhir_cases.COMPLETE, status="in-progress"))
    assert "scores" not in draft and "score.gad7" not in draft
    assert "scores" not in items_by_link_id(response_for(fhir_cases.MINIMAL))


def test_it_marks_a_draft_in_progress():
    qr = response_for(fhir_cases.DRAFT, status="in-progress")
    assert qr["status"] == "in-progress"
    assert set(items_by_link_id(qr)) >= {"stress.gad7.1", "stress.gad7.2"}


def test_it_carries_an_emergency_safety_answer():
    signs = items_by_link_id(response_for(fhir_cases.EMERGENCY))["safety.signs"]["answer"]
    assert [a["valueCoding"]["code"] for a in signs] == ["face_droop", "speech", "ear_rash"]
    assert signs[0]["valueCoding"]["display"] == "Face drooping on one side that came on suddenly"


@pytest.mark.parametrize(
    "link_id, value",
    [
        ("twitch.side", "sideways"),  # unknown code
        ("twitch.where", "cheek"),  # a multi-select answer must be a list
        ("twitch.where", ["cheek", "cheek"]),
        ("twitch.bother", "7"),
        ("twitch.bother", True),
        ("history.injury", "yes"),
        ("about.birth_date", "23/04/1980"),
        ("twitch.onset", "2024-3"),
        ("about.first_name", 42),
    ],
)
def test_it_refuses_values_that_do_not_fit_their_item(link_id, value):
    with pytest.raises(ValueError):
        response_for({**fhir_cases.MINIMAL, link_id: value})


# --------------------------------------------------------------------------- answers_from_response


def test_it_maps_loinc_answers_back_to_the_apps_codes():
    qr = response_for({**fhir_cases.MINIMAL, "stress.phq2.1": "3"})
    assert items_by_link_id(qr)["stress.phq2.1"]["answer"][0]["valueCoding"]["code"] == "LA6571-9"
    assert answers_from_response(QUESTIONNAIRE, qr)["stress.phq2.1"] == "3"


def test_it_ignores_scores_and_unknown_items_when_reading_a_response():
    qr = response_for(fhir_cases.COMPLETE)
    qr["item"].append({"linkId": "elsewhere", "item": [{"linkId": "x", "answer": [{"valueString": "y"}]}]})
    back = answers_from_response(QUESTIONNAIRE, qr)
    assert not any(k.startswith("score") for k in back) and "x" not in back


def test_it_drops_disabled_answers_when_reading_a_response():
    qr = response_for(fhir_cases.COMPLETE)
    by_id = items_by_link_id(qr)
    by_id["history.paralysis"]["answer"] = [
        {"valueCoding": {"system": f"{QUESTIONNAIRE.url}/CodeSystem/history.paralysis", "code": "no"}}
    ]
    back = answers_from_response(QUESTIONNAIRE, qr)
    assert back["history.paralysis"] == "no" and "history.paralysis_side" not in back


def test_it_accepts_a_full_date_for_a_month_from_another_system():
    qr = response_for(fhir_cases.COMPLETE)
    items_by_link_id(qr)["twitch.onset"]["answer"] = [{"valueDate": "2024-03-15"}]
    assert answers_from_response(QUESTIONNAIRE, qr)["twitch.onset"] == "2024-03"


def bad_responses():
    def edit(change):
        qr = copy.deepcopy(response_for(fhir_cases.COMPLETE))
        change(qr, items_by_link_id(qr))
        return qr

    yield "other questionnaire", edit(lambda qr, _: qr.update(questionnaire="https://example.org/Q|1"))
    yield "not a response", edit(lambda qr, _: qr.update(resourceType="Questionnaire"))
    yield (
        "unknown code",
        edit(lambda _, i: i["twitch.side"]["answer"][0]["valueCoding"].update(code="upside_down")),
    )
    yield (
        "wrong system",
        edit(lambda _, i: i["stress.gad7.1"]["answer"][0]["valueCoding"].update(system="urn:x")),
    )
    yield "wrong value type", edit(lambda _, i: i["twitch.bother"].update(answer=[{"valueString": "7"}]))
    yield (
        "two answers to a single choice",
        edit(lambda _, i: i["twitch.side"]["answer"].append(i["twitch.side"]["answer"][0])),
    )
    yield (
        "string for a boolean",
        edit(lambda _, i: i["history.injury"].update(answer=[{"valueBoolean": "yes"}])),
    )


@pytest.mark.parametrize("name, qr", list(bad_responses()), ids=[n for n, _ in bad_responses()])
def test_it_refuses_responses_it_cannot_read(name, qr):
    with pytest.raises(ValueError):
        answers_from_response(QUESTIONNAIRE, qr)


def test_it_reads_a_response_to_another_version_of_the_same_questionnaire():
    qr = response_for(fhir_cases.MINIMAL)
    qr["questionnaire"] = f"{QUESTIONNAIRE.url}|0.9.0"
    assert answers_from_response(QUESTIONNAIRE, qr) == fhir_cases.MINIMAL


# --------------------------------------------------------------------------- Bundle, OperationOutcome


def test_it_builds_a_collection_bundle():
    responses = [response_for(answers, status=status) for _, answers, status in CASES]
    b = bundle(responses, type="collection", timestamp=AUTHORED)
    Bundle.parse_obj(b)
    assert b["type"] == "collection" and "total" not in b  # bdl-1
    assert [e["resource"] for e in b["entry"]] == responses
    assert b["entry"][0]["fullUrl"] == f"urn:uuid:{RESPONSE_ID}"
    assert "search" not in b["entry"][0]
    assert json_round_trip(b) == b
    with pytest.raises(ValueError):
        bundle(responses, type="collection", total=3)


def test_it_builds_a_searchset_bundle():
    qr = response_for(fhir_cases.MINIMAL)
    b = bundle([qr], type="searchset", base_url="https://clinic.example/fhir/")
    Bundle.parse_obj(b)
    assert b["total"] == 1
    assert b["entry"] == [
        {
            "fullUrl": f"https://clinic.example/fhir/QuestionnaireResponse/{RESPONSE_ID}",
            "resource": qr,
            "search": {"mode": "match"},
        }
    ]
    assert bundle([], type="searchset", total=0) == {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": 0,
    }
    assert bundle([qr], type="searchset", total=40)["total"] == 40  # one page of many
    with pytest.raises(ValueError):
        bundle([qr], type="transaction")


def test_it_builds_operation_outcomes():
    outcome = operation_outcome("error", "login", 'Missing or bad token <"x"> & more')
    OperationOutcome.parse_obj(outcome)
    assert outcome["issue"] == [
        {"severity": "error", "code": "login", "diagnostics": 'Missing or bad token <"x"> & more'}
    ]
    assert "&lt;" in outcome["text"]["div"] and '<"x">' not in outcome["text"]["div"]
    assert json_round_trip(outcome) == outcome
    assert operation_outcome("error", "not-found", "No such response")["issue"][0]["code"] == "not-found"
    with pytest.raises(ValueError):
        operation_outcome("bad", "login", "x")
    with pytest.raises(ValueError):
        operation_outcome("error", "unauthorised", "x")


# --------------------------------------------------------------------------- branches the clinic's questionnaire does not reach

PLACES = (Choice("a", "A"), Choice("b", "B"), Choice("c", "C"))
SOURCES = (
    Item("where", "Where?", ItemType.MULTI, choices=PLACES),
    Item("flag", "Flag?", ItemType.BOOLEAN),
    Item("n", "N?", ItemType.INTEGER, min_value=0, max_value=9),
    Item("d", "D?", ItemType.DATE),
    Item("t", "T?", ItemType.TEXT),
)


def small_questionnaire(*items: Item) -> Questionnaire:
    return Questionnaire(
        id="t",
        version="1",
        title="T",
        url="https://example.org/Questionnaire/t",
        steps=(Step(id="s", title="S", items=(*SOURCES, *items)),),
    )


def test_it_types_enable_when_answers_like_the_item_they_look_at():
    asked = [
        Item("e1", "E1?", ItemType.TEXT, enable_when=(EnableWhen("flag", Operator.EQUALS, True),)),
        Item("e2", "E2?", ItemType.TEXT, enable_when=(EnableWhen("n", Operator.NOT_EQUALS, "3"),)),
        Item("e3", "E3?", ItemType.TEXT, enable_when=(EnableWhen("d", Operator.EQUALS, "2024-01-02"),)),
    ]
    resource = questionnaire_resource(small_questionnaire(*asked))
    FhirQuestionnaire.parse_obj(resource)
    assert questionnaire_problems(resource) == []
    by_id = items_by_link_id(resource)
    assert by_id["e1"]["enableWhen"] == [{"question": "flag", "operator": "=", "answerBoolean": True}]
    assert by_id["e2"]["enableWhen"] == [{"question": "n", "operator": "!=", "answerInteger": 3}]
    assert by_id["e3"]["enableWhen"] == [{"question": "d", "operator": "=", "answerDate": "2024-01-02"}]
    unknown = Item("x", "X?", ItemType.TEXT, enable_when=(EnableWhen("nope", Operator.EQUALS, "1"),))
    with pytest.raises(ValueError, match="unknown item 'nope'"):
        questionnaire_resource(small_questionnaire(unknown))


@pytest.mark.parametrize("behavior", ["any", "all"])
def test_it_folds_the_conditions_of_a_choices_from_item_into_its_expression(behavior):
    conditions = (
        EnableWhen("flag", Operator.NOT_EQUALS, False),
        EnableWhen("t", Operator.EXISTS, True),
        EnableWhen("t", Operator.NOT_EQUALS, "it's"),
        EnableWhen("where", Operator.EQUALS, "c"),
    )
    start = Item(
        "start",
        "Start?",
        ItemType.SINGLE,
        choices=PLACES,
        choices_from="where",
        enable_when=conditions,
        enable_behavior=behavior,
    )
    q = small_questionnaire(start)
    resource = questionnaire_resource(q)
    FhirQuestionnaire.parse_obj(resource)
    asked = items_by_link_id(resource)["start"]
    assert "enableWhen" not in asked
    [when] = extension(asked, fhir.EXT_ENABLE_WHEN_EXPRESSION)
    samples = [
        {"where": ["a"], "flag": True, "t": "x"},
        {"where": ["a", "b"], "flag": True, "t": "x"},
        {"where": ["a", "c"], "flag": True, "t": "x"},
        {"where": ["a", "b"], "flag": False, "t": "x"},
        {"where": ["a", "b"], "flag": False},
        {"where": ["a", "b"], "t": "it's"},
        {"where": ["a", "b"], "flag": True},
        {"where": ["b", "c"], "flag": False, "t": "it's"},
    ]
    for answers in samples:
        qr = questionnaire_response(
            q, answers, status="completed", authored=AUTHORED, response_id=RESPONSE_ID
        )
        result = fhirpath(qr, when["valueExpression"]["expression"], {"resource": qr}, R4)
        assert result == [start.enabled(answers)], answers
    with pytest.raises(ValueError, match="not offered by where"):
        questionnaire_resource(
            small_questionnaire(
                Item("bad", "B?", ItemType.SINGLE, choices=(Choice("z", "Z"),), choices_from="where")
            )
        )


def test_it_dates_the_questionnaire_as_given():
    assert questionnaire_resource(QUESTIONNAIRE, date=datetime(2025, 1, 31).date())["date"] == "2025-01-31"
    aware = datetime(2025, 1, 31, 12, 0, 5, 999, tzinfo=timezone(timedelta(hours=-5)))
    assert questionnaire_resource(QUESTIONNAIRE, date=aware)["date"] == "2025-01-31T12:00:05-05:00"


def test_it_refuses_an_item_answered_twice():
    qr = response_for(fhir_cases.MINIMAL)
    [first_group, *_] = qr["item"]
    first_group["item"].append(copy.deepcopy(first_group["item"][0]))
    with pytest.raises(ValueError, match="answered twice"):
        answers_from_response(QUESTIONNAIRE, qr)


def test_it_gives_a_full_url_only_to_resources_it_can_name():
    b = bundle(
        [
            operation_outcome("warning", "processing", "No id"),
            {
                "resourceType": "QuestionnaireResponse",
                "id": "not-a-uuid",
                "status": "completed",
                "questionnaire": "https://x.example/Q|1",
            },
            {
                "fullUrl": "urn:uuid:0b7e7c1e-5d43-4c1e-9f0e-1df3b1a8a0c2",
                "resource": {
                    "resourceType": "Basic",
                    "id": "0b7e7c1e-5d43-4c1e-9f0e-1df3b1a8a0c2",
                    "code": {"text": "x"},
                },
            },
        ],
        type="collection",
    )
    assert ["fullUrl" in entry for entry in b["entry"]] == [False, False, True]
    with pytest.raises(ValueError, match="timezone-aware"):
        bundle([], type="collection", timestamp=datetime(2025, 1, 1))
    with pytest.raises(ValueError, match="must not be empty"):
        operation_outcome("error", "invalid", "")


def test_it_stays_free_of_web_and_database_code():
    imported = set()
    for module in Path(fhir.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if not node.module.startswith("intake.questionnaire"):
                    imported.add(node.module.split(".")[0])
    assert imported, "the check reads the package's modules"
    assert not imported & {"flask", "flask_wtf", "wtforms", "sqlalchemy", "flask_sqlalchemy", "intake"}
