"""Hostile input to every form (issue 5, point 7), with Hypothesis: very long strings,
control characters, NUL, unicode digits, emoji, right-to-left text, wrong types, missing
and duplicated fields, SQL and HTML payloads. Never a 500; nothing stored that fails
validation; every stored free text renders escaped for the patient and the clinician.

One app per database for the whole module (the examples share it; each starts in a
browser of its own), so no function-scoped fixture is reused across examples.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from sqlalchemy import func, select

from intake.clinic import accounts
from intake.extensions import db
from intake.models import Clinician, ReviewNote, Submission, utcnow
from intake.patient.forms import item_error, step_form
from intake.questionnaire.safety_record import SafetyRecord
from intake.questionnaire.schema import ItemType
from intake.questionnaire.twitching import QUESTIONNAIRE
from intake.security.text import UNSEEN as CONTROL_CHARACTERS
from intake.security.text import clean_text as drop_control_characters
from tests.answers import COMPLETE_FORM, STEPS
from tests.conftest import (
    CLINICIAN_PASSWORD,
    CSRF_PATTERN,
    DATABASES,
    Clinic,
    Patient,
    drop_module_app,
    make_clinician,
    make_submission,
    module_app_without_limits,
)

FAST = settings(
    max_examples=40,
    deadline=None,
    # The only function-scoped fixture is conftest's autouse reset of rate limits, which
    # the examples do not depend on (limits are set out of reach below).
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TEXT_TYPES = (ItemType.TEXT, ItemType.LONG_TEXT, ItemType.EMAIL, ItemType.PHONE)
HTML_PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<b onmouseover='x'>&amp;</b>",
    "</textarea><svg onload=alert(1)>",
    "javascript:alert(1)//<a>",
]
HOSTILE = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x07\x1b[31m\x7f",
    "\r\n\t",
    "\u202eevil\u202c",
    "\u200b",
    "\ufeff",
    "'; DROP TABLE submission; --",
    "' OR '1'='1",
    "1; SELECT pg_sleep(5)",
    "%s%s%n",
    "{{7*7}}",
    "${7*7}",
    "../../etc/passwd",
    "مرحبا بكم",
    "שלום עולם",
    "😀" * 40,
    "👩‍👩‍👧‍👦",
    "Ωmega ß ǅ ﬃ",
    "²",
    "٣",
    "１２",
    "𝟗",
    "-1",
    "1e309",
    "NaN",
    "0x1F",
    "1_000",
    "9" * 40,
    "[]",
    "{}",
    "null",
    "true",
    "0000",
    "2024-02-30",
    "9999-12-31",
    "0001-01-01",
    "13",
    "0",
    "yes",
    "no",
    "on",
    "none",
    "other",
    *HTML_PAYLOADS,
]
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=60)
# Text a person could type or paste (NUL is refused whole, with 400: see security.py).
TYPED = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=60)
LONG = st.builds(lambda chunk, times: (chunk or "x") * times, TEXT, st.integers(50, 400))
VALUE = st.one_of(st.sampled_from(HOSTILE), TEXT, LONG)


def field_values(valid=None):
    """One value (sometimes the valid one), or the field sent twice or three times."""
    single = VALUE if valid is None else st.one_of(st.just(valid), VALUE)
    return st.one_of(single, st.lists(single, min_size=2, max_size=3))


def form(names: dict[str, object]):
    """Either every field valid but one, or any subset of the fields (missing ones left
    out) with any values, plus sometimes a stray field."""
    optional = {name: field_values(valid) for name, valid in names.items()}
    optional["unexpected.field"] = field_values()
    valid = {name: value for name, value in names.items() if value is not None}
    one_bad = st.builds(
        lambda name, value: {**valid, name: value}, st.sampled_from(sorted(names)), field_values()
    )
    return st.one_of(one_bad, st.fixed_dictionaries({}, optional=optional))


def step_fields(step_id: str) -> dict[str, object]:
    valid = COMPLETE_FORM[step_id]
    names = {}
    for item in QUESTIONNAIRE.step(step_id).items:
        parts = (
            [f"{item.link_id}-month", f"{item.link_id}-year"]
            if item.type is ItemType.MONTH_YEAR
            else [item.link_id]
        )
        names.update({name: _valid_single(valid.get(name)) for name in parts})
    return names


def first(value):
    """What a form reads from a field sent several times: the first value."""
    return value[0] if isinstance(value, list) else value


def _valid_single(value):
    return value[0] if isinstance(value, list) and len(value) == 1 else value


# --- one app per database ------------------------------------------------------------------


@pytest.fixture(scope="module", params=DATABASES)
def site(request, tmp_path_factory):
    app = module_app_without_limits(request, tmp_path_factory, "hostile")
    make_clinician(app, "dr.ana")
    make_clinician(app, "boss", role="admin")
    make_clinician(app, "dr.new", second_factor=False)
    walker = Patient(app.test_client())
    walker.complete_all_steps()
    with app.app_context():
        complete = dict(db.session.scalar(select(Submission.answers)))
    yield app, complete
    drop_module_app(app)


def _browser_with_draft(app, answers: dict):
    """A new browser whose draft (complete, every page open) is bound to its session."""
    with app.app_context():
        draft = Submission(
            questionnaire_version=QUESTIONNAIRE.version,
            answers=dict(answers),
            current_step="review",
            language="en",
            # its safety question answered just now (older ones are asked again first)
            safety_record=SafetyRecord(checked_at=utcnow().isoformat()).to_json(),
        )
        db.session.add(draft)
        db.session.commit()
        public_id = draft.public_id
    client = app.test_client()
    with client.session_transaction() as session:
        session["draft"] = public_id
    return client, public_id


def _token(client) -> str:
    return CSRF_PATTERN.search(client.get("/").get_data(as_text=True)).group(1)


def _post(client, path: str, data: dict, token: str | None = None):
    response = client.post(path, data={**data, "csrf_token": token or _token(client)})
    assert response.status_code < 500, f"{path} answered {response.status_code}"
    assert "Traceback" not in response.get_data(as_text=True)
    return response


def _answers(app, public_id: str) -> dict:
    with app.app_context():
        return dict(db.session.scalar(select(Submission.answers).where(Submission.public_id == public_id)))


def _count(app, column) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(column)))


def assert_all_valid(answers: dict) -> None:
    """What a draft holds passes every check a form would make."""
    assert QUESTIONNAIRE.enabled_answers(answers) == answers
    for link_id, value in answers.items():
        item = QUESTIONNAIRE.item(link_id)
        if item.type in TEXT_TYPES:
            assert isinstance(value, str) and 0 < len(value) <= (item.max_length or 2000), link_id
            assert value == value.strip() and not CONTROL_CHARACTERS.search(value), link_id
        elif item.type is ItemType.SINGLE:
            assert value in {choice.code for choice in item.choices}, link_id
        elif item.type is ItemType.MULTI:
            assert isinstance(value, list) and value, link_id
        elif item.type in (ItemType.BOOLEAN, ItemType.CONSENT):
            assert isinstance(value, bool), link_id
        elif item.type in (ItemType.INTEGER, ItemType.SCALE):
            assert type(value) is int, link_id
        elif item.type is ItemType.DATE:
            date.fromisoformat(value)
        elif item.type is ItemType.MONTH_YEAR:
            assert re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value), link_id
        assert item_error(item, value, answers, date.today()) is None, (link_id, value)


# --- the patient's forms ---------------------------------------------------------------------


@FAST
@given(data=form({"consent.agree": "y", "consent.language": "en"}))
def test_welcome_never_fails_and_starts_only_a_valid_draft(site, data):
    app, _complete = site
    before = _count(app, Submission.id)
    client = app.test_client()
    response = _post(client, "/", data)
    if response.status_code == 302:
        with client.session_transaction() as session:
            assert_all_valid(_answers(app, session["draft"]))
    else:
        assert _count(app, Submission.id) == before, "a refused welcome page starts no draft"


@pytest.mark.parametrize(
    "step_id",
    STEPS,
)
@FAST
@given(data=st.data())
def test_each_step_never_fails_and_stores_only_valid_answers(site, step_id, data):
    app, complete = site
    fields = data.draw(form({**step_fields(step_id), "action": "next"}))
    client, public_id = _browser_with_draft(app, complete)
    response = _post(client, f"/step/{step_id}", fields)
    stored = _answers(app, public_id)
    assert_all_valid(stored)
    if response.status_code != 302:
        assert stored == complete, "a page that failed its checks changed nothing"


# Values that have broken parsers before ("²" is a digit to str.isdigit, not to int), each
# sent in every field of every step with the other fields valid: a sweep, not a sample.
TRICKY = [
    "²",
    "٣",
    "１２",
    "1_000",
    " 7 ",
    "1e3",
    "0000",
    "00",
    "2024-02-30",
    "\x0b\u202e",
    "😀",
    "x" * 3000,
    "other",
    "<b>' OR 1=1 --",
]


@pytest.mark.parametrize(
    "step_id",
    STEPS,
)
def test_each_field_of_each_step_survives_each_tricky_value(site, step_id):
    app, complete = site
    fields = {name: value for name, value in step_fields(step_id).items() if value is not None}
    client, public_id = _browser_with_draft(app, complete)
    token = _token(client)
    for name in step_fields(step_id):
        for value in TRICKY:
            response = _post(client, f"/step/{step_id}", {**fields, name: value, "action": "next"}, token)
            assert response.status_code in (302, 422), (name, value, response.status_code)
    assert_all_valid(_answers(app, public_id))


@FAST
@given(data=form({"confirm": "y", "action": "next"}))
def test_sending_never_fails(site, data):
    app, complete = site
    client, public_id = _browser_with_draft(app, complete)
    response = _post(client, "/submit", data)
    with app.app_context():
        status = db.session.scalar(select(Submission.status).where(Submission.public_id == public_id))
    assert status == ("new" if response.status_code == 302 else "draft")


@FAST
@given(data=form({"lang": "es", "next": "/step/about"}))
def test_the_language_switch_never_fails_or_leaves_the_site(site, data):
    app, complete = site
    client, _public_id = _browser_with_draft(app, complete)
    response = _post(client, "/language", data)
    if response.status_code == 302:
        assert response.location.startswith("/") and not response.location.startswith("//")
        with client.session_transaction() as session:
            assert session.get("lang") in ("en", "es")


# --- free text shows as text, for the patient and the clinician ------------------------------

FREE_TEXT = {
    "about": ("about.first_name", "about.last_name", "about.referrer"),
    "episodes": ("twitch.triggers_other",),
    "treatments": ("history.medicines", "treatments.botox_dose"),
    "visit": ("visit.goals",),
}


@settings(FAST, max_examples=15)
@given(
    payloads=st.fixed_dictionaries(
        {
            name: st.tuples(TYPED, st.sampled_from(HTML_PAYLOADS))
            for names in FREE_TEXT.values()
            for name in names
        }
    )
)
def test_stored_free_text_is_escaped_on_the_review_page_and_the_summary(site, payloads):
    app, _complete = site
    values = {name: (text + payload)[:100] for name, (text, payload) in payloads.items()}
    overrides = {step: {name: values[name] for name in names} for step, names in FREE_TEXT.items()}
    patient = Patient(app.test_client())
    patient.complete_all_steps(overrides)
    with patient.client.session_transaction() as session:
        stored = _answers(app, session["draft"])
    review = patient.client.get("/review").get_data(as_text=True)
    shown = [stored[name] for name in values if name in stored]
    assert len(shown) == len(values)
    for value in shown:
        assert str(escape(value)) in review
    assert patient.submit().location == "/done"
    with patient.client.session_transaction() as session:
        public_id = session["submitted"]
    clinic = Clinic(app, app.test_client(), "dr.ana")
    clinic.login()
    summary = clinic.client.get(f"/clinic/submissions/{public_id}").get_data(as_text=True)
    for page in (review, summary):
        for payload in HTML_PAYLOADS:
            assert payload not in page
    for value in shown:
        assert any(str(escape(part)) in summary for part in (value, value[:60])), value


# --- the clinicians' forms ----------------------------------------------------------------------


@FAST
@given(data=form({"username": "dr.ana", "password": CLINICIAN_PASSWORD}))
def test_sign_in_never_fails_and_never_signs_in_a_wrong_password(site, data):
    app, _complete = site
    client = app.test_client()
    response = _post(client, "/clinic/login", data)
    username, password = (
        drop_control_characters(first(data.get(name)) or "") for name in ("username", "password")
    )
    if response.status_code == 302:
        assert accounts.normalise_username(username) == "dr.ana" and password == CLINICIAN_PASSWORD
    else:
        assert response.status_code in (400, 401, 413, 422)  # 413: a body over MAX_CONTENT_LENGTH
    assert client.get("/clinic/").status_code == 302, "no page without the second factor"


@FAST
@given(data=form({"code": "123456"}))
def test_the_second_factor_never_fails_and_refuses_every_guess(site, data):
    app, _complete = site
    clinic = Clinic(app, app.test_client(), "dr.ana")
    clinic.password_step()
    response = _post(clinic.client, "/clinic/login/second-factor", data)
    assert response.status_code in (400, 401, 413, 422)  # 413: a body over MAX_CONTENT_LENGTH
    assert clinic.client.get("/clinic/").status_code == 302


@FAST
@given(data=form({"code": "123456"}))
def test_setting_up_the_second_factor_never_fails_and_refuses_every_guess(site, data):
    app, _complete = site
    clinic = Clinic(app, app.test_client(), "dr.new")
    clinic.password_step()
    response = _post(clinic.client, "/clinic/second-factor/setup", data)
    assert response.status_code in (400, 401, 413, 422)  # 413: a body over MAX_CONTENT_LENGTH
    with app.app_context():
        assert not db.session.scalar(
            select(Clinician).where(Clinician.username == "dr.new")
        ).has_second_factor


@pytest.fixture(scope="module")
def signed_in(site):
    app, _complete = site
    browsers = {}
    for username in ("dr.ana", "boss"):
        clinic = Clinic(app, app.test_client(), username)
        assert clinic.login().location == "/clinic/"
        browsers[username] = clinic.client
    return browsers


@FAST
@given(
    data=form(
        {
            "current": CLINICIAN_PASSWORD,
            "new": "lichen on the north wall",
            "confirm": "lichen on the north wall",
        }
    )
)
def test_changing_the_password_never_fails_and_keeps_only_an_acceptable_one(site, signed_in, data):
    app, _complete = site
    client = signed_in["dr.ana"]
    response = _post(client, "/clinic/password", data)
    with app.app_context():
        account = db.session.scalar(select(Clinician).where(Clinician.username == "dr.ana"))
        if response.status_code == 302:
            new = drop_control_characters(first(data["new"]))
            assert accounts.password_is(account, new) and accounts.password_problem(new, "dr.ana") is None
            account.password_hash = accounts.hash_password(CLINICIAN_PASSWORD)  # back, for the next example
            db.session.commit()
        else:
            assert response.status_code in (400, 422) and accounts.password_is(account, CLINICIAN_PASSWORD)


@FAST
@given(data=form({"body": "Called the patient back."}))
def test_notes_never_fail_and_show_as_text(site, signed_in, data):
    app, complete = site
    client = signed_in["dr.ana"]
    public_id = make_submission(app, complete)
    before = _count(app, ReviewNote.id)
    response = _post(client, f"/clinic/submissions/{public_id}/notes", data)
    if response.status_code == 302:
        with app.app_context():
            body = db.session.scalar(select(ReviewNote.body).order_by(ReviewNote.id.desc()).limit(1))
        assert body.strip() and len(body) <= 5000 and not CONTROL_CHARACTERS.search(body)
        assert str(escape(body)) in client.get(f"/clinic/submissions/{public_id}").get_data(as_text=True)
    else:
        assert response.status_code in (400, 422) and _count(app, ReviewNote.id) == before


@FAST
@given(data=form({"username": "new.person", "display_name": "New Person", "role": "clinician"}))
def test_creating_an_account_never_fails_and_keeps_only_valid_ones(site, signed_in, data):
    app, _complete = site
    before = _count(app, Clinician.id)
    response = _post(signed_in["boss"], "/clinic/admin/accounts", data)
    if response.status_code != 201:
        assert response.status_code in (400, 422) and _count(app, Clinician.id) == before
        return
    with app.app_context():
        newest = db.session.scalar(select(Clinician).order_by(Clinician.id.desc()).limit(1))
        assert accounts.USERNAME_PATTERN.match(newest.username) and newest.role in ("clinician", "admin")
        assert 0 < len(newest.display_name) <= 120 and not CONTROL_CHARACTERS.search(newest.display_name)
        db.session.delete(newest)  # the same username may come again in the next example
        db.session.commit()


@FAST
@given(data=form({"q": "Lopez", "status": "new", "tier": "urgent", "from": "2024-01-01", "to": "2030-01-01"}))
def test_the_dashboard_search_never_fails(site, signed_in, data):
    app, _complete = site
    response = _post(signed_in["dr.ana"], "/clinic/", data)
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert signed_in["dr.ana"].get(response.location).status_code in (200, 400)


def test_the_step_forms_know_every_field_posted_here():
    for step_id in FREE_TEXT:
        form_class = step_form(QUESTIONNAIRE, QUESTIONNAIRE.step(step_id))
        assert all(hasattr(form_class, name) for name in FREE_TEXT[step_id])


def test_nul_is_refused_before_any_query_sees_it(app, client, admin):
    """PostgreSQL raises on NUL in a parameter: the audit trail's actor filter was a 500."""
    assert client.get("/clinic/admin/audit?actor=a%00b").status_code == 400
    assert client.get("/clinic/submissions/%00").status_code == 404
    assert admin.post("/clinic/", {"q": "AB\x00CD-EFGH"}, token_from="/clinic/").status_code == 400
    assert client.get("/clinic/admin/audit?actor=boss").status_code == 200
