"""Where the processing runs (in-process thread, RQ on the real Redis), and the data's life:
purge, half-sent uploads, key rotation, backups, and chunks that are moved or altered."""

from __future__ import annotations

import io
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import func, select, update

from config import TEST_DATA_KEY
from intake.extensions import db
from intake.media import store
from intake.media.store import MediaIntegrityError
from intake.models import MediaChunk, MediaFile, MediaStatus, Submission
from tests.conftest import Patient, app_with_schema, make_app
from tests.media import files
from tests.media.test_uploads import _media, _start


def _send_photo(patient, tmp_path, slot="photo.rest"):
    data = files.jpeg_with_gps(tmp_path / f"{uuid.uuid4().hex}.jpg").read_bytes()
    return patient.answer("media", {"media.consent": "y", slot: (io.BytesIO(data), "p.jpg")})


def _chunks(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(MediaChunk))


def test_on_redis_the_job_waits_for_the_worker_and_the_file_stays_unseen_until_checked(
    database_url,
    redis_url,
    tmp_path,  # noqa: F811
):
    queue = f"test-media-{uuid.uuid4().hex[:8]}"
    with app_with_schema(database_url, MEDIA_JOBS="rq", REDIS_URL=redis_url, MEDIA_QUEUE=queue) as app:
        patient = Patient(app.test_client())
        _start(patient)
        assert _send_photo(patient, tmp_path).status_code == 302
        [waiting] = _media(app)
        assert waiting.status == MediaStatus.RECEIVED, "the patient's request did not do the work"
        result = app.test_cli_runner().invoke(args=["media-worker", "--burst"])
        assert result.exit_code == 0, result.output
        [checked] = _media(app)
        assert checked.status == MediaStatus.READY and {r.name for r in checked.renditions} == {
            "main",
            "thumb",
        }


def test_the_worker_command_says_it_needs_redis(app):
    result = app.test_cli_runner().invoke(args=["media-worker", "--burst"])
    assert result.exit_code != 0 and "REDIS_URL" in result.output


@pytest.mark.sqlite_only
def test_the_embedded_default_checks_the_file_in_this_process_after_the_response(tmp_path):
    with app_with_schema(f"sqlite:///{tmp_path / 'thread.db'}", MEDIA_JOBS="thread") as app:
        patient = Patient(app.test_client())
        _start(patient)
        assert _send_photo(patient, tmp_path).status_code == 302
        deadline = time.monotonic() + 30
        while _media(app)[0].status != MediaStatus.READY and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _media(app)[0].status == MediaStatus.READY


def test_purging_an_expired_draft_deletes_its_photos_and_videos(app, patient, tmp_path):
    _start(patient)
    _send_photo(patient, tmp_path)
    assert _chunks(app) > 0
    with app.app_context():
        db.session.execute(
            update(Submission).values(expires_at=datetime.now(timezone.utc) - timedelta(minutes=1))
        )
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["purge-expired"])
    assert result.exit_code == 0, result.output
    assert _media(app) == [] and _chunks(app) == 0


def test_a_half_sent_upload_is_purged_after_its_hours_and_a_finished_one_is_kept(app, patient, tmp_path):
    _start(patient)
    _send_photo(patient, tmp_path, "photo.nose")
    from tests.media.test_uploads import _create, _patch

    url = _create(patient, "episode", 3 * store.CHUNK).headers["Location"]
    mov = files.video(tmp_path / "e.mov").read_bytes()
    _patch(patient, url, 0, (mov + bytes(store.CHUNK))[: store.CHUNK])
    later = datetime.now(timezone.utc) + timedelta(hours=25)
    with app.app_context():
        from intake.storage.maintenance import purge_expired

        assert purge_expired(later, None).uploads == 1
    assert [m.slot for m in _media(app)] == ["photo.nose"]


def test_key_rotation_reseals_every_chunk_so_the_old_key_can_go(database_url, tmp_path):
    new_key = Fernet.generate_key().decode()
    with app_with_schema(database_url) as app:
        patient = Patient(app.test_client())
        _start(patient)
        _send_photo(patient, tmp_path)
        both = make_app(database_url, INTAKE_DATA_KEYS=f"{new_key},{TEST_DATA_KEY}")
        result = both.test_cli_runner().invoke(args=["rotate-keys"])
        assert result.exit_code == 0, result.output
        only_new = make_app(database_url, INTAKE_DATA_KEYS=new_key)
        with only_new.app_context():
            media = db.session.scalars(select(MediaFile)).one()
            assert store.open_rendition(media, "main").read().startswith(b"\xff\xd8\xff")
        for extra in (both, only_new):
            with extra.app_context():
                db.engine.dispose()


def test_a_chunk_moved_to_another_place_is_refused(app, patient, tmp_path):
    _start(patient)
    _send_photo(patient, tmp_path, "photo.rest")
    _send_photo(patient, tmp_path, "photo.nose")
    with app.app_context():
        first, second = db.session.scalars(select(MediaChunk).order_by(MediaChunk.id).limit(2)).all()
        first_data = first.data
        db.session.execute(update(MediaChunk).where(MediaChunk.id == second.id).values(data=first_data))
        db.session.commit()
        victim = db.session.scalars(
            select(MediaFile).where(MediaFile.renditions.any(id=second.rendition_id))
        ).one()
        name = next(r.name for r in victim.renditions if r.id == second.rendition_id)
        with pytest.raises(MediaIntegrityError):
            store.open_rendition(victim, name).read()


@pytest.mark.sqlite_only
def test_a_backup_carries_the_photos_and_the_restore_reads_them(app, database_url, patient, tmp_path):
    _start(patient)
    _send_photo(patient, tmp_path)
    backup = tmp_path / "with-media.backup"
    assert app.test_cli_runner().invoke(args=["backup", str(backup)]).exit_code == 0
    restored_path = tmp_path / "restored.db"
    restored = make_app(f"sqlite:///{restored_path}")
    assert restored.test_cli_runner().invoke(args=["restore", str(backup)]).exit_code == 0
    with restored.app_context():
        media = db.session.scalars(select(MediaFile)).one()
        assert store.open_rendition(media, "main").read().startswith(b"\xff\xd8\xff")
        db.engine.dispose()
