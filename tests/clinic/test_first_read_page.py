"""What a clinician reads first on the summary (issue 27): the synopsis, the face map,
the timeline, answers to check and the key facts. Drawn on the server, so the page
carries them without any script."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

from tests.answers import MARIA
from tests.conftest import make_submission

SVG = "{http://www.w3.org/2000/svg}"


def _page(app, clinician, answers, **submission) -> str:
    response = clinician.client.get(f"/clinic/submissions/{make_submission(app, answers, **submission)}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _svg(page: str) -> ET.Element:
    return ET.fromstring(re.search(r"<svg .*?</svg>", page, re.S).group(0))


def test_the_summary_opens_with_the_synopsis(app, clinician):
    page = _page(app, clinician, MARIA)
    synopsis = re.search(r'<p class="synopsis" id="synopsis">(.*?)</p>', page, re.S).group(1)
    assert "47 y · left · lower lid → cheek, mouth corner" in synopsis
    assert page.index('id="synopsis"') < page.index('id="safety-title"')
    # Its ages and durations count to the day it was sent; the facts below count to today.
    assert re.search(r'<span class="as-of">as sent, [A-Z][a-z]{2} \d{1,2}, \d{4}</span>', synopsis)


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


def test_the_key_names_a_ring_only_when_one_is_drawn(app, clinician):
    def key(page: str) -> str:
        return re.search(r'<span class="face-map-key">(.*?)</span>', page, re.S).group(1)

    assert "ringed: where it started" in key(_page(app, clinician, MARIA))
    no_start = {k: v for k, v in MARIA.items() if k != "twitch.start_place"}
    assert "ringed" not in key(_page(app, clinician, no_start))


def test_no_place_answered_draws_no_map(app, clinician):
    answers = {k: v for k, v in MARIA.items() if k not in ("twitch.where", "twitch.start_place")}
    page = _page(app, clinician, answers)
    assert 'class="face-map"' not in page


def test_the_timeline_answers_to_check_and_key_facts_follow_the_safety_box(app, clinician):
    contradicting = {**MARIA, "twitch.frequency": "constant", "twitch.episode_length": "seconds"}
    page = _page(app, clinician, contradicting, submitted_at=datetime(2026, 11, 20, 15, tzinfo=timezone.utc))
    order = [
        page.index(f'id="{block}-title"') for block in ("safety", "timeline", "checks", "key", "twitching")
    ]
    assert order == sorted(order)
    timeline = re.search(r'<ol class="timeline">(.*?)</ol>', page, re.S).group(1)
    assert re.findall(r'<span class="timeline-when">([^<]+)</span>', timeline) == [
        "2015",
        "Jun 2019",
        "Mar 2023",
        "Aug 2025",
        "Nov 2026",
    ]
    assert '<span class="timeline-when">Nov 2026</span> Form sent' in timeline
    # An event given without a date says so, rather than seeming to belong to the next date.
    assert re.findall(r'<span class="timeline-when undated">no date given</span> ([^<]+)</li>', timeline)
    assert "How often: “All the time”, but each episode: “A few seconds”." in page
    assert '<span class="absent">No face weakness now</span>' in page
    assert '<strong class="present">Seen to go on in sleep</strong>' in page


def test_nothing_to_check_shows_no_such_section(app, clinician):
    assert 'id="checks-title"' not in _page(app, clinician, MARIA)
