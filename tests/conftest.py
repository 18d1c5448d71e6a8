"""Fixtures: an app per test on SQLite (a real file, WAL) and, when TEST_DATABASE_URL is
set, on PostgreSQL too; a `patient` who walks the real flow with real CSRF tokens."""

from __future__ import annotations

import json
import os
import re
import secrets
from contextlib import contextmanager

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, event, make_url, select, text


def _database_of_this_worker(url: str | None) -> str | None:
    """pytest-xdist runs the suite in one process per core; each test makes and drops the
    tables of its database, so each process gets a PostgreSQL database of its own
    (intake_test_gw0, intake_test_gw1, ...), made the first time."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    given = make_url(url)
    name = f"{given.database}_{worker}"
    admin = create_engine(given.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if (
            connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
            is None
        ):
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return given.set(database=name).render_as_string(hide_password=False)


if os.environ.get("TEST_DATABASE_URL"):  # before config.py reads it
    os.environ["TEST_DATABASE_URL"] = _database_of_this_worker(os.environ["TEST_DATABASE_URL"])

from config import ProductionConfig, TestingConfig  # noqa: E402
from intake import create_app  # noqa: E402
from intake.extensions import db  # noqa: E402
from intake.models import Submission  # noqa: E402
from tests.answers import COMPLETE_FORM, STEPS  # noqa: E402

IN_CI = os.environ.get("CI") == "true"
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
if IN_CI and not POSTGRES_URL:
    raise RuntimeError("CI must run the suite on PostgreSQL too: set TEST_DATABASE_URL")

DATABASES = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


def make_app(database_url: str, **settings):
    config = type("TestConfig", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": database_url, **settings})
    return create_app(config)


def module_app_without_limits(request, tmp_path_factory, name: str):
    """An app for a whole module of hostile requests (SQLite or PostgreSQL, by the
    fixture's param), with a fresh schema and every rate limit out of reach: the
    examples share it, each in a browser of its own."""
    url = (
        f"sqlite:///{tmp_path_factory.mktemp(name) / f'{name}.db'}"
        if request.param == "sqlite"
        else POSTGRES_URL
    )
    limits = "100000 per minute"
    app = make_app(
        url,
        PATIENT_POST_RATE_LIMIT=limits,
        LOGIN_LIMIT_PER_ACCOUNT=limits,
        LOGIN_LIMIT_PER_ADDRESS=limits,
        SECOND_FACTOR_LIMIT=limits,
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
    return app


def drop_module_app(app) -> None:
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def pytest_generate_tests(metafunc):
    """Every test using the app runs on each database; `sqlite_only` ones on SQLite alone
    (they check SQLite's own machinery, so there is nothing to skip on PostgreSQL)."""
    if "database_url" in metafunc.fixturenames:
        only_sqlite = metafunc.definition.get_closest_marker("sqlite_only")
        metafunc.parametrize("database_url", ["sqlite"] if only_sqlite else DATABASES, indirect=True)


# A production configuration that passes every start-up check (cheap hashes for speed).
PRODUCTION_SECRETS = {
    "SECRET_KEY": secrets.token_hex(32),
    "INTAKE_DATA_KEYS": Fernet.generate_key().decode(),
    "SEARCH_KEY": secrets.token_hex(32),
}


# What the test client's requests are addressed to.
PUBLIC_URL = "http://localhost"


def make_production_app(monkeypatch, database_url: str, **settings):
    """An app as production builds it: the environment set, nothing generated."""
    for name, value in {**PRODUCTION_SECRETS, "DATABASE_URL": database_url, "PUBLIC_URL": PUBLIC_URL}.items():
        monkeypatch.setenv(name, value)
    config = type(
        "Prod",
        (ProductionConfig,),
        {
            **PRODUCTION_SECRETS,
            "PUBLIC_URL": PUBLIC_URL,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_STORAGE_URI": "memory://",
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_KIB": 8,
            "ARGON2_PARALLELISM": 1,
            **settings,
        },
    )
    return create_app(config)


@pytest.fixture
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    return POSTGRES_URL


@contextmanager
def app_with_schema(database_url: str, **settings):
    """An app on a fresh schema, dropped and disconnected afterwards."""
    app = make_app(database_url, **settings)
    with app.app_context():
        db.drop_all()
        db.create_all()
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


@pytest.fixture
def app(database_url):
    with app_with_schema(database_url) as app:
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


CSRF_PATTERN = re.compile(r'name="csrf_token" value="([^"]+)"')
RECOVERY_CODE_PATTERN = re.compile(r'<li class="reference-inline">([0-9A-Z]{4}(?:-[0-9A-Z]{4}){3})</li>')


class Patient:
    """A patient in one browser: gets pages, posts forms with the page's CSRF token."""

    def __init__(self, client):
        self.client = client

    def token(self, path: str = "/") -> str:
        page = self.client.get(path)
        return CSRF_PATTERN.search(page.get_data(as_text=True)).group(1)

    def post(self, path: str, data: dict | None = None, token_from: str = "/", **kwargs):
        data = {"csrf_token": self.token(token_from), **(data or {})}
        return self.client.post(path, data=data, **kwargs)

    def start(self, **overrides):
        return self.post("/", {**COMPLETE_FORM["welcome"], **overrides})

    def answer(self, step_id: str, data: dict | None = None, action: str = "next", query: str = ""):
        form = COMPLETE_FORM[step_id] if data is None else data
        return self.post(f"/step/{step_id}{query}", {**form, "action": action}, token_from="/")

    def complete_all_steps(self, overrides: dict[str, dict] | None = None):
        self.start()
        for step_id in STEPS:
            response = self.answer(step_id, {**COMPLETE_FORM[step_id], **(overrides or {}).get(step_id, {})})
            assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return response

    def submit(self):
        return self.post("/submit", {"confirm": "y"})


@pytest.fixture
def patient(client):
    return Patient(client)


@contextmanager
def listening(app, name: str, listener):
    """`listener` on the app's engine for the length of the block (SQLAlchemy event `name`)."""
    with app.app_context():
        engine = db.engine
    event.listen(engine, name, listener)
    try:
        yield engine
    finally:
        event.remove(engine, name, listener)


@contextmanager
def statements_sent(app):
    """(engine, list): every SQL statement the app sends while the block runs, as the
    database receives it. On SQLite through the driver's own trace, which also sees the
    BEGIN and PRAGMA the engine sends straight to the driver (intake/storage/database.py)."""
    sent: list[str] = []
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        with listening(
            app, "before_cursor_execute", lambda _c, _cur, sql, *_: sent.append(" ".join(sql.split()))
        ):
            yield engine, sent
        return

    def trace(dbapi_connection, *_args):
        dbapi_connection.set_trace_callback(lambda sql: sent.append(" ".join(sql.split())))

    def untrace(dbapi_connection, *_args):
        dbapi_connection.set_trace_callback(None)

    with listening(app, "checkout", trace), listening(app, "checkin", untrace):
        yield engine, sent


def sqlite_steps(run) -> int:
    """How many virtual-machine instructions SQLite ran for `run()`: work done, not time."""
    connection = db.session.connection().connection.driver_connection
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0  # go on

    connection.set_progress_handler(count, 1)
    try:
        run()
    finally:
        connection.set_progress_handler(None, 1)
    return steps


def all_submissions(app) -> list[Submission]:
    with app.app_context():
        return list(db.session.scalars(select(Submission)))


def checked_values(page: str, name: str) -> list[str]:
    """Values of the checked radios or checkboxes called `name` in an HTML page."""
    inputs = re.findall(r"<input[^>]*>", page)
    return [
        re.search(r'value="([^"]*)"', tag).group(1)
        for tag in inputs
        if f'name="{name}"' in tag and re.search(r"\bchecked\b", tag)
    ]


# --- clinicians ----------------------------------------------------------------------------

from datetime import datetime, timedelta, timezone  # noqa: E402

import pyotp  # noqa: E402
import redis  # noqa: E402

from intake.clinic import accounts as clinician_auth  # noqa: E402
from intake.extensions import limiter  # noqa: E402
from intake.models import Clinician, Role  # noqa: E402
from intake.security.blind_index import name_index  # noqa: E402

CLINICIAN_PASSWORD = "quiet harbour lantern 42"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Each test starts with no failed sign-ins counted (the limiter is module-global)."""
    yield
    if getattr(limiter, "_storage", None) is not None:
        try:
            limiter.reset()
        except redis.RedisError:  # a test pointed the limiter at a Redis that is down
            pass


def make_clinician(
    app,
    username: str = "dr.ana",
    role: str = Role.CLINICIAN,
    password: str = CLINICIAN_PASSWORD,
    must_change: bool = False,
    display_name: str | None = None,
    second_factor: bool = True,
) -> int:
    """An account with a known password (already chosen, unless must_change) and, unless
    second_factor=False, an authenticator app already set up; its id."""
    with app.app_context():
        clinician, _ = clinician_auth.create_clinician(
            username, display_name or username.title(), role, datetime.now(timezone.utc)
        )
        clinician.password_hash = clinician_auth.hash_password(password)
        clinician.must_change_password = must_change
        if second_factor:
            clinician.totp_secret = pyotp.random_base32()
            clinician.totp_confirmed_at = datetime.now(timezone.utc)
        db.session.commit()
        return clinician.id


def totp_secret(app, username: str) -> str | None:
    with app.app_context():
        return db.session.scalar(select(Clinician.totp_secret).where(Clinician.username == username))


def fresh_totp_code(app, username: str) -> str:
    """The app's current code, as if a new time step had begun since the last one used
    (several sign-ins within 30 seconds would otherwise replay a code, which is refused)."""
    with app.app_context():
        account = db.session.scalar(select(Clinician).where(Clinician.username == username))
        account.totp_last_counter = None
        db.session.commit()
        return pyotp.TOTP(account.totp_secret).now()


class Clinic:
    """A clinician in one browser: signs in and posts forms with the page's CSRF token."""

    def __init__(self, app, client, username: str = "dr.ana", password: str = CLINICIAN_PASSWORD):
        self.app, self.client = app, client
        self.username, self.password = username, password

    def token(self, path: str = "/clinic/login") -> str:
        page = self.client.get(path)
        return CSRF_PATTERN.search(page.get_data(as_text=True)).group(1)

    def post(self, path: str, data: dict | None = None, token_from: str = "/clinic/login", **kwargs):
        return self.client.post(path, data={"csrf_token": self.token(token_from), **(data or {})}, **kwargs)

    def login(self, username: str | None = None, password: str | None = None):
        """Both steps when the password step asks for the second factor: the response of the
        last step taken."""
        response = self.password_step(username, password)
        if response.status_code == 302 and response.location == "/clinic/login/second-factor":
            return self.enter_code(
                fresh_totp_code(self.app, clinician_auth.normalise_username(username or self.username))
            )
        return response

    def password_step(self, username: str | None = None, password: str | None = None, query: str = ""):
        return self.post(
            "/clinic/login" + query,
            {
                "username": username or self.username,
                "password": password or self.password,
            },
        )

    def enter_code(self, code: str):
        return self.post("/clinic/login/second-factor", {"code": code})

    def enrol(self):
        """Set up the app from the setup page as a person would (scanning = reading the key
        shown); the response that shows the recovery codes, and the secret."""
        page = self.client.get("/clinic/second-factor/setup").get_data(as_text=True)
        secret = re.search(r'class="reference secret-key">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
        token = CSRF_PATTERN.search(page).group(1)
        response = self.client.post(
            "/clinic/second-factor/setup", data={"csrf_token": token, "code": pyotp.TOTP(secret).now()}
        )
        return response, secret

    def logout(self):
        return self.post("/clinic/logout", token_from="/clinic/password")

    def cookie(self) -> str:
        return self.client.get_cookie("intake_session").value


@pytest.fixture
def clinician(app, client) -> Clinic:
    """A signed-in clinician (role "clinician", own password already chosen)."""
    make_clinician(app, "dr.ana", display_name="Dr. Ana Ruiz")
    clinic = Clinic(app, client, "dr.ana")
    assert clinic.login().status_code == 302
    return clinic


@pytest.fixture
def admin(app, client) -> Clinic:
    """A signed-in administrator."""
    make_clinician(app, "boss", role=Role.ADMIN, display_name="Pat Admin")
    clinic = Clinic(app, client, "boss")
    assert clinic.login().status_code == 302
    return clinic


def make_submission(
    app,
    answers: dict,
    *,
    submitted_at: datetime | None = None,
    status: str = "new",
    reference: str | None = None,
    version: str = "1.0.0",
    derived: bool = True,
) -> str:
    """A submitted questionnaire written straight to the database; its public id.
    `derived=False`: as a version before 0012 sent it (its name sealed alone, no label, no person index)."""
    from intake.patient.submissions import new_reference
    from intake.questionnaire.safety import assess
    from intake.questionnaire.summary import patient_name
    from intake.questionnaire.synopsis import list_label
    from intake.questionnaire.twitching import QUESTIONNAIRE
    from intake.security.blind_index import person_index

    submitted_at = submitted_at or datetime.now(timezone.utc) - timedelta(minutes=5)
    with app.app_context():
        row = Submission(
            questionnaire_version=version,
            language="en",
            answers=answers,
            current_step="review",
            safety_tier=assess(answers).tier.value,
            status=status,
            reference=reference or new_reference(),
            created_at=submitted_at,
            updated_at=submitted_at,
            submitted_at=submitted_at,
            last_name_index=name_index(answers.get("about.last_name")),
            # Before 0012 a row had its name sealed alone, and no label.
            list_label=list_label(QUESTIONNAIRE, answers, submitted_at.date()) if derived else None,
            patient_name=None if derived else patient_name(answers),
            person_index=person_index(answers) if derived else None,
        )
        db.session.add(row)
        db.session.commit()
        return row.public_id


def seal_under_a_retired_key(app, public_id: str) -> None:
    """Store a submission's answers encrypted under a key the app does not have, as a row
    that a key rotation missed would be once the old key is gone: nothing can open it."""
    with app.app_context():
        answers = db.session.scalar(select(Submission.answers).where(Submission.public_id == public_id))
        db.session.remove()
        sealed = Fernet(Fernet.generate_key()).encrypt(json.dumps(answers).encode()).decode()
        with db.engine.begin() as connection:
            connection.execute(
                text("UPDATE submission SET answers = :a WHERE public_id = :p"), {"a": sealed, "p": public_id}
            )
