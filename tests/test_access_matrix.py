"""The access-control matrix (issue 5, point 6): every route of the app, GET and POST,
for every kind of visitor, with the answer each one must get, written out route by route
(never computed from the app). A route the table does not list fails the test.

Actors (one browser each, in this order):
  anonymous    nobody: no cookie
  patient      a patient with a draft (started, resume link issued)
  other_token  a patient with a draft who holds another patient's resume token, whose
               answers have since been sent (so the link is spent)
  clinician    a clinician, fully signed in (password and second factor)
  half         a clinician after the password step only (no second factor yet)
  deactivated  a clinician deactivated by an admin, replaying the cookie of their session
  admin        an administrator, fully signed in
  api          an integration sending a valid FHIR API token (and no cookie)

Outcomes: a status code, LOGIN (a redirect to the clinic's sign-in page) or MOVED (any
other redirect). To add an actor (e.g. the FHIR API's "api token"), add its name to
ACTORS, its browser to `world`, and one column to every row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from intake.clinic import accounts
from intake.extensions import db
from intake.models import Clinician, Submission, utcnow
from intake.patient import submissions
from intake.questionnaire.twitching import QUESTIONNAIRE
from tests.answers import MARIA
from tests.conftest import CSRF_PATTERN, Clinic, Patient, make_clinician, make_submission

ACTORS = ("anonymous", "patient", "other_token", "clinician", "half", "deactivated", "admin", "api")
LOGIN, MOVED = "login", "moved"
L, M = LOGIN, MOVED

# (method, rule): outcome per actor, in the order of ACTORS.
#                                                              anon patient other clin half deact admin
EXPECTED: dict[tuple[str, str], tuple] = {
    # --- the patient's pages: public; a draft bound to the browser opens its pages
    ("GET", "/"): (200, 200, 200, 200, 200, 200, 200, 200),
    ("POST", "/"): (422, 422, 422, 422, 422, 422, 422, 422),
    ("GET", "/step/<step_id>"): (M, 200, 200, M, M, M, M, M),
    ("POST", "/step/<step_id>"): (404, 422, 422, 404, 404, 404, 404, 404),
    ("GET", "/review"): (404, M, M, 404, 404, 404, 404, 404),
    ("GET", "/submit"): (M, M, M, M, M, M, M, M),  # the review page (or its 404) at once
    ("POST", "/submit"): (404, M, M, 404, 404, 404, 404, 404),
    ("GET", "/done"): (404, 404, 404, 404, 404, 404, 404, 404),
    ("GET", "/done/answers"): (404, 404, 404, 404, 404, 404, 404, 404),
    ("POST", "/done/email"): (404, 404, 404, 404, 404, 404, 404, 404),
    ("GET", "/emergency"): (404, M, M, 404, 404, 404, 404, 404),
    ("POST", "/emergency/continue"): (404, M, M, 404, 404, 404, 404, 404),
    ("GET", "/urgent"): (404, M, M, 404, 404, 404, 404, 404),
    ("GET", "/support"): (404, M, M, 404, 404, 404, 404, 404),
    ("POST", "/callback"): (404, M, M, 404, 404, 404, 404, 404),
    ("POST", "/language"): (M, M, M, M, M, M, M, M),
    ("POST", "/later"): (404, M, M, 404, 404, 404, 404, 404),
    # photos and video (tus): only this browser's draft, and only its own files
    ("POST", "/media/uploads"): (404, 400, 400, 404, 404, 404, 404, 404),
    ("GET", "/media/uploads/<public_id>"): (404, 404, 404, 404, 404, 404, 404, 404),
    ("PATCH", "/media/uploads/<public_id>"): (404, 404, 404, 404, 404, 404, 404, 404),
    ("DELETE", "/media/uploads/<public_id>"): (404, 404, 404, 404, 404, 404, 404, 404),
    ("GET", "/media/files"): (404, 200, 200, 404, 404, 404, 404, 404),
    ("GET", "/media/<public_id>/preview"): (404, 404, 404, 404, 404, 404, 404, 404),
    ("GET", "/clinic/submissions/<public_id>/media/<media_id>/<rendition>"): (L, L, L, 404, L, L, 404, L),
    ("GET", "/fhir/Binary/<resource_id>"): (401, 401, 401, 401, 401, 401, 401, 404),
    ("GET", "/saved"): (404, 200, 200, 404, 404, 404, 404, 404),
    ("POST", "/saved/email"): (404, M, M, 404, 404, 404, 404, 404),
    ("GET", "/resume/<token>"): (404, M, 404, 404, 404, 404, 404, 404),
    # --- waiting-room tablets: off unless KIOSK_MODE (tests/patient/test_kiosk.py)
    ("POST", "/hand-back"): (404, 404, 404, 404, 404, 404, 404, 404),
    ("POST", "/kiosk/reset"): (404, 404, 404, 404, 404, 404, 404, 404),
    # --- files and probes
    ("GET", "/static/<path:filename>"): (200, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/healthz"): (200, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/readyz"): (200, 200, 200, 200, 200, 200, 200, 200),
    # --- signing in
    ("GET", "/clinic/login"): (200, 200, 200, M, 200, 200, M, 200),
    ("POST", "/clinic/login"): (422, 422, 422, M, 422, 422, M, 422),
    ("GET", "/clinic/login/second-factor"): (L, L, L, M, 200, L, M, L),
    ("POST", "/clinic/login/second-factor"): (L, L, L, M, 401, L, M, L),
    ("GET", "/clinic/second-factor/setup"): (L, L, L, M, M, L, M, L),
    ("POST", "/clinic/second-factor/setup"): (L, L, L, M, M, L, M, L),
    ("POST", "/clinic/logout"): (L, L, L, L, L, L, L, L),
    ("GET", "/clinic/password"): (L, L, L, 200, L, L, 200, L),
    ("POST", "/clinic/password"): (L, L, L, 422, L, L, 422, L),
    ("GET", "/clinic/keepalive"): (L, L, L, 204, L, L, 204, L),
    ("GET", "/clinic/session-left"): (L, L, L, 200, L, L, 200, L),
    # --- health data: signed-in clinicians only
    ("GET", "/clinic/"): (L, L, L, 200, L, L, 200, L),
    ("POST", "/clinic/"): (L, L, L, M, L, L, M, L),
    ("GET", "/clinic/export.csv"): (L, L, L, 200, L, L, 200, L),
    ("GET", "/clinic/submissions/<public_id>"): (L, L, L, 200, L, L, 200, L),
    ("POST", "/clinic/submissions/<public_id>/notes"): (L, L, L, M, L, L, M, L),
    ("POST", "/clinic/submissions/<public_id>/reviewed"): (L, L, L, M, L, L, M, L),
    ("POST", "/clinic/submissions/<public_id>/reopen"): (L, L, L, M, L, L, M, L),
    ("POST", "/clinic/submissions/<public_id>/unlink/<other_id>"): (L, L, L, 200, L, L, 200, L),  # asks first
    ("GET", "/clinic/attention"): (L, L, L, 200, L, L, 200, L),
    ("GET", "/clinic/attention/<public_id>"): (L, L, L, M, L, L, M, L),
    ("POST", "/clinic/attention/<public_id>/called"): (L, L, L, M, L, L, M, L),
    # --- administration: admins only
    ("GET", "/clinic/admin/accounts"): (L, L, L, 403, L, L, 200, L),
    ("POST", "/clinic/admin/accounts"): (L, L, L, 403, L, L, 422, L),
    ("POST", "/clinic/admin/accounts/<int:clinician_id>/deactivate"): (L, L, L, 403, L, L, M, L),
    ("POST", "/clinic/admin/accounts/<int:clinician_id>/reactivate"): (L, L, L, 403, L, L, M, L),
    ("POST", "/clinic/admin/accounts/<int:clinician_id>/reset-password"): (L, L, L, 403, L, L, 200, L),
    ("POST", "/clinic/admin/accounts/<int:clinician_id>/reset-second-factor"): (L, L, L, 403, L, L, M, L),
    ("GET", "/clinic/admin/audit"): (L, L, L, 403, L, L, 200, L),
    # --- FHIR: the public form definition; the read-only API needs an integration token
    ("GET", "/questionnaire.json"): (200, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/fhir/metadata"): (200, 200, 200, 200, 200, 200, 200, 200),
    # The published Questionnaire is public; <resource_id> here is a submission's id, no Questionnaire's.
    ("GET", "/fhir/Questionnaire"): (200, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "/fhir/Questionnaire/<resource_id>"): (404, 404, 404, 404, 404, 404, 404, 404),
    ("GET", "/fhir/QuestionnaireResponse"): (401, 401, 401, 401, 401, 401, 401, 200),
    ("GET", "/fhir/QuestionnaireResponse/<resource_id>"): (401, 401, 401, 401, 401, 401, 401, 200),
    ("GET", "/clinic/export.fhir.json"): (L, L, L, 200, L, L, 200, L),
    ("GET", "/clinic/submissions/<public_id>/fhir.json"): (L, L, L, 200, L, L, 200, L),
}

# What each actor posts: a valid CSRF token and these fields (never enough to pass a
# form's checks, except where the route needs nothing more).
POSTED = {"lang": "en", "body": "A note", "code": "000000", "action": "next"}


@dataclass
class World:
    browsers: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)  # per actor: what fills the rule's <parts>
    headers: dict = field(default_factory=dict)  # per actor: extra request headers


def _resume_token(patient: Patient) -> str:
    patient.post("/later")
    with patient.client.session_transaction() as session:
        return session["resume_token"]["value"]  # kept with its draft (patient/views.keep_for)


def _spent_token_of_someone_else(app) -> str:
    other = Patient(app.test_client())
    other.complete_all_steps()
    token = _resume_token(other)
    with app.app_context():
        draft = db.session.scalar(
            select(Submission).where(Submission.resume_token_hash == submissions.hash_token(token))
        )
        assert submissions.submit(QUESTIONNAIRE, draft.id, utcnow()) == submissions.Sent.NOW
        db.session.commit()
    return token


def _deactivated_replay(app) -> object:
    make_clinician(app, "dr.old")
    old = Clinic(app, app.test_client(), "dr.old")
    assert old.login().location == "/clinic/"
    cookie = old.cookie()
    with app.app_context():
        accounts.set_active(db.session.scalar(select(Clinician).where(Clinician.username == "dr.old")), False)
        db.session.commit()
    replay = app.test_client()
    replay.set_cookie("intake_session", cookie)
    return replay


@pytest.fixture
def world(app) -> World:
    for username, role in (
        ("dr.ana", "clinician"),
        ("dr.half", "clinician"),
        ("boss", "admin"),
        ("dr.bo", "clinician"),
    ):
        make_clinician(app, username, role=role)
    public_id = make_submission(app, MARIA)
    world = World()
    patient, other = Patient(app.test_client()), Patient(app.test_client())
    patient.start()
    own_token = _resume_token(patient)
    other.start()
    world.browsers = {
        "anonymous": app.test_client(),
        "patient": patient.client,
        "other_token": other.client,
        "clinician": _signed_in(app, "dr.ana"),
        "half": _password_only(app, "dr.half"),
        "deactivated": _deactivated_replay(app),
        "admin": _signed_in(app, "boss"),
        "api": app.test_client(),
    }
    world.headers = {actor: {} for actor in ACTORS}
    world.headers["api"] = {"Authorization": f"Bearer {_api_token(app)}"}
    with app.app_context():
        target = db.session.scalar(select(Clinician.id).where(Clinician.username == "dr.bo"))
    common = {
        "public_id": public_id,
        "resource_id": public_id,
        "other_id": public_id,
        "clinician_id": str(target),
        "step_id": "safety",
        "filename": "css/app.css",
        "token": "no-such-token-" + "x" * 30,
        "media_id": public_id,  # no file of that id: 404 once through the gate
        "rendition": "main",
    }
    world.values = {actor: dict(common) for actor in ACTORS}
    world.values["patient"]["token"] = own_token
    world.values["other_token"]["token"] = _spent_token_of_someone_else(app)
    return world


def _api_token(app) -> str:
    from intake.fhir import tokens

    with app.app_context():
        _row, token = tokens.create("matrix-test", "cli:test", utcnow())
        db.session.commit()
    return token


def _signed_in(app, username: str):
    clinic = Clinic(app, app.test_client(), username)
    assert clinic.login().location == "/clinic/"
    return clinic.client


def _password_only(app, username: str):
    clinic = Clinic(app, app.test_client(), username)
    assert clinic.password_step().location == "/clinic/login/second-factor"
    return clinic.client


def _fill(rule: str, values: dict[str, str]) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: values[m.group(1)], rule)


def _outcome(response):
    if response.status_code in (301, 302, 303):
        return (
            LOGIN
            if response.location.startswith("/clinic/login?") or response.location == "/clinic/login"
            else MOVED
        )
    return response.status_code


def _routes(app) -> set[tuple[str, str]]:
    return {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_the_table_lists_every_route_of_the_app_and_no_other(app):
    routes = _routes(app)
    assert set(EXPECTED) == routes, (
        f"add to EXPECTED: {sorted(routes - set(EXPECTED))}; no longer in the app: {sorted(set(EXPECTED) - routes)}"
    )
    assert all(len(row) == len(ACTORS) for row in EXPECTED.values())


@pytest.mark.parametrize("method, rule", sorted(EXPECTED), ids=lambda value: value)
def test_each_actor_gets_the_expected_answer(app, world, method, rule):
    got = {}
    for actor in ACTORS:
        browser = world.browsers[actor]
        token = CSRF_PATTERN.search(browser.get("/").get_data(as_text=True)).group(1)
        response = browser.open(
            _fill(rule, world.values[actor]),
            method=method,
            data={"csrf_token": token, **POSTED},
            headers=world.headers[actor],
        )
        got[actor] = _outcome(response)
        assert "Traceback" not in response.get_data(as_text=True)
        response.close()  # a static file is streamed from an open file
    assert got == dict(zip(ACTORS, EXPECTED[(method, rule)], strict=True)), f"{method} {rule}"


# --- no submission behind a guessable address --------------------------------------------------


def test_no_submission_is_reachable_by_a_guessable_id(app, client, admin):
    public_ids = [make_submission(app, MARIA) for _ in range(5)]
    with app.app_context():
        rows = list(db.session.scalars(select(Submission).order_by(Submission.id)))
    assert [row.id for row in rows] == sorted(row.id for row in rows)
    assert all(
        re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", p)
        for p in public_ids
    )
    assert len({p[:8] for p in public_ids}) == 5, "random, not sequential"
    guesses = [str(n) for n in range(0, 12)] + [f"{n:08d}" for n in range(1, 6)] + [r.reference for r in rows]
    for guess in guesses:
        for path in (
            f"/clinic/submissions/{guess}",
            f"/resume/{guess}",
            f"/done?id={guess}",
            f"/done/answers?id={guess}",
        ):
            assert client.get(path).status_code == 404, f"{path} answered, even to an admin"
    assert client.get(f"/clinic/submissions/{public_ids[0]}").status_code == 200, "the real address works"


def test_submissions_are_only_named_by_their_random_public_id_in_routes(app):
    for rule in app.url_map.iter_rules():
        assert "<int:" not in rule.rule or rule.rule.startswith("/clinic/admin/accounts/"), rule.rule
        assert "submission_id" not in rule.rule and "<id>" not in rule.rule, rule.rule
