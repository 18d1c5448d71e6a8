"""Health data at rest: encrypted with authenticated encryption, keys rotated without
downtime, and an altered value refused (fail closed) rather than shown or trusted."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import Text, select, text, type_coerce

from config import TEST_DATA_KEY
from intake.extensions import db
from intake.models import ReviewNote, Submission
from intake.security.crypto import DataKeys, DecryptionError
from tests.answers import COMPLETE_FORM
from tests.conftest import Clinic, Patient, make_app, make_submission

CANARY_FIRST = "Quillibert"
CANARY_LAST = "Zorbafeldt"
CANARY_SYMPTOM = "canary-symptom: my left eyelid flutters at dawn"
CANARY_EMAIL = "zorbafeldt.canary@example.com"
CANARY_NOTE = "canary-note: consider botulinum toxin"
CANARIES = (CANARY_FIRST, CANARY_LAST, "canary-symptom", CANARY_EMAIL, "canary-note", "1961-02-03")


def send_canary_submission(patient: Patient) -> None:
    """A patient sends the canary values through the real pages."""
    patient.complete_all_steps(
        {
            "about": {
                "about.first_name": CANARY_FIRST,
                "about.last_name": CANARY_LAST,
                "about.email": CANARY_EMAIL,
                "about.birth_date": "1961-02-03",
            },
            "visit": {"visit.goals": CANARY_SYMPTOM},
        }
    )
    assert patient.submit().status_code == 302


def review_with_a_note(app, clinician: Clinic) -> Submission:
    with app.app_context():
        found = db.session.scalar(select(Submission))
        db.session.expunge(found)
    page = f"/clinic/submissions/{found.public_id}"
    assert CANARY_SYMPTOM in clinician.client.get(page).get_data(as_text=True), "the app reads it back"
    clinician.post(f"{page}/notes", {"body": CANARY_NOTE}, token_from=page)
    searched = clinician.post("/clinic/", {"q": CANARY_LAST}, token_from="/clinic/")
    assert CANARY_LAST in clinician.client.get(searched.location).get_data(as_text=True)
    return found


def _raw_sqlite_bytes(database_url: str) -> bytes:
    path = Path(database_url.removeprefix("sqlite:///"))
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists())


def _checkpoint(database_url: str) -> None:
    with closing(sqlite3.connect(database_url.removeprefix("sqlite:///"))) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _pg_dump(database_url: str) -> bytes:
    if not shutil.which("pg_dump"):
        pytest.fail("pg_dump is needed to check what PostgreSQL stores")
    url = database_url.replace("postgresql+psycopg://", "postgresql://")
    return subprocess.run(["pg_dump", "--no-owner", url], check=True, capture_output=True, timeout=60).stdout  # nosec B603


def test_canary_values_never_reach_the_stored_bytes(app, database_url, patient, clinician):
    send_canary_submission(patient)
    found = review_with_a_note(app, clinician)
    if database_url.startswith("sqlite"):
        stored = [_raw_sqlite_bytes(database_url)]
        _checkpoint(database_url)
        stored.append(_raw_sqlite_bytes(database_url))
    else:
        stored = [_pg_dump(database_url)]
    for raw in stored:
        assert found.reference.encode() in raw, "the scan does see what is stored in clear"
        for canary in CANARIES:
            assert canary.encode() not in raw, canary
            assert canary.lower().encode() not in raw.lower(), canary


def _tamper(app, public_id: str, column: str = "answers") -> None:
    """Change one character in the middle of the stored token, as an attacker with
    write access to the database (or a bad disk) would."""
    with app.app_context(), db.engine.begin() as connection:
        token = connection.execute(
            text(f"SELECT {column} FROM submission WHERE public_id = :p"), {"p": public_id}
        ).scalar_one()
        middle = len(token) // 2
        altered = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1 :]
        connection.execute(
            text(f"UPDATE submission SET {column} = :a WHERE public_id = :p"), {"a": altered, "p": public_id}
        )


def test_an_altered_record_fails_closed_with_a_clear_message(app, patient, clinician, caplog):
    send_canary_submission(patient)
    with app.app_context():
        public_id = db.session.scalar(select(Submission.public_id))
    _tamper(app, public_id)
    response = clinician.client.get(f"/clinic/submissions/{public_id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "failed its integrity check" in page and "Traceback" not in page
    assert not any(canary in page for canary in CANARIES)
    assert "stored health data failed its integrity check" in caplog.text
    dashboard = clinician.client.get("/clinic/").get_data(as_text=True)
    assert f"{CANARY_FIRST} {CANARY_LAST}" in dashboard, (
        "the list shows the name sealed apart: it opens no answers"
    )


def test_an_altered_list_label_is_marked_on_the_list(app, patient, clinician, caplog):
    send_canary_submission(patient)
    with app.app_context():
        public_id = db.session.scalar(select(Submission.public_id))
    _tamper(app, public_id, "list_label")
    response = clinician.client.get("/clinic/")
    dashboard = response.get_data(as_text=True)
    assert response.status_code == 200, "the list still opens"
    assert "(record failed its integrity check)" in dashboard and CANARY_LAST not in dashboard
    assert "stored health data failed its integrity check (dashboard row)" in caplog.text


def test_an_altered_name_of_an_older_row_is_marked_on_the_list(app, clinician, caplog):
    """A row sent before list labels (0012) is read from its name sealed alone."""
    public_id = make_submission(
        app, {"about.first_name": CANARY_FIRST, "about.last_name": CANARY_LAST}, derived=False
    )
    _tamper(app, public_id, "patient_name")
    dashboard = clinician.client.get("/clinic/").get_data(as_text=True)
    assert "(record failed its integrity check)" in dashboard and CANARY_LAST not in dashboard


def test_an_altered_draft_is_not_shown_to_the_patient(app, patient):
    patient.start()
    patient.answer("safety")
    patient.answer(
        "about", {**COMPLETE_FORM["about"], "about.first_name": CANARY_FIRST, "about.last_name": CANARY_LAST}
    )
    with app.app_context():
        public_id = db.session.scalar(select(Submission.public_id))
    _tamper(app, public_id)
    response = patient.client.get("/step/about")
    assert response.status_code == 500
    assert CANARY_LAST not in response.get_data(as_text=True)


def test_values_are_authenticated_not_only_hidden():
    keys = DataKeys.parse(TEST_DATA_KEY)
    token = keys.encrypt(b"answers")
    assert keys.decrypt(token) == b"answers"
    for altered in (
        token[:-2] + "AA",
        token.replace(token[30], "B" if token[30] != "B" else "C", 1),
        "not a token",
        "",
    ):
        with pytest.raises(DecryptionError):
            keys.decrypt(altered)
    assert token != keys.encrypt(b"answers"), "a fresh IV each time: equal answers look different"


# --- rotation ----------------------------------------------------------------------------


def _all_plain(app) -> tuple[list, list]:
    with app.app_context():
        answers = [s.answers for s in db.session.scalars(select(Submission).order_by(Submission.id))]
        notes = [n.body for n in db.session.scalars(select(ReviewNote).order_by(ReviewNote.id))]
        db.session.remove()
    return answers, notes


@pytest.fixture
def with_keys(database_url):
    """Apps on the same database that hold other key lists; disposed at the end."""
    made = []

    def build(keys: str):
        made.append(make_app(database_url, INTAKE_DATA_KEYS=keys))
        return made[-1]

    yield build
    for extra in made:
        with extra.app_context():
            db.session.remove()
            db.engine.dispose()


def test_rotate_keys_moves_everything_to_the_new_key_so_the_old_one_can_go(
    app, patient, clinician, with_keys
):
    send_canary_submission(patient)
    review_with_a_note(app, clinician)
    Patient(app.test_client()).start()  # a draft too
    before = _all_plain(app)
    new_key = Fernet.generate_key().decode()
    both = with_keys(f"{new_key},{TEST_DATA_KEY}")
    assert _all_plain(both) == before, "with the new key first, old values still read"
    result = both.test_cli_runner().invoke(args=["rotate-keys", "--batch", "1"])
    assert result.exit_code == 0, result.output
    # two answers documents and their two safety records, the sent one's list label, one
    # note, and the clinician's second-factor secret
    assert "Re-encrypted 7 values" in result.output
    again = both.test_cli_runner().invoke(args=["rotate-keys"])
    assert "Re-encrypted 0 values; 7 were under the newest key" in again.output
    only_new = with_keys(new_key)
    assert _all_plain(only_new) == before
    with pytest.raises(DecryptionError):
        _all_plain(with_keys(TEST_DATA_KEY))
    with both.app_context():
        detail = (
            db.session.execute(text("SELECT detail FROM audit_event WHERE action = 'keys.rotated'"))
            .scalars()
            .all()
        )
    assert detail[0] == "rotated=7 current=0 unreadable=0"


def test_rotate_keys_reports_values_no_key_opens(app, database_url, patient):
    send_canary_submission(patient)
    with app.app_context():
        public_id = db.session.scalar(select(Submission.public_id))
    _tamper(app, public_id)
    result = app.test_cli_runner().invoke(args=["rotate-keys"])
    assert result.exit_code != 0
    assert re.search(r"failed their integrity check.*submission \d+", result.output)


@pytest.mark.sqlite_only
def test_the_sqlite_files_are_readable_by_their_owner_only(app, database_url, patient):
    patient.start()
    patient.client.get("/step/safety")
    path = Path(database_url.removeprefix("sqlite:///"))
    for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        assert file.stat().st_mode & 0o777 == 0o600, file


def test_rotation_never_overwrites_a_value_the_app_saved_meanwhile(app, patient, with_keys):
    from intake.security.crypto import data_keys
    from intake.storage.maintenance import Rotation, _rotate_value

    patient.start()
    both = with_keys(f"{Fernet.generate_key().decode()},{TEST_DATA_KEY}")
    with both.app_context():
        column = Submission.__table__.c.answers
        draft = db.session.scalar(select(Submission))
        read_by_rotation = db.session.scalar(select(type_coerce(column, Text)))
        draft.answers = {"consent.language": "es"}  # the patient saves between read and write
        db.session.commit()
        result = Rotation()
        _rotate_value(column.table, column, draft.id, read_by_rotation, result, data_keys())
        db.session.commit()
        assert (result.rotated, result.current) == (0, 1)
        db.session.expire_all()
        assert db.session.scalar(select(Submission.answers)) == {"consent.language": "es"}


def test_it_stores_the_second_factor_secret_encrypted(app, clinician):
    from intake.models import Clinician

    with app.app_context():
        account = db.session.scalar(select(Clinician).where(Clinician.username == "dr.ana"))
        secret = account.totp_secret
        raw = db.session.execute(text("SELECT totp_secret FROM clinician WHERE username = 'dr.ana'")).scalar()
    assert secret and len(secret) >= 16
    assert secret not in raw and raw.startswith("gAAAA"), "a Fernet token, not the base32 secret"
