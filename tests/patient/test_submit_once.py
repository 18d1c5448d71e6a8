"""Submitting twice, in any way, makes one submission; a failed write never says "sent"."""

from __future__ import annotations

import threading

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from intake.extensions import db
from intake.models import Status, Submission
from intake.questionnaire.twitching import QUESTIONNAIRE
from tests.answers import COMPLETE_FORM, STEPS
from tests.conftest import CSRF_PATTERN, all_submissions, statements_sent


def test_it_treats_a_second_submit_as_the_first(app, patient):
    patient.complete_all_steps()
    first = patient.submit()
    again = patient.submit()
    assert first.location.endswith("/done") and again.location.endswith("/done")
    [submission] = all_submissions(app)
    assert submission.status == Status.NEW


def test_sending_seals_the_synopsis_and_indexes_the_person(app, patient):
    """Issue 27, part 1: worked out once, from the answers as sent, on the day sent."""
    from intake.questionnaire.synopsis import synopsis
    from intake.security.blind_index import person_index

    patient.complete_all_steps()
    patient.submit()
    with app.app_context():
        sent = db.session.scalars(select(Submission)).one()
        assert sent.list_label == {
            "name": "Ana Canary-Lopez",
            "synopsis": synopsis(QUESTIONNAIRE, sent.answers, sent.submitted_at.date()),
        }
        assert " · left · upper lid → cheek" in sent.list_label["synopsis"]
        assert sent.person_index == person_index(sent.answers) is not None, "issue 27, part 7"


def test_it_treats_back_and_resubmit_from_a_stale_review_page_as_the_first(app, patient):
    patient.complete_all_steps()
    review = patient.client.get("/review").get_data(as_text=True)
    token = CSRF_PATTERN.search(review).group(1)
    patient.client.post("/submit", data={"csrf_token": token, "confirm": "y"})
    reference = all_submissions(app)[0].reference
    response = patient.client.post("/submit", data={"csrf_token": token, "confirm": "y"})
    assert response.location.endswith("/done")
    assert reference in patient.client.get("/done").get_data(as_text=True)
    assert len(all_submissions(app)) == 1


def test_it_makes_one_submission_from_concurrent_clicks(app, patient):
    patient.complete_all_steps()
    token = CSRF_PATTERN.search(patient.client.get("/review").get_data(as_text=True)).group(1)
    cookie = patient.client.get_cookie("intake_session").value
    statuses: list[int] = []

    def click():
        tab = app.test_client()
        tab.set_cookie("intake_session", cookie)
        statuses.append(tab.post("/submit", data={"csrf_token": token, "confirm": "y"}).status_code)

    threads = [threading.Thread(target=click) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [302] * 8
    submissions = all_submissions(app)
    assert len(submissions) == 1 and submissions[0].status == Status.NEW


def test_it_never_says_sent_when_the_write_fails(app, patient, monkeypatch):
    patient.complete_all_steps()

    def broken_commit():
        raise OperationalError("COMMIT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(db.session, "commit", broken_commit)
    response = patient.submit()
    monkeypatch.undo()

    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "We could not send your answers just now" in page
    assert "Canary-Lopez" in page, "the answers are still on the page"
    [draft] = all_submissions(app)
    assert draft.status == Status.DRAFT and draft.reference is None
    assert patient.submit().location.endswith("/done"), "a retry then works"


def test_it_needs_the_truth_box_before_sending(app, patient):
    patient.complete_all_steps()
    response = patient.post("/submit", {})
    assert response.status_code == 422
    assert 'href="#confirm"' in response.get_data(as_text=True)
    assert all_submissions(app)[0].status == Status.DRAFT


def test_the_address_a_refused_send_leaves_opens_the_review_or_the_confirmation(app, patient):
    """Found by a walk-through: reopening /submit (a restored tab) gave a 405 dead end."""
    patient.complete_all_steps()
    refused = patient.post("/submit", {}, token_from="/review")
    assert refused.status_code == 422
    reopened = patient.client.get("/submit", follow_redirects=True)
    assert reopened.status_code == 200 and reopened.request.path == "/review"
    patient.submit()
    reopened = patient.client.get("/submit", follow_redirects=True)
    assert reopened.status_code == 200 and "You already sent" in reopened.get_data(as_text=True)


def test_it_sends_an_incomplete_draft_back_to_the_missing_step(app, patient):
    patient.start()
    patient.answer("safety")
    response = patient.submit()
    assert (
        response.status_code == 302 and "/step/" in response.location or response.location.endswith("/review")
    )
    assert all_submissions(app)[0].status == Status.DRAFT


def test_a_save_keeps_what_another_tab_saved_while_this_page_was_checked(app, patient, monkeypatch):
    """The save merges its own page onto the draft as it is when it writes, not as it was
    read before the form was checked."""
    from intake.patient.forms import StepForm

    patient.start()
    patient.answer("safety")
    patient.answer("about")
    original = StepForm.validate_step

    def another_tab_saves_meanwhile(self, *args, **kwargs):
        with app.app_context():
            draft = db.session.scalars(select(Submission)).one()
            draft.answers = {**draft.answers, "about.first_name": "Changed in the other tab"}
            db.session.commit()
        return original(self, *args, **kwargs)

    monkeypatch.setattr(StepForm, "validate_step", another_tab_saves_meanwhile)
    assert patient.answer("twitching").status_code == 302
    [draft] = all_submissions(app)
    assert draft.answers["about.first_name"] == "Changed in the other tab"
    assert draft.answers["twitch.side"] == "left"


def test_a_save_that_loses_the_race_to_the_submit_of_another_tab_changes_nothing(app, patient, monkeypatch):
    from intake.patient.forms import StepForm

    patient.complete_all_steps()
    original = StepForm.validate_step

    def another_tab_submits_meanwhile(self, *args, **kwargs):
        with app.app_context():
            draft = db.session.scalars(select(Submission)).one()
            from intake.models import utcnow
            from intake.patient import submissions

            submissions.submit(QUESTIONNAIRE, draft.id, utcnow())
            db.session.commit()
        return original(self, *args, **kwargs)

    monkeypatch.setattr(StepForm, "validate_step", another_tab_submits_meanwhile)
    response = patient.answer("visit", {**COMPLETE_FORM["visit"], "visit.goals": "Written after sending"})
    assert response.status_code == 404
    [sent] = all_submissions(app)
    assert sent.status == Status.NEW and sent.answers["visit.goals"] != "Written after sending"


def test_two_tabs_saving_different_pages_at_once_lose_neither(app, patient):
    """Real threads, real connections: each save merges its page onto the draft it read
    and writes only onto that version, so when the other tab wrote in between it merges
    again instead of writing back a copy without the other tab's page."""
    patient.complete_all_steps()
    token = CSRF_PATTERN.search(patient.client.get("/step/about").get_data(as_text=True)).group(1)
    cookie = patient.client.get_cookie("intake_session").value
    rounds = 15
    statuses: list[int] = []

    def tab(step_id: str, field: str, prefix: str):
        client = app.test_client()
        client.set_cookie("intake_session", cookie)
        for round_ in range(rounds):
            form = {
                **COMPLETE_FORM[step_id],
                field: f"{prefix} {round_}",
                "csrf_token": token,
                "action": "back",
            }
            statuses.append(client.post(f"/step/{step_id}", data=form).status_code)

    tabs = [
        threading.Thread(target=tab, args=("about", "about.first_name", "Ana")),
        threading.Thread(target=tab, args=("visit", "visit.goals", "Goal")),
    ]
    for thread in tabs:
        thread.start()
    for thread in tabs:
        thread.join()

    assert statuses == [302] * (2 * rounds)
    [draft] = all_submissions(app)
    assert draft.answers["about.first_name"] == f"Ana {rounds - 1}"
    assert draft.answers["visit.goals"] == f"Goal {rounds - 1}"
    assert draft.row_version == 1 + len(STEPS) + 2 * rounds  # the insert, each step, then every save once


def test_a_required_answer_emptied_by_another_tab_while_sending_stops_the_send(app, patient, monkeypatch):
    """The route checks the draft is complete, then checks the truth box; another tab's
    save can land in between. submit() reads the draft again under the write lock and
    sends it only if it is still complete: nothing incomplete is ever frozen."""
    from intake.patient.forms import ConfirmForm

    patient.complete_all_steps()
    original = ConfirmForm.validate

    def another_tab_empties_a_required_answer(self, *args, **kwargs):
        with app.app_context():
            draft = db.session.scalars(select(Submission)).one()
            draft.answers = {k: v for k, v in draft.answers.items() if k != "about.first_name"}
            db.session.commit()
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ConfirmForm, "validate", another_tab_empties_a_required_answer)
    response = patient.submit()
    assert response.status_code == 302 and response.location.endswith("/step/about")
    [draft] = all_submissions(app)
    assert draft.status == Status.DRAFT and draft.reference is None
    assert "still need an answer" in patient.client.get(response.location).get_data(as_text=True)


def test_the_send_reads_the_draft_under_the_write_lock(app, patient):
    """So that no save lands between the read that is checked and the freeze."""
    patient.complete_all_steps()
    with statements_sent(app) as (engine, statements):
        assert patient.submit().location.endswith("/done")
    freeze = next(i for i, sql in enumerate(statements) if sql.startswith("UPDATE submission SET status"))
    reference_check = max(i for i in range(freeze) if "WHERE submission.reference" in statements[i])
    between = statements[reference_check:freeze]
    if engine.dialect.name == "sqlite":
        assert "BEGIN IMMEDIATE" in statements[:reference_check], (
            "the transaction holds the write lock from its start"
        )
        assert "BEGIN" not in between and "COMMIT" not in between
    else:
        assert any(
            " FROM submission WHERE submission.id = " in sql and sql.endswith("FOR UPDATE") for sql in between
        )
