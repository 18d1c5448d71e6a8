"""Sample submissions (stored answer dicts) for the FHIR tests, and a small R4 rule checker.

The answer dicts use the stored types of `schema.py` (choice codes, lists, bools, ints,
"YYYY-MM-DD", "YYYY-MM"), not form posts.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

# A full, valid submission that touches every item type and every open branch.
COMPLETE: dict[str, Any] = {
    "consent.agree": True,
    "consent.language": "en",
    "consent.respondent": "carer",
    "safety.signs": ["none"],
    "about.first_name": "Ana",
    "about.last_name": "Canary-Lopez",
    "about.birth_date": "1980-04-23",
    "about.email": "ana@example.com",
    "about.phone": "(212) 555-0123",
    "about.contact_method": "email",
    "about.language": "other",
    "about.language_other": "Portuguese",
    "about.referrer": "Dr. Okafor",
    "about.heard_from": "other",
    "about.heard_from_other": "A poster at the library",
    "about.respondent_check": "carer",
    "about.respondent_name": "Rui Canary",
    "about.respondent_relationship": "Son",
    "about.sex": "female",
    "about.interpreter": True,
    "twitch.where": ["upper_eyelid", "cheek"],
    "twitch.side": "left",
    "twitch.start_place": "upper_eyelid",
    "twitch.onset": "2024-03",
    "twitch.onset_unknown": ["dont_remember"],
    "twitch.onset_age": 43,
    "twitch.onset_manner": "gradual",
    "twitch.spread": "yes",
    "twitch.frequency": "many_daily",
    "twitch.episode_length": "seconds",
    "twitch.eye_closes": "yes",
    "twitch.in_sleep": "dont_know",
    "twitch.urge": "no",
    "twitch.suppressible": "no",
    "twitch.triggers": ["stress", "caffeine", "other"],
    "twitch.triggers_other": "Cold wind",
    "twitch.course": "worse",
    "twitch.bother": 7,
    "media.consent": True,
    "twitch.affects": ["reading", "driving"],
    "pattern.visible": "others_see",
    "pattern.rippling": "no",
    "pattern.continuous_days": "not_sure",
    "pattern.eyes_shut": "no",
    "pattern.brow_up": "yes",
    "pattern.both_sides": "one_side",
    "pattern.ear_click": "yes",
    "pattern.blinking": "no",
    "pattern.light": "no",
    "pattern.dry_eyes": "yes",
    "pattern.eases_with": ["touch", "other"],
    "pattern.eases_with_other": "Warm cloth",
    "course.full_at_start": "no",
    "course.event_before": ["dental"],
    "course.distraction": "no",
    "course.varies": "no",
    "course.waves": "not_sure",
    "course.other_movements": "yes",
    "course.other_movements_age": 12,
    "history.paralysis": "yes",
    "history.paralysis_side": "left",
    "history.paralysis_year": 2015,
    "history.paralysis_recovery": "partial",
    "history.paralysis_again": "no",
    "history.twitch_after_paralysis": "3_to_12_months",
    "history.synkinesis_at_rest": "only_moving",
    "history.synkinesis_tight": "yes",
    "history.synkinesis_mouth": "yes",
    "history.synkinesis_neck": "no",
    "history.synkinesis_eye": "yes",
    "history.synkinesis_tears": "no",
    "history.face_weakness_now": True,
    "history.face_weakness_started": "weeks",
    "history.face_weakness_checked": True,
    "history.face_weakness_course": "same",
    "history.lasting": ["none"],
    "history.lump": False,
    "history.injury": True,
    "history.injury_details": "Car accident in 2009, cut above the left ear.",
    "history.injury_recent": False,
    "history.other_symptoms": ["tinnitus", "dry_eye", "dizziness"],
    "history.sudden_symptoms": ["none"],
    "history.diagnoses": ["other"],
    "history.diagnoses_other": "Migraine",
    "history.family": ["dont_know"],
    "history.imaging": "yes",
    "history.imaging_when": "2023-11",
    "history.imaging_told": "Nothing worrying was found.",
    "history.medicines": "Ibuprofen when needed",
    "treatments.medicine_groups": ["antidepressant"],
    "treatments.medicine_change": "yes",
    "treatments.medicine_change_details": "Sertraline, started May 2024",
    "history.treatments": ["botox", "medicine"],
    "history.botox_last": "2025-06",
    "history.botox_effect": "little_better",
    "history.botox_weeks": 10,
    "treatments.botox_product": "xeomin",
    "treatments.botox_times": 4,
    "treatments.botox_dose": "2.5 units, 4 sites around the left eye",
    "treatments.botox_injector": "Dr. Patel",
    "treatments.botox_days_to_work": 5,
    "treatments.botox_side_effects": ["drooping_lid"],
    "treatments.pregnant": "no",
    "treatments.toxin_allergy": "no",
    "treatments.blood_thinner": "not_sure",
    **{f"stress.gad7.{n}": str(n % 4) for n in range(1, 8)},  # 1,2,3,0,1,2,3 = 12
    "stress.phq2.1": "0",
    "stress.phq2.2": "2",
    "stress.gad7.difficulty": "somewhat",
    "stress.phq9.9": "0",
    "stress.phq.difficulty": "not_difficult",
    "stress.level": 6,
    "stress.life_change": True,
    "stress.life_change_details": "We moved to a new city.",
    "stress.adrenaline": "sometimes",
    "stress.caffeine": 3,
    "stress.alcohol": 2,
    "stress.sleep_hours": 6,
    "stress.sleep_quality": "fair",
    "visit.goals": "I want to read without my eye closing.",
    "visit.times": "mornings",
}

# The smallest submission that can be completed: required items only.
MINIMAL: dict[str, Any] = {
    "consent.agree": True,
    "consent.language": "es",
    "consent.respondent": "patient",
    "safety.signs": ["none"],
    "about.first_name": "Li",
    "about.last_name": "Wu",
    "about.birth_date": "2001-12-31",
    "about.phone": "+1 212 555 0199",
    "about.contact_method": "text_message",
    "twitch.where": ["chin"],
    "twitch.side": "not_sure",
    "twitch.onset_manner": "not_sure",
    "twitch.frequency": "less_often",
}

# Stale answers behind closed branches: each must be left out of the response.
SKIPPED_BRANCHES: dict[str, Any] = {
    **MINIMAL,
    "about.language": "en",
    "about.language_other": "Klingon",  # only for "other"
    "twitch.where": ["cheek"],  # one place: no start question, no eyelid question
    "twitch.start_place": "cheek",
    "twitch.eye_closes": "no",
    "history.paralysis": "no",
    "history.paralysis_side": "right",
    "history.paralysis_year": 1999,
    "history.paralysis_recovery": "full",
    "history.synkinesis_eye": "no",
    "history.injury": False,
    "history.injury_details": "Should not be sent",
    "history.treatments": ["none"],
    "history.botox_last": "2020-01",
    "history.botox_effect": "no_change",
    "history.botox_weeks": 4,
    "stress.life_change": False,
    "stress.life_change_details": "Should not be sent either",
}
SKIPPED_LINK_IDS = frozenset(
    {
        "about.language_other",
        "twitch.start_place",
        "twitch.eye_closes",
        "history.paralysis_side",
        "history.paralysis_year",
        "history.paralysis_recovery",
        "history.synkinesis_eye",
        "history.injury_details",
        "history.botox_last",
        "history.botox_effect",
        "history.botox_weeks",
        "stress.life_change_details",
    }
)

# Free text that breaks naive serialisers: unicode, quotes, newlines, markup, backslashes.
TRICKY_TEXT: dict[str, Any] = {
    **MINIMAL,
    "about.first_name": "José María",
    "about.last_name": 'Ñúñez-O\'Brien "Pepe"',
    "about.referrer": "Dr. Zoë Łukasiewicz — 李医生 😊",
    "history.injury": True,
    "history.injury_details": "Line one\nLine two with \"quotes\" and 'apostrophes'\r\n\tTabbed <b>bold?</b> & C:\\path",
    "visit.goals": "Ça va?\n\nÜber-long goals: «stop the twitch» 🙏\u200b (zero-width space)",
    "history.medicines": "  leading and trailing spaces kept  ",
}

# A draft saved half way: in-progress, partial GAD-7, no scores.
DRAFT: dict[str, Any] = {
    "consent.agree": True,
    "consent.language": "en",
    "safety.signs": ["none"],
    "about.first_name": "Sam",
    "stress.gad7.1": "3",
    "stress.gad7.2": "3",
}

# An emergency sign ticked (with an urgent one), on an otherwise complete submission.
EMERGENCY: dict[str, Any] = {
    **COMPLETE,
    "safety.signs": ["face_droop", "speech", "ear_rash"],
}

# Zeros and falses are answers, not blanks.
ZEROS_AND_FALSES: dict[str, Any] = {
    **MINIMAL,
    "twitch.bother": 0,
    "history.face_weakness_now": False,
    "history.injury": False,
    "history.treatments": ["botox"],
    "history.botox_weeks": 0,
    "stress.level": 0,
    "stress.life_change": False,
    "stress.caffeine": 0,
    "stress.alcohol": 0,
    **{f"stress.gad7.{n}": "0" for n in range(1, 8)},
    "stress.phq2.1": "0",
    "stress.phq2.2": "0",
}

# GAD-7 with one item skipped: GAD-7 has no score, GAD-2, PHQ-2 and PHQ-4 do.
GAD7_INCOMPLETE: dict[str, Any] = {
    **{k: v for k, v in COMPLETE.items() if k != "stress.gad7.5"},
}

# (name, answers, status)
CASES: list[tuple[str, dict[str, Any], str]] = [
    ("complete", COMPLETE, "completed"),
    ("minimal", MINIMAL, "completed"),
    ("skipped_branches", SKIPPED_BRANCHES, "completed"),
    ("tricky_text", TRICKY_TEXT, "completed"),
    ("draft", DRAFT, "in-progress"),
    ("emergency", EMERGENCY, "completed"),
    ("zeros_and_falses", ZEROS_AND_FALSES, "completed"),
    ("gad7_incomplete", GAD7_INCOMPLETE, "completed"),
]


# --------------------------------------------------------------------------- R4 rules
# fhir.resources checks structure and datatypes but neither the required code bindings nor
# the resources' invariants; these are the ones our output could break.

ITEM_TYPES = frozenset(
    {
        "group", "display", "boolean", "decimal", "integer", "date", "dateTime", "time",
        "string", "text", "url", "choice", "open-choice", "attachment", "reference",
        "quantity",
    }
)  # fmt: skip
OPERATORS = frozenset({"exists", "=", "!=", ">", "<", ">=", "<="})
PUBLICATION_STATUS = frozenset({"draft", "active", "retired", "unknown"})
RESPONSE_STATUS = frozenset({"in-progress", "completed", "amended", "entered-in-error", "stopped"})
ANSWER_KEY = {
    "boolean": "valueBoolean",
    "integer": "valueInteger",
    "date": "valueDate",
    "string": "valueString",
    "text": "valueString",
    "choice": "valueCoding",
}


def walk_items(items: list[dict], parents: tuple[str, ...] = ()) -> Iterator[tuple[dict, tuple[str, ...]]]:
    """Every item with the linkIds of its ancestors (through answers too)."""
    for item in items:
        yield item, parents
        yield from walk_items(item.get("item", []), parents + (item["linkId"],))
        for answer in item.get("answer", []):
            yield from walk_items(answer.get("item", []), parents + (item["linkId"],))


def empties(node: Any, path: str = "$") -> list[str]:
    """Paths of empty lists, objects and strings (FHIR rule ele-1: no empty elements)."""
    found = []
    if isinstance(node, dict):
        if not node:
            found.append(path)
        for key, value in node.items():
            found += empties(value, f"{path}.{key}")
    elif isinstance(node, list):
        if not node:
            found.append(path)
        for n, value in enumerate(node):
            found += empties(value, f"{path}[{n}]")
    elif isinstance(node, str) and node == "":
        found.append(path)
    return found


def extensions_well_formed(node: Any, path: str = "$") -> list[str]:
    """ext-1: an extension has a value or sub-extensions, never both; and a url."""
    problems = []
    if isinstance(node, dict):
        for ext in node.get("extension", []):
            values = [k for k in ext if k.startswith("value")]
            if "url" not in ext or (bool(values) == ("extension" in ext)) or len(values) > 1:
                problems.append(f"{path}.extension {ext.get('url')}")
        for key, value in node.items():
            problems += extensions_well_formed(value, f"{path}.{key}")
    elif isinstance(node, list):
        for n, value in enumerate(node):
            problems += extensions_well_formed(value, f"{path}[{n}]")
    return problems


def questionnaire_problems(resource: Mapping[str, Any]) -> list[str]:
    """Breaches of the R4 Questionnaire bindings and invariants (que-1 .. que-12)."""
    problems = empties(resource) + extensions_well_formed(resource)
    if resource.get("status") not in PUBLICATION_STATUS:
        problems.append("status binding")
    link_ids: list[str] = []
    for item, _ in walk_items(resource.get("item", [])):
        lid, t = item.get("linkId"), item.get("type")
        link_ids.append(lid)
        if t not in ITEM_TYPES:
            problems.append(f"{lid}: type {t!r}")
        if t == "group" and not item.get("item"):
            problems.append(f"{lid}: que-1 empty group")
        if t == "display":
            for key in ("item", "code", "required", "repeats", "readOnly", "initial", "answerOption"):
                if key in item:
                    problems.append(f"{lid}: que-1/3/6/9 display with {key}")
        if ("answerOption" in item or "answerValueSet" in item) and t not in (
            "choice", "open-choice", "integer", "date", "time", "string",
        ):  # fmt: skip
            problems.append(f"{lid}: que-5 options on {t}")
        if "maxLength" in item and t not in (
            "boolean", "decimal", "integer", "string", "text", "url", "open-choice",
        ):  # fmt: skip
            problems.append(f"{lid}: que-10 maxLength on {t}")
        conditions = item.get("enableWhen", [])
        if len(conditions) > 1 and item.get("enableBehavior") not in ("all", "any"):
            problems.append(f"{lid}: que-12 enableBehavior missing")
        for condition in conditions:
            if condition.get("operator") not in OPERATORS:
                problems.append(f"{lid}: operator {condition.get('operator')!r}")
            if condition.get("operator") == "exists" and not isinstance(condition.get("answerBoolean"), bool):
                problems.append(f"{lid}: que-7 exists without answerBoolean")
    duplicates = {lid for lid in link_ids if link_ids.count(lid) > 1}
    if duplicates:
        problems.append(f"que-2 duplicate linkIds {sorted(duplicates)}")
    return problems


def response_problems(response: Mapping[str, Any], questionnaire: Mapping[str, Any]) -> list[str]:
    """Breaches of QuestionnaireResponse rules, and of its fit with the Questionnaire.

    qrs-1 (no item with both answers and items), qrs-2 (a linkId once per level), the
    status binding, a timezone on `authored`, and, as the HL7 validator checks: every
    linkId exists with the same nesting and text, every answer has its item's type, and a
    coded answer is one of the item's options.
    """
    problems = empties(response) + extensions_well_formed(response)
    if response.get("status") not in RESPONSE_STATUS:
        problems.append("status binding")
    authored = response.get("authored", "")
    if not (authored.endswith("Z") or authored[-6:-5] in ("+", "-")):
        problems.append("authored has no timezone")
    defined = {item["linkId"]: (item, parents) for item, parents in walk_items(questionnaire["item"])}
    for item, parents in walk_items(response.get("item", [])):
        lid = item["linkId"]
        if "answer" in item and "item" in item:
            problems.append(f"{lid}: qrs-1")
        siblings = [child["linkId"] for child in item.get("item", [])]
        if len(siblings) != len(set(siblings)):
            problems.append(f"{lid}: qrs-2 repeated child linkId")
        if lid not in defined:
            problems.append(f"{lid}: not in the Questionnaire")
            continue
        definition, defined_parents = defined[lid]
        if parents != defined_parents:
            problems.append(f"{lid}: nested under {parents}, defined under {defined_parents}")
        if "text" in item and item["text"] != definition.get("text"):
            problems.append(f"{lid}: text differs from the Questionnaire")
        if definition["type"] == "display":
            problems.append(f"{lid}: display item in a response")
        if definition["type"] == "group" and "answer" in item:
            problems.append(f"{lid}: group with answers")
        answers = item.get("answer", [])
        if len(answers) > 1 and not definition.get("repeats"):
            problems.append(f"{lid}: several answers to a non-repeating item")
        expected = ANSWER_KEY.get(definition["type"])
        options = [
            (o["valueCoding"].get("system"), o["valueCoding"].get("code"))
            for o in definition.get("answerOption", [])
        ]
        for answer in answers:
            keys = [k for k in answer if k.startswith("value")]
            if keys != [expected]:
                problems.append(f"{lid}: answer {keys} for a {definition['type']} item")
            elif expected == "valueCoding":
                coding = answer["valueCoding"]
                if (coding.get("system"), coding.get("code")) not in options:
                    problems.append(f"{lid}: {coding} is not an answerOption")
    return problems


BUNDLE_TYPES = frozenset(
    {
        "document", "message", "transaction", "transaction-response", "batch",
        "batch-response", "history", "searchset", "collection",
    }
)  # fmt: skip
SEARCH_MODES = frozenset({"match", "include", "outcome"})


def bundle_problems(bundle: Mapping[str, Any]) -> list[str]:
    """Breaches of the R4 Bundle rules fhir.resources does not check: the type and
    search.mode bindings, bdl-1 (total), bdl-2 (search), bdl-3 (request), bdl-4 (response),
    bdl-5 (each entry has a resource, request or response) and bdl-7 (fullUrl once)."""
    problems = empties(bundle)
    kind = bundle.get("type")
    if kind not in BUNDLE_TYPES:
        problems.append(f"type {kind!r}")
    if "total" in bundle and kind not in ("searchset", "history"):
        problems.append("bdl-1 total outside a searchset or history")
    entries = bundle.get("entry", [])
    for n, entry in enumerate(entries):
        if "search" in entry and kind != "searchset":
            problems.append(f"entry[{n}]: bdl-2 search outside a searchset")
        if "search" in entry and entry["search"].get("mode") not in SEARCH_MODES:
            problems.append(f"entry[{n}]: search.mode {entry['search'].get('mode')!r}")
        if ("request" in entry) != (kind in ("batch", "transaction", "history")):
            problems.append(f"entry[{n}]: bdl-3 request")
        if ("response" in entry) != (kind in ("batch-response", "transaction-response", "history")):
            problems.append(f"entry[{n}]: bdl-4 response")
        if not any(key in entry for key in ("resource", "request", "response")):
            problems.append(f"entry[{n}]: bdl-5 empty entry")
    full_urls = [entry["fullUrl"] for entry in entries if "fullUrl" in entry]
    if len(full_urls) != len(set(full_urls)):
        problems.append("bdl-7 a fullUrl twice")
    return problems
