"""The synopsis and the face map on the clinician's summary (issue 27, parts 1 and 2):
drawn on the server, so the page carries them without any script."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from tests.answers import MARIA
from tests.conftest import make_submission

SVG = "{http://www.w3.org/2000/svg}"


def _page(app, clinician, answers) -> str:
    response = clinician.client.get(f"/clinic/submissions/{make_submission(app, answers)}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _svg(page: str) -> ET.Element:
    return ET.fromstring(re.search(r"<svg .*?</svg>", page, re.S).group(0))


def test_the_summary_opens_with_the_synopsis(app, clinician):
    page = _page(app, clinician, MARIA)
    synopsis = re.search(r'<p class="synopsis" id="synopsis">(.*?)</p>', page, re.S).group(1)
    assert "47 y · left · lower lid → cheek, mouth corner" in synopsis
    assert page.index('id="synopsis"') < page.index('id="safety-title"')


def test_the_face_map_shades_the_places_answered_with_words_that_say_the_same(app, clinician):
    page = _page(app, clinician, {**MARIA, "twitch.side": "both", "pattern.both_sides": "separately"})
    svg = _svg(page)
    shaded = {
        (e.get("data-place"), e.get("data-side"))
        for e in svg.iter(f"{SVG}ellipse")
        if "shaded" in e.get("class", "")
    }
    places = ("lower_eyelid", "cheek", "mouth_corner")
    assert shaded == {(p, s) for p in places for s in ("left", "right")}
    assert svg.get("role") == "img"
    description = svg.find(f"{SVG}desc").text
    assert description.startswith("On both sides: lower eyelid (where it started)")
    assert "Both sides: each side moves on its own." in description
    assert [t.text for t in svg.iter(f"{SVG}text")] == ["Patient's right", "Patient's left"]
    assert "<script" not in re.search(r"<figure class=\"face-map\">.*?</figure>", page, re.S).group(0)


def test_no_place_answered_draws_no_map(app, clinician):
    answers = {k: v for k, v in MARIA.items() if k not in ("twitch.where", "twitch.start_place")}
    page = _page(app, clinician, answers)
    assert 'class="face-map"' not in page
