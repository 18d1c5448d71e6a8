"""Junk never gets a 500 (the hardening issue, point 3): random bytes, JSON, wrong content
types, non-ASCII CSRF tokens and odd headers, posted and fetched at every route of the
app, as an anonymous visitor, a patient with a draft, a signed-in clinician and an API
client. Every answer is a 4xx or better with the friendly page, or an OperationOutcome
under /fhir; never a 5xx, never a trace.

One app per database for the whole module, as in test_bad_input.py.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake.extensions import db
from intake.fhir import tokens
from tests.answers import MARIA
from tests.conftest import (
    DATABASES,
    Clinic,
    Patient,
    drop_module_app,
    make_clinician,
    make_submission,
    module_app_without_limits,
)

JUNK = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TEXT = st.text(st.characters(blacklist_categories=["Cs"]), max_size=40)
FORM_FIELDS = ["csrf_token", "username", "password", "code", "next", "action", "lang", "q", "body", "confirm"]


@pytest.fixture(scope="module", params=DATABASES)
def world(request, tmp_path_factory):
    app = module_app_without_limits(request, tmp_path_factory, "junk")
    make_clinician(app, "dr.ana")
    public_id = make_submission(app, MARIA)
    patient = Patient(app.test_client())
    patient.start()
    clinic = Clinic(app, app.test_client(), "dr.ana")
    assert clinic.login().location == "/clinic/"
    with app.app_context():
        _, token = tokens.create("junk", "test", datetime.now(timezone.utc))
        db.session.commit()
    actors = {
        "anonymous": (app.test_client(), {}),
        "patient": (patient.client, {}),
        "clinician": (clinic.client, {}),
        "api": (app.test_client(), {"Authorization": f"Bearer {token}"}),
    }
    paths = sorted(
        {re.sub(r"<(?:\w+:)?(\w+)>", _value_for(public_id), rule.rule) for rule in app.url_map.iter_rules()}
    )
    yield app, actors, paths
    drop_module_app(app)


def _value_for(public_id: str):
    def value(match: re.Match) -> str:
        name = match.group(1)
        return {"clinician_id": "1", "token_id": "1", "filename": "css/app.css"}.get(name, public_id)

    return value


def bodies():
    """(data, content type) pairs: form posts with odd values, JSON, raw bytes."""
    form = st.dictionaries(
        st.sampled_from(FORM_FIELDS), st.one_of(TEXT, st.lists(TEXT, max_size=3)), max_size=5
    )
    as_json = st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), TEXT),
        lambda inner: st.lists(inner, max_size=3),
        max_leaves=6,
    )
    json_object = st.dictionaries(st.sampled_from(FORM_FIELDS), as_json, max_size=4)
    return st.one_of(
        form.map(lambda d: (d, None)),
        json_object.map(lambda d: (json.dumps(d), "application/json")),
        st.binary(max_size=200).map(lambda b: (b, "application/x-www-form-urlencoded")),
        st.binary(max_size=200).map(lambda b: (b, "multipart/form-data; boundary=xyz")),
        st.tuples(
            st.binary(max_size=50), st.sampled_from(["text/plain", "application/xml", "nonsense/;;", ""])
        ),
    )


ODD_HEADERS = st.dictionaries(
    st.sampled_from(
        ["Accept", "Accept-Language", "Accept-Encoding", "Content-Length", "X-CSRFToken", "Cookie", "Referer"]
    ),
    st.text(st.characters(min_codepoint=32, max_codepoint=0x2FFF, blacklist_categories=["Cs"]), max_size=60),
    max_size=2,
)
QUERIES = st.one_of(
    st.just(""),
    st.sampled_from(
        ["?next=%0d%0aSet-Cookie:x=1", "?next=/clinic/%0a", "?return=review", "?lang=%ff", "?_count=-1"]
    ),
    TEXT.map(lambda t: "?q=" + t.encode("utf-8").hex()),
)


@pytest.mark.parametrize("actor", ["anonymous", "patient", "clinician", "api"])
@JUNK
@given(data=st.data())
def test_no_junk_request_gets_a_5xx_anywhere(world, actor, data):
    app, actors, paths = world
    client, auth = actors[actor]
    path = data.draw(st.sampled_from(paths)) + data.draw(QUERIES)
    method = data.draw(st.sampled_from(["GET", "POST", "PUT", "DELETE"]))
    headers = {**auth, **{k: v for k, v in data.draw(ODD_HEADERS).items() if k != "Content-Length"}}
    kwargs = {}
    if method != "GET":
        body, content_type = data.draw(bodies())
        kwargs = {"data": body, "content_type": content_type} if content_type else {"data": body}
    response = client.open(path, method=method, headers=headers, **kwargs)
    text = response.get_data(as_text=True)
    response.close()
    assert response.status_code < 500, (method, path, response.status_code, text[:300])
    assert "Traceback" not in text
    if path.startswith("/fhir/") and response.status_code >= 400:
        assert json.loads(text)["resourceType"] == "OperationOutcome", (method, path)


# --- the cases the outside test found, one by one --------------------------------------


def test_a_json_body_with_a_valid_token_is_read_as_an_empty_form(app, client):
    page = client.get("/clinic/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(
        "/clinic/login",
        data=json.dumps({"username": 1, "password": [1, None]}),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 422 and "Enter your username" in response.get_data(as_text=True)


def test_a_stale_post_to_a_step_that_does_not_exist_is_a_404(app, patient):
    """Found by the test above: the CSRF refusal's page looked the step up with abort(404)
    inside an error handler, which Flask answers with a 500."""
    patient.start()
    response = patient.client.post("/step/no-such-step", data={"csrf_token": "stale"})
    assert response.status_code == 404


def test_a_non_ascii_csrf_token_is_a_stale_page_not_a_500(app, patient):
    patient.start()
    response = patient.client.post("/step/safety", data={"safety.signs": "none", "csrf_token": "ñandú☃"})
    assert response.status_code == 400


def test_a_line_break_in_next_sends_the_clinician_to_the_dashboard(app, client):
    make_clinician(app, "dr.ana")
    clinic = Clinic(app, client, "dr.ana")
    clinic.password_step(query="?next=/clinic/%0d%0aSet-Cookie:%20x=1")
    from tests.conftest import fresh_totp_code

    response = clinic.enter_code(fresh_totp_code(app, "dr.ana"))
    assert response.status_code == 302 and response.location == "/clinic/"
