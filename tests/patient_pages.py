"""Every patient-facing page, rendered through the real views, as (name, html) pairs."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

from tests.answers import STEPS
from tests.conftest import Patient


class _Posts(dict):
    """Each post afresh: a file part's stream is closed once it was sent."""

    def __getitem__(self, step_id: str) -> dict:
        return {
            name: (io.BytesIO(value[0]), value[1]) if isinstance(value, tuple) else value
            for name, value in super().__getitem__(step_id).items()
        }


INVALID_POSTS = _Posts(
    {
        "safety": {"safety.signs": ["none", "speech"]},
        "about": {"about.email": "x", "about.birth_date": "2999-01-01"},
        "twitching": {"twitch.where": ["cheek"], "twitch.onset-month": "13", "twitch.onset-year": "2024"},
        "episodes": {"twitch.bother": "99"},
        # A photo sent without the consent ticked (a file part makes the post multipart).
        "media": {"photo.rest": (b"\xff\xd8\xff\xe0 a photo", "face.jpg")},
        "pattern": {"pattern.visible": "sometimes", "pattern.eases_with": ["none", "touch"]},
        "course": {"course.other_movements": "yes", "course.other_movements_age": "young"},
        "history": {"history.paralysis": "yes", "history.paralysis_year": "soon"},
        "health": {"history.family": ["none", "dystonia"], "history.imaging_when-year": "soon"},
        "treatments": {"history.treatments": ["botox"], "treatments.botox_times": "0"},
        "stress": {"stress.gad7.1": "9"},
        "daily_life": {"stress.caffeine": "lots", "stress.sleep_hours": "30"},
        "visit": {"visit.goals": "x" * 2001},
    }
)


def patient_pages(app, language: str = "en") -> list[tuple[str, str]]:
    """Every page in `language`: chosen with the language switch, then on the welcome page."""
    pages: list[tuple[str, str]] = []
    fresh = Patient(app.test_client())
    if language != "en":
        fresh.post("/language", {"lang": language, "next": "/"})
    pages.append(("welcome", fresh.client.get("/").get_data(as_text=True)))
    pages.append(("welcome with errors", fresh.post("/", {}).get_data(as_text=True)))
    pages.append(("not found", fresh.client.get("/nowhere").get_data(as_text=True)))
    pages.append(("expired link", fresh.client.get("/resume/old").get_data(as_text=True)))

    patient = Patient(app.test_client())
    # One address per language: the two walks together post more than a minute's limit.
    patient.client.environ_base["REMOTE_ADDR"] = {"en": "198.51.100.1", "es": "198.51.100.2"}[language]
    patient.start(**{"consent.language": language})
    for step_id in STEPS:
        pages.append((step_id, patient.client.get(f"/step/{step_id}").get_data(as_text=True)))
        rejected = patient.answer(step_id, INVALID_POSTS[step_id])
        assert rejected.status_code == 422, step_id
        pages.append((f"{step_id} with errors", rejected.get_data(as_text=True)))
        patient.answer(step_id)
    patient.answer("visit", action="later")
    pages.append(("saved", patient.client.get("/saved").get_data(as_text=True)))
    pages.append(("saved again", patient.client.get("/saved").get_data(as_text=True)))
    pages.append(("review", patient.client.get("/review").get_data(as_text=True)))
    pages.append(("review with errors", patient.post("/submit", {}).get_data(as_text=True)))
    patient.submit()
    pages.append(("done", patient.client.get("/done").get_data(as_text=True)))
    pages.append(("printable", patient.client.get("/done/answers").get_data(as_text=True)))

    for sign, page in (("speech", "emergency"), ("ear_rash", "urgent")):
        flagged = Patient(app.test_client())
        flagged.start(**{"consent.language": language})
        flagged.answer("safety", {"safety.signs": [sign]})
        pages.append((page, flagged.client.get(f"/{page}").get_data(as_text=True)))
    pages.extend(_too_many_posts_pages(app, language))
    return pages


def _too_many_posts_pages(app, language: str) -> list[tuple[str, str]]:
    """The pages of a refused post (429), from an address of their own (one per language:
    the count lasts the hour)."""
    hurried = Patient(app.test_client())
    hurried.client.environ_base["REMOTE_ADDR"] = {"en": "203.0.113.9", "es": "203.0.113.10"}[language]
    limit = app.config["PATIENT_POST_RATE_LIMIT"]
    app.config["PATIENT_POST_RATE_LIMIT"] = "1 per hour"
    try:
        hurried.start(**{"consent.language": language})
        step = hurried.answer("safety")
        other = hurried.post("/later")
    finally:
        app.config["PATIENT_POST_RATE_LIMIT"] = limit
    assert step.status_code == other.status_code == 429
    return [
        ("too many posts on a step", step.get_data(as_text=True)),
        ("too many posts", other.get_data(as_text=True)),
    ]


class _Text(HTMLParser):
    """Visible text, one chunk per element; skips script, style and head."""

    def __init__(self):
        super().__init__()
        self.chunks: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.chunks.append(re.sub(r"\s+", " ", data.strip()))


def visible_text(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.chunks
