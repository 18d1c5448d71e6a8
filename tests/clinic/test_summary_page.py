"""One submission's pre-visit summary, as a clinician reads, reviews, annotates and prints it."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from intake.extensions import db
from intake.models import AuditEvent, Clinician, ReviewNote, Submission
from intake.questionnaire.summary import FREE_TEXT_IN_SECTIONS, OWN_WORDS
from tests import fhir_cases
from tests.answers import MARIA
from tests.conftest import Clinic, make_clinician, make_submission

XSS_PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    "{{ 7*7 }}",
    "</textarea><script>alert(2)</script>",
    "<a href='//evil.example'>click</a>",
)


def _events(app, action: str | None = None) -> list[AuditEvent]:
    with app.app_context():
        query = select(AuditEvent).order_by(AuditEvent.id)
        return list(db.session.scalars(query.where(AuditEvent.action == action) if action else query))


def _page(client, public_id: str) -> str:
    response = client.get(f"/clinic/submissions/{public_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_it_shows_the_summary_sections_in_order_with_safety_first(app, client, clinician):
    public_id = make_submission(app, {**MARIA, "safety.signs": ["hearing_loss", "speech"]})
    page = _page(client, public_id)
    headings = re.findall(r'<h2 id="[a-z]+-title">([^<]+)</h2>', page)
    assert headings == [
        "Safety",
        "Timeline",
        "Key facts, yes and no",
        "Photos and video",
        "Twitching at a glance",
        "What the movements are like",
        "Who",  # below the twitching (issue 27): the name and age are in the title and synopsis
        "History",
        "Medicines and treatments",
        "Scores, stress and daily life",
        "In the patient's own words",
        "Reported features to explore",
        "Every answer",
        "Review and notes",
    ]
    assert {*FREE_TEXT_IN_SECTIONS.values(), OWN_WORDS} <= set(headings), "Every answer points to these"
    safety = page[page.index('id="safety-title"') : page.index('id="twitching-title"')]
    assert "safety-emergency" in page and "tier-emergency" in safety
    assert safety.index("Emergency:") < safety.index("Urgent:"), "emergency flags first"
    assert "Sudden slurred or jumbled speech" in safety and "Sudden loss of hearing" in safety


def test_every_answer_stands_under_its_step_title_once(app, client, clinician):
    public_id = make_submission(app, MARIA)
    page = _page(client, public_id)
    every = page[page.index('id="answers-title"') : page.index('id="notes-title"')]
    titles = re.findall(r'<dt class="step-title">([^<]+)</dt>', every)
    assert titles[:3] == ["Welcome", "First, a quick safety check", "About you"] and len(titles) == len(
        set(titles)
    )
    about = every[every.index(">About you<") : every.index(f">{titles[3]}<")]
    assert "<dd>Maria</dd>" in about and "<dd>maria@example.org</dd>" in about


def test_it_shows_who_the_patient_is_and_the_review_state(app, client, clinician):
    public_id = make_submission(app, MARIA, reference="WHO2-2222")
    page = _page(client, public_id)
    who = page[page.index('id="who-title"') : page.index('id="history-title"')]
    # Issue 27, part 6: contact details on one compact line; reference and status above.
    assert (
        "Maria Lopez · 47 years · born June 15, 1979 · Spanish · maria@example.org · +1 212 555 0100 · "
        "contact by Email · appointments preferred: Mornings · referred by Dr. Chen · form version 1.0.0"
    ) in who
    meta = page[page.index('class="summary-meta"') : page.index('class="summary-actions')]
    assert "WHO2-2222" in meta and "<strong>New</strong>" in meta


def test_it_shows_scores_with_bands_and_incomplete_when_an_item_is_missing(app, client, clinician):
    answers = {
        **MARIA,
        **{f"stress.gad7.{n}": "2" for n in range(1, 8)},
        "stress.phq2.1": "0",
        "stress.phq2.2": "0",
    }
    answers.pop("stress.gad7.7")
    page = _page(client, make_submission(app, answers))
    scores = page[page.index('id="scores-title"') : page.index('id="words-title"')]
    # Six items of 2 already make 12, whatever the seventh: the floor and the band it reaches
    # (Spitzer et al. 2006: cut-points 5, 10, 15; 10 or more, further evaluation).
    expected = "Incomplete, at least 12 (already at or above 10: Moderate, further evaluation recommended)"
    assert f"<strong>{expected}</strong> (1 of 7 items unanswered)" in scores
    assert "0–4 minimal, 5–9 mild, 10–14 moderate, 15–21 severe" in scores
    assert "4 of 6, positive screen" in scores  # GAD-2
    assert "4 of 12, Mild" in scores  # PHQ-4
    full = _page(client, make_submission(app, {**answers, "stress.gad7.7": "3"}))
    assert "15 of 21, Severe, further evaluation recommended" in full


def test_it_shows_own_words_features_and_every_answer(app, client, clinician):
    page = _page(client, make_submission(app, MARIA))
    assert "Reported features to explore" in page
    assert "Twitching reported to continue during sleep" in page
    every = page[page.index('id="answers-title"') : page.index('id="notes-title"')]
    assert (
        every.index("First name")
        < every.index("Where do you feel the twitching?")
        < every.index("Trouble relaxing")
    )


def test_it_writes_exactly_one_audit_event_per_view(app, client, clinician):
    public_id = make_submission(app, MARIA)
    before = len(_events(app))
    _page(client, public_id)
    _page(client, public_id)
    views = _events(app)[before:]
    assert [(e.action, e.actor_label, e.submission_public_id) for e in views] == [
        ("submission.viewed", "dr.ana", public_id)
    ] * 2


def test_a_review_without_an_audit_row_is_not_called_not_reviewed(app, client, clinician):
    """seed-demo's forms, or rows restored from elsewhere, carry a reviewer but no
    "reviewed" audit row: the section at the foot said "Not reviewed yet" under a status
    line saying "Reviewed, by ..."."""
    public_id = make_submission(app, MARIA, status="reviewed")
    with app.app_context():
        row = db.session.scalar(select(Submission).where(Submission.public_id == public_id))
        row.reviewed_by = db.session.scalar(select(Clinician).where(Clinician.username == "dr.ana"))
        row.reviewed_at = datetime(2026, 10, 7, 15, 0, tzinfo=timezone.utc)
        db.session.commit()
    page = _page(client, public_id)
    notes = page[page.index('id="notes"') :]
    assert "Not reviewed yet" not in page
    assert "Marked as reviewed by Dr. Ana Ruiz on Oct 7, 2026" in notes
    assert 'class="summary-section review no-print"' not in page  # it prints, as the status does


def test_it_keeps_who_reviewed_and_reopened_and_when(app, client, clinician):
    public_id = make_submission(app, MARIA)
    token_page = f"/clinic/submissions/{public_id}"
    response = clinician.post(f"/clinic/submissions/{public_id}/reviewed", token_from=token_page)
    assert response.location == token_page
    with app.app_context():
        reviewed = db.session.scalar(select(Submission))
        assert reviewed.status == "reviewed" and reviewed.reviewed_by.username == "dr.ana"
        assert reviewed.reviewed_at is not None
    page = _page(client, public_id)
    assert "Reviewed</strong>, by Dr. Ana Ruiz on" in page and "Reopen (mark as new)" in page
    clinician.post(f"/clinic/submissions/{public_id}/reviewed", token_from=token_page)  # a second click
    clinician.post(f"/clinic/submissions/{public_id}/reopen", token_from=token_page)
    page = _page(client, public_id)
    assert "Mark as reviewed" in page
    history = page[page.index('class="review-history"') :]
    # Named as the status line above names people: by display name, not username.
    assert history.index("Marked as reviewed by Dr. Ana Ruiz") < history.index("Reopened by Dr. Ana Ruiz")
    assert [e.action for e in _events(app) if e.action.startswith("submission.re")] == [
        "submission.reviewed",
        "submission.reopened",
    ]


def test_it_keeps_notes_with_their_author_and_time(app, client, clinician):
    public_id = make_submission(app, MARIA)
    page_path = f"/clinic/submissions/{public_id}"
    response = clinician.post(
        f"{page_path}/notes", {"body": "Call her back about the MRI.\nBring old scans."}, token_from=page_path
    )
    assert response.location == page_path + "#notes"
    make_clinician(app, "dr.bo", display_name="Dr. Bo Kim")
    bo = Clinic(app, app.test_client(), "dr.bo")
    bo.login()
    bo.post(f"{page_path}/notes", {"body": "Seen: agree."}, token_from=page_path)
    page = _page(client, public_id)
    notes = re.findall(
        r'<p class="note-meta"><strong>([^<]+)</strong> · ([^<]+)</p>\s*<p class="note-body">([^<]*)</p>',
        page,
    )
    assert [(author, body) for author, _when, body in notes] == [
        ("Dr. Ana Ruiz", "Call her back about the MRI.\nBring old scans."),
        ("Dr. Bo Kim", "Seen: agree."),
    ]
    assert all(re.search(r"\d{4}, \d{1,2}:\d{2} [AP]M", when) for _a, when, _b in notes)
    assert len(_events(app, "note.added")) == 2


@pytest.mark.parametrize(
    "body, message", [("   ", "Write the note first"), ("x" * 5001, "Use 5,000 characters or fewer")]
)
def test_it_refuses_an_empty_or_overlong_note_and_keeps_nothing(app, client, clinician, body, message):
    public_id = make_submission(app, MARIA)
    page_path = f"/clinic/submissions/{public_id}"
    response = clinician.post(f"{page_path}/notes", {"body": body}, token_from=page_path)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page
    # Said beside the box, where the page opens (#notes), not 6,000 px below a page top.
    assert f'action="{page_path}/notes#notes"' in page
    notes = page[page.index('id="notes"') :]
    assert '<div class="error-summary" role="alert" tabindex="-1" id="error-summary">' in notes
    summary = notes[
        notes.index('id="error-summary"') : notes.index("</div>", notes.index('id="error-summary"'))
    ]
    assert '<a href="#body">' in summary and message in summary
    with app.app_context():
        assert db.session.scalar(select(func.count(ReviewNote.id))) == 0


def test_it_offers_printing_and_a_running_header_for_paper(app, client, clinician):
    page = _page(client, make_submission(app, MARIA, reference="PRNT-2222"))
    assert 'href="/static/css/print.css" media="print"' in page
    assert '<button type="button" class="button secondary" data-print hidden>Print</button>' in page
    header = re.search(r'<thead><tr><td><div class="print-running-header">([^<]+)</div>', page).group(1)
    assert "PRNT-2222" in header and "Maria Lopez" in header
    print_css = app.static_folder + "/css/print.css"
    with open(print_css) as css:
        rules = css.read()
    assert ".print-frame > thead { display: table-header-group" in rules
    assert ".site-header" in rules.split("{")[1] or ".site-header," in rules


def test_it_never_lets_the_page_be_cached(app, client, clinician):
    response = client.get(f"/clinic/submissions/{make_submission(app, MARIA)}")
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_it_shows_html_in_patient_text_as_plain_text_everywhere(app, client, clinician, payload):
    answers = {
        **MARIA,
        "about.first_name": payload,
        "about.last_name": payload,
        "about.referrer": payload,
        "visit.goals": payload,
        "history.medicines": payload,
        "twitch.triggers": ["other"],
        "twitch.triggers_other": payload,
    }
    public_id = make_submission(app, answers)
    clinician.post(
        f"/clinic/submissions/{public_id}/notes",
        {"body": payload},
        token_from=f"/clinic/submissions/{public_id}",
    )
    for page in (_page(client, public_id), client.get("/clinic/").get_data(as_text=True)):
        if "<" in payload or '"' in payload:
            assert payload not in page
        assert str(escape(payload)) in page
    assert "49" not in re.findall(r"<dd>([^<]*)</dd>", _page(client, public_id))


def test_it_shows_the_form_version_the_new_sections_and_the_instruments_notice(app, client, clinician):

    old = _page(client, make_submission(app, MARIA))  # answered on 1.0.0
    new = _page(client, make_submission(app, fhir_cases.COMPLETE, version="2.0.0"))
    assert "form version 1.0.0" in old and "form version 2.0.0" in new
    assert 'no-print" aria-labelledby="pattern-title"' in old, "nothing reported: off paper"
    pattern = new[new.index('id="pattern-title"') : new.index('id="history-title"')]
    assert "Yes, the eyebrow goes up" in pattern
    treatments = new[new.index('id="treatments-title"') : new.index('id="scores-title"')]
    assert "product: Xeomin" in treatments and "Takes a blood thinner" in treatments
    assert " · Female · " in new and " · interpreter wanted: Yes · " in new
    scores = new[new.index('id="scores-title"') : new.index('id="words-title"')]
    assert "GAD-7 and PHQ developed by Drs. Robert L. Spitzer" in scores
