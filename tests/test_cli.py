"""`flask create-clinician`, `flask seed-demo`, and the first admin made by `intake-serve`."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from intake import serve
from intake.extensions import db
from intake.models import AuditEvent, Clinician, Submission
from intake.questionnaire.checks import answers_to_check
from intake.questionnaire.summary import build_summary
from intake.questionnaire.twitching import QUESTIONNAIRE
from tests.conftest import Clinic, make_app
from tests.storage.test_migrations import keep_logging  # noqa: F401 (a fixture)

PASSWORD_LINE = re.compile(r"One-time password: ([0-9A-Z]{4}(?:-[0-9A-Z]{4}){3})")


def _password(output: str) -> str:
    return PASSWORD_LINE.search(output).group(1)


def test_it_creates_a_clinician_with_a_one_time_password(app, client):
    result = app.test_cli_runner().invoke(args=["create-clinician", "J.Chen", "--name", "Dr. Jane Chen"])
    assert result.exit_code == 0, result.output
    assert "Username: j.chen" in result.output
    password = _password(result.output)
    with app.app_context():
        account = db.session.scalar(select(Clinician))
        assert (account.role, account.display_name, account.must_change_password) == (
            "clinician",
            "Dr. Jane Chen",
            True,
        )
        assert password not in account.password_hash
        assert db.session.scalar(select(AuditEvent.actor_label)) == "cli"
    clinic = Clinic(app, client, "j.chen", password)
    assert clinic.login().location == "/clinic/second-factor/setup", "the first sign-in sets up the app"
    codes, _secret = clinic.enrol()
    assert 'href="/clinic/password"' in codes.get_data(as_text=True), "then chooses a password"
    assert client.get("/clinic/").location == "/clinic/password"


def test_it_creates_an_admin_on_request(app):
    result = app.test_cli_runner().invoke(args=["create-clinician", "boss", "--name", "Pat", "--admin"])
    assert result.exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(Clinician.role)) == "admin"


@pytest.mark.parametrize("username", ["a", "has space", "x" * 65, "émile", "../root"])
def test_it_refuses_a_bad_username(app, username):
    result = app.test_cli_runner().invoke(args=["create-clinician", username, "--name", "X"])
    assert result.exit_code != 0
    with app.app_context():
        assert db.session.scalar(select(func.count(Clinician.id))) == 0


def test_it_refuses_a_second_account_with_the_same_username(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["create-clinician", "dr.ana", "--name", "Ana"])
    again = runner.invoke(args=["create-clinician", "DR.ANA", "--name", "Other Ana"])
    assert again.exit_code != 0 and "already an account" in again.output


def test_it_gives_every_account_a_different_one_time_password(app):
    runner = app.test_cli_runner()
    outputs = [runner.invoke(args=["create-clinician", f"user{n}", "--name", "U"]).output for n in range(5)]
    assert len({_password(o) for o in outputs}) == 5


def test_it_seeds_varied_realistic_submissions(app, client, clinician):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--count", "300", "--seed", "7"])
    assert result.exit_code == 0 and "Added 300" in result.output
    with app.app_context():
        rows = list(db.session.scalars(select(Submission)))
        assert len(rows) == 300
        assert {r.status for r in rows} == {"new", "reviewed"}
        tiers = {tier: sum(r.safety_tier == tier for r in rows) for tier in ("none", "urgent", "emergency")}
        assert tiers["none"] > 200 and tiers["urgent"] > 0 and tiers["emergency"] > 0
        assert len({r.reference for r in rows}) == 300
        assert len({r.answers["about.last_name"] for r in rows}) > 20
        for row in rows[:50]:
            assert QUESTIONNAIRE.enabled_answers(row.answers) == row.answers
            assert all(not QUESTIONNAIRE.missing_required(step, row.answers) for step in QUESTIONNAIRE.steps)
            build_summary(QUESTIONNAIRE, row.answers, today=row.submitted_at.date())
            # Made up, but as a person answers: no start date the age or the birth date contradicts.
            notes = answers_to_check(QUESTIONNAIRE, row.answers)
            assert not [n for n in notes if "start" in n or "date of birth" in n], notes
        name = rows[0].answers["about.last_name"]
        expected = sum(r.answers["about.last_name"] == name for r in rows)
    found = clinician.post("/clinic/", {"q": name}, token_from="/clinic/")
    page = client.get(found.location).get_data(as_text=True)
    assert page.count('class="reference-link"') == min(expected, 50)


@pytest.fixture
def fresh_sqlite_app(tmp_path, keep_logging):  # noqa: F811
    app = make_app(f"sqlite:///{tmp_path / 'serve.db'}")
    yield app
    with app.app_context():
        db.engine.dispose()


def test_it_creates_the_first_admin_once_when_serving_an_empty_database(fresh_sqlite_app, capfd):
    first = serve.prepare(fresh_sqlite_app)
    assert "Username: admin" in first and "two-step sign-in" in first
    assert "Running upgrade" not in "".join(capfd.readouterr()), "migrations run quietly (issue 28, part 10)"
    password = _password(first)
    assert serve.prepare(fresh_sqlite_app) is None, "created and shown once only"
    clinic = Clinic(fresh_sqlite_app, fresh_sqlite_app.test_client(), "admin", password)
    assert clinic.login().location == "/clinic/second-factor/setup", "an admin always sets up the app"
    assert clinic.client.get("/clinic/").location.startswith("/clinic/login"), "not signed in before that"
    codes, _secret = clinic.enrol()
    assert codes.status_code == 200 and 'href="/clinic/password"' in codes.get_data(as_text=True)
    assert clinic.client.get("/clinic/").location == "/clinic/password", "then chooses a password"


def test_it_prints_the_one_time_password_last_once_the_server_listens(capsys):
    """Issue 28, part 10: the password is the last thing on the screen, with what to do
    if it is lost."""
    serve.announce(5000, "Username: admin\nOne-time password: AAAA-BBBB-CCCC-DDDD\nLost it? Run: x")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(" * Open http://127.0.0.1:5000/")
    assert [line.strip() for line in lines[-3:]] == [
        "One-time password: AAAA-BBBB-CCCC-DDDD",
        "Lost it? Run: x",
        "-" * 78,
    ]


def test_reset_password_prints_a_new_one_time_password_and_is_audited(app, client):
    runner = app.test_cli_runner()
    old = _password(runner.invoke(args=["create-clinician", "dr.ana", "--name", "Ana"]).output)
    result = runner.invoke(args=["reset-password", "DR.ANA"])
    assert result.exit_code == 0, result.output
    new = _password(result.output)
    assert new != old and "reset-password dr.ana" in result.output
    assert Clinic(app, client, "dr.ana", old).login().status_code != 302, "the old one no longer works"
    assert Clinic(app, client, "dr.ana", new).login().location == "/clinic/second-factor/setup"
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account.password_reset"))
        assert event.detail == "dr.ana" and event.actor_label.startswith("cli")


def test_reset_password_names_an_unknown_account(app):
    result = app.test_cli_runner().invoke(args=["reset-password", "nobody"])
    assert result.exit_code != 0 and "there is no account called nobody" in result.output


# --- API tokens for the FHIR API -------------------------------------------------------------

TOKEN_LINE = re.compile(r"^([A-Za-z0-9_-]{43})$", re.MULTILINE)


def _token(output: str) -> str:
    [token] = TOKEN_LINE.findall(output)
    return token


def _every_stored_text(app) -> str:
    """Every value of every row of every table, as text: where a leaked token would be."""
    with app.app_context():
        rows = [row for table in db.metadata.sorted_tables for row in db.session.execute(table.select())]
    return "\n".join(str(value) for row in rows for value in row)


def test_it_creates_an_api_token_prints_it_once_and_stores_only_its_hash(app):
    from intake.fhir.tokens import hash_token
    from intake.models import ApiToken

    result = app.test_cli_runner().invoke(args=["create-api-token", "EHR-Bridge"])
    assert result.exit_code == 0, result.output
    token = _token(result.output)
    assert result.output.count(token) == 1
    with app.app_context():
        row = db.session.scalar(select(ApiToken))
        assert (row.name, row.revoked_at, row.last_used_at) == ("ehr-bridge", None, None)
        assert row.token_hash == hash_token(token) and row.created_by.startswith("cli")
        event = db.session.scalar(select(AuditEvent))
        assert (event.action, event.detail) == ("api_token.created", "ehr-bridge")
    assert token not in _every_stored_text(app)
    listing = app.test_cli_runner().invoke(args=["list-api-tokens"])
    assert "ehr-bridge\tlive" in listing.output and token not in listing.output


def test_it_gives_every_api_token_256_random_bits(app):
    runner = app.test_cli_runner()
    tokens = {_token(runner.invoke(args=["create-api-token", f"system-{n}"]).output) for n in range(5)}
    assert len(tokens) == 5
    assert all(len(token) == 43 for token in tokens)  # base64url of 32 bytes


def test_it_refuses_a_second_live_token_with_the_same_name(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["create-api-token", "ehr"])
    again = runner.invoke(args=["create-api-token", "EHR"])
    assert again.exit_code != 0 and "revoke it first" in again.output


@pytest.mark.parametrize("name", ["a", "has space", "x" * 49, "émile", "../root"])
def test_it_refuses_a_bad_api_token_name(app, name):
    result = app.test_cli_runner().invoke(args=["create-api-token", name])
    assert result.exit_code != 0
    assert TOKEN_LINE.search(result.output) is None


def test_it_revokes_an_api_token_and_lets_its_name_be_used_again(app):
    from intake.models import ApiToken

    runner = app.test_cli_runner()
    first = _token(runner.invoke(args=["create-api-token", "ehr"]).output)
    revoked = runner.invoke(args=["revoke-api-token", "ehr"])
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    assert runner.invoke(args=["revoke-api-token", "ehr"]).exit_code != 0, "nothing left to revoke"
    second = _token(runner.invoke(args=["create-api-token", "ehr"]).output)
    assert second != first
    with app.app_context():
        rows = list(db.session.scalars(select(ApiToken).order_by(ApiToken.id)))
        assert [row.revoked_at is not None for row in rows] == [True, False]
        actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions == ["api_token.created", "api_token.revoked", "api_token.created"]


def test_it_refuses_to_revoke_an_unknown_api_token(app):
    result = app.test_cli_runner().invoke(args=["revoke-api-token", "nobody"])
    assert result.exit_code != 0 and "no live token" in result.output
