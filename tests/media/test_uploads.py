"""A patient's photos and videos through the real views: the page posted whole (no
JavaScript), the resumable tus protocol (a connection cut halfway), the limits, and what
is stored: sealed chunks that hold no GPS, checked before anyone sees them."""

from __future__ import annotations

import base64
import io

import pytest
from sqlalchemy import select

from intake.extensions import db
from intake.media import store
from intake.models import MediaChunk, MediaFile, MediaStatus, Submission
from tests.conftest import CSRF_PATTERN
from tests.media import files

PIECE = store.CHUNK


def _start(patient, consent: bool = True):
    patient.start()
    for step_id in ("safety", "about", "twitching", "episodes"):
        patient.answer(step_id)
    if consent:
        patient.answer("media", {"media.consent": "y"}, action="back")


def _media(app) -> list[MediaFile]:
    with app.app_context():
        rows = db.session.scalars(select(MediaFile).order_by(MediaFile.id)).all()
        for row in rows:
            row.renditions  # noqa: B018 - loaded while the session is open
        db.session.expunge_all()
        return rows


def _stored_bytes(app) -> bytes:
    with app.app_context():
        return b"".join(db.session.scalars(select(MediaChunk.data)))


def _post_file(patient, slot: str, data: bytes, name: str, extra: dict | None = None, action="next"):
    return patient.answer(
        "media", {"media.consent": "y", slot: (io.BytesIO(data), name), **(extra or {})}, action=action
    )


def test_a_photo_posted_with_the_page_is_checked_stripped_and_sealed(app, patient, tmp_path):
    _start(patient)
    photo = files.jpeg_with_gps(tmp_path / "IMG_0001.jpg").read_bytes()
    assert files.MODEL.encode() in photo  # the phone's tags are there to begin with
    response = _post_file(patient, "photo.rest", photo, "IMG_0001.jpg")
    assert response.status_code == 302 and response.location.endswith("/step/pattern")
    [media] = _media(app)
    assert (media.slot, media.kind, media.status) == ("photo.rest", "photo", MediaStatus.READY)
    assert {r.name for r in media.renditions} == {"main", "thumb"}, "the bytes as sent are dropped"
    stored = _stored_bytes(app)
    assert files.MODEL.encode() not in stored and b"\xff\xd8\xff" not in stored, "sealed, not plain"
    with app.app_context():
        found = db.session.get(MediaFile, media.id)
        plain = store.open_rendition(found, "main").read()
    assert plain.startswith(b"\xff\xd8\xff") and files.MODEL.encode() not in plain and b"GPS" not in plain


def test_the_page_shows_the_checked_photo_and_can_remove_it(app, patient, tmp_path):
    _start(patient)
    _post_file(patient, "photo.smile_teeth", files.jpeg_with_gps(tmp_path / "a.jpg").read_bytes(), "a.jpg")
    page = patient.client.get("/step/media").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and 'capture="user"' in page
    assert 'aria-describedby="media.consent-hint"' in page, "who sees them, and deletion on request"
    assert "Only the clinic's staff can see them, and the clinic deletes them when asked." in page
    assert "Sent and checked." in page
    [media] = _media(app)
    preview = patient.client.get(f"/media/{media.public_id}/preview")
    assert preview.status_code == 200 and preview.mimetype == "image/jpeg"
    assert "no-store" in preview.headers["Cache-Control"]
    removed = patient.answer("media", {"media.consent": "y", "remove": media.public_id}, action="")
    assert removed.status_code == 302 and removed.location.endswith("/step/media")
    assert _media(app) == [] and _stored_bytes(app) == b""


def test_another_browser_cannot_see_or_touch_a_patients_file(app, patient, tmp_path):
    _start(patient)
    _post_file(patient, "photo.rest", files.png(tmp_path / "a.png").read_bytes(), "a.png")
    [media] = _media(app)
    stranger = app.test_client()
    assert stranger.get(f"/media/{media.public_id}/preview").status_code == 404
    assert stranger.head(f"/media/uploads/{media.public_id}").status_code == 404


def test_a_file_is_told_by_its_bytes_not_its_name(app, patient):
    _start(patient)
    response = _post_file(patient, "photo.rest", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "photo.jpg")
    assert response.status_code == 422
    assert "This file is not a photo we can read. Send a JPEG, PNG or HEIC photo." in response.get_data(
        as_text=True
    )
    assert _media(app) == [] and _stored_bytes(app) == b""


def test_a_file_sent_without_the_consent_is_not_kept_and_the_page_says_why(app, patient, tmp_path):
    _start(patient, consent=False)
    data = files.png(tmp_path / "a.png").read_bytes()
    response = patient.answer("media", {"photo.rest": (io.BytesIO(data), "a.png")})
    assert response.status_code == 422
    assert "Tick the box to agree that the clinic keeps your photos and videos" in response.get_data(
        as_text=True
    )
    assert _media(app) == []


def test_unticking_the_consent_removes_every_file(app, patient, tmp_path):
    _start(patient)
    _post_file(patient, "photo.rest", files.png(tmp_path / "a.png").read_bytes(), "a.png")
    response = patient.answer("media", {})
    assert response.status_code == 302
    assert _media(app) == []
    assert "Your photos and videos were removed" in patient.client.get("/step/pattern").get_data(as_text=True)


def test_a_refused_photo_says_what_to_do_and_keeps_the_others(app, patient, tmp_path):
    _start(patient)
    good = files.png(tmp_path / "a.png").read_bytes()
    truncated = files.noise_jpeg(tmp_path / "b.jpg").read_bytes()[:600]
    patient.answer(
        "media",
        {
            "media.consent": "y",
            "photo.rest": (io.BytesIO(good), "a.png"),
            "photo.nose": (io.BytesIO(truncated), "b.jpg"),
        },
    )
    by_slot = {m.slot: m for m in _media(app)}
    assert by_slot["photo.rest"].status == MediaStatus.READY
    assert (by_slot["photo.nose"].status, by_slot["photo.nose"].problem) == (MediaStatus.REFUSED, "damaged")
    page = patient.client.get("/step/media").get_data(as_text=True)
    assert "This file seems damaged or cut short. Send it again." in page


def test_a_photo_taken_again_replaces_the_one_before(app, patient, tmp_path):
    _start(patient)
    for name in ("a.png", "b.png"):
        _post_file(patient, "photo.rest", files.png(tmp_path / name).read_bytes(), name)
    assert [m.slot for m in _media(app)] == ["photo.rest"]


# --- the resumable protocol (tus 1.0.0) ----------------------------------------------------


def _tus_headers(patient, **extra) -> dict:
    token = CSRF_PATTERN.search(patient.client.get("/step/media").get_data(as_text=True)).group(1)
    return {"Tus-Resumable": "1.0.0", "X-CSRFToken": token, **extra}


def _create(patient, slot: str, size: int):
    meta = f"slot {base64.b64encode(slot.encode()).decode()},consent {base64.b64encode(b'yes').decode()}"
    return patient.client.post(
        "/media/uploads",
        headers=_tus_headers(patient, **{"Upload-Length": str(size), "Upload-Metadata": meta}),
    )


def _patch(patient, url: str, offset: int, piece: bytes):
    return patient.client.patch(
        url,
        data=piece,
        headers=_tus_headers(
            patient, **{"Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream"}
        ),
    )


def test_a_file_cut_off_halfway_resumes_from_the_last_acknowledged_piece(app, patient, tmp_path):
    _start(patient, consent=False)  # the script's first upload gives the consent
    data = files.noise_jpeg(tmp_path / "big.jpg", size=(1400, 1400)).read_bytes()
    assert PIECE < len(data) < 3 * PIECE
    created = _create(patient, "photo.rest", len(data))
    assert created.status_code == 201 and created.headers["Tus-Resumable"] == "1.0.0"
    url = created.headers["Location"]
    assert _patch(patient, url, 0, data[:PIECE]).headers["Upload-Offset"] == str(PIECE)
    # The connection drops; the phone asks where the server stands and goes on from there.
    assert _patch(patient, url, 0, data[:PIECE]).status_code == 409, "a piece is never stored twice"
    head = patient.client.head(url, headers=_tus_headers(patient))
    assert head.headers["Upload-Offset"] == str(PIECE) and head.headers["Upload-Length"] == str(len(data))
    [half] = _media(app)
    assert half.status == MediaStatus.UPLOADING
    assert "Received. We are checking it.</p>" not in patient.client.get("/step/media").get_data(as_text=True)
    done = _patch(patient, url, PIECE, data[PIECE:])
    assert done.status_code == 204 and done.headers["Upload-Offset"] == str(len(data))
    [media] = _media(app)
    assert media.status == MediaStatus.READY, "checked once all bytes were in"
    with app.app_context():
        assert db.session.scalar(select(Submission.answers)).get("media.consent") is True
    assert patient.client.get("/media/files").get_json()["files"][0]["status"] == "ready"


def test_a_phone_video_loses_its_location_and_gets_a_poster(app, patient, tmp_path):
    _start(patient)
    metadata = {"location": files.LOCATION, "com.apple.quicktime.location.ISO6709": files.LOCATION,
                "make": files.MAKE, "model": files.MODEL}  # fmt: skip
    mov = files.video(tmp_path / "IMG_0002.MOV", container="mov", metadata=metadata).read_bytes()
    assert files.LOCATION.encode() in mov
    assert _post_file(patient, "episode", mov, "IMG_0002.MOV").status_code == 302
    [media] = _media(app)
    assert media.status == MediaStatus.READY and media.duration_ms and media.duration_ms >= 900
    with app.app_context():
        found = db.session.get(MediaFile, media.id)
        main = found.rendition("main")
        plain = store.open_rendition(found, "main").read()
        poster = store.open_rendition(found, "poster").read()
    assert main.content_type == "video/mp4" and len(plain) == main.size
    assert files.LOCATION.encode() not in plain and files.MODEL.encode() not in plain
    assert poster.startswith(b"\xff\xd8\xff")


def test_pieces_must_be_one_megabyte_so_each_acknowledged_one_is_stored_whole(app, patient):
    _start(patient)
    url = _create(patient, "episode", 3 * PIECE).headers["Location"]
    assert _patch(patient, url, 0, b"\0" * 1000).status_code == 400
    assert _patch(patient, url, 0, b"%PDF-" + bytes(PIECE - 5)).status_code == 415, "a PDF is not a video"
    assert _media(app) == [], "a refused type is not kept"


def test_the_limits_are_said_before_a_byte_is_sent(app, patient):
    _start(patient)
    too_big = _create(patient, "episode", 151 * 1024 * 1024)
    assert too_big.status_code == 413
    assert "larger than 150 MB" in too_big.get_json()["message"]
    assert _create(patient, "photo.nowhere", 10).status_code == 400


@pytest.mark.parametrize("count", [3])
def test_at_most_three_videos_and_three_hundred_megabytes_per_draft(app, patient, count):
    _start(patient)
    for _ in range(2):
        assert _create(patient, "episode", 140 * 1024 * 1024).status_code == 201
    full = _create(patient, "episode", 30 * 1024 * 1024)
    assert full.status_code == 413 and "300 MB" in full.get_json()["message"]
    assert _create(patient, "episode", 1024).status_code == 201
    fourth = _create(patient, "episode", 1024)
    assert fourth.status_code == 400 and "up to 3 videos" in fourth.get_json()["message"]


def test_the_review_and_the_own_copy_say_what_was_sent(app, patient, tmp_path):
    photo = files.png(tmp_path / "a.png").read_bytes()
    patient.complete_all_steps({"media": {"media.consent": "y", "photo.rest": (io.BytesIO(photo), "a.png")}})
    review = patient.client.get("/review").get_data(as_text=True)
    assert "<dt>Sent</dt><dd>Photos: 1 · Videos: 0</dd>" in review
    assert patient.submit().status_code == 302
    assert "<dt>Sent</dt><dd>Photos: 1 · Videos: 0</dd>" in patient.client.get("/done/answers").get_data(
        as_text=True
    )


# --- abuse and faults ------------------------------------------------------------------------


def test_uploads_are_limited_per_address_and_the_script_is_told_in_words(database_url, tmp_path):
    from tests.conftest import Patient, app_with_schema

    with app_with_schema(database_url, MEDIA_UPLOAD_RATE_LIMIT="2 per hour") as app:
        patient = Patient(app.test_client())
        _start(patient)
        assert [_create(patient, "photo.rest", 10).status_code for _ in range(2)] == [201, 201]
        refused = _create(patient, "photo.rest", 10)
        assert refused.status_code == 429 and refused.headers["Retry-After"]
        assert "Many files were sent from your connection" in refused.get_json()["message"]


def test_a_piece_that_cannot_be_stored_costs_nothing_else(app, patient, tmp_path, monkeypatch):
    from sqlalchemy.exc import OperationalError

    _start(patient)
    _post_file(patient, "photo.rest", files.png(tmp_path / "a.png").read_bytes(), "a.png")
    url = _create(patient, "photo.nose", 2000).headers["Location"]

    def disk_full(*args, **kwargs):
        raise OperationalError("INSERT", {}, Exception("database or disk is full"))

    monkeypatch.setattr(store.RenditionWriter, "add", disk_full)
    refused = _patch(patient, url, 0, b"\x89PNG\r\n\x1a\n" + bytes(1992))
    assert refused.status_code == 503 and "try again in a minute" in refused.get_json()["message"]
    posted = _post_file(patient, "photo.lower_lip", files.png(tmp_path / "b.png").read_bytes(), "b.png")
    assert posted.status_code == 422 and "We could not store this file just now" in posted.get_data(
        as_text=True
    )
    monkeypatch.undo()
    by_slot = {m.slot: m for m in _media(app)}
    assert by_slot["photo.rest"].status == MediaStatus.READY, "the file sent before is intact"
    assert by_slot["photo.nose"].received_size == 0, "the upload waits to be resumed"
    resumed = (files.png(tmp_path / "c.png").read_bytes() + bytes(2000))[:2000]
    assert _patch(patient, url, 0, resumed).status_code == 204, "and it can"


def test_a_job_that_fails_leaves_the_draft_and_the_other_files_and_says_so(
    app, patient, tmp_path, monkeypatch
):
    import errno

    from intake.media import jobs

    _start(patient)
    _post_file(patient, "photo.rest", files.png(tmp_path / "a.png").read_bytes(), "a.png")

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(jobs, "process", no_space)
    _post_file(patient, "photo.nose", files.png(tmp_path / "b.png").read_bytes(), "b.png")
    by_slot = {m.slot: m for m in _media(app)}
    assert by_slot["photo.rest"].status == MediaStatus.READY
    assert (by_slot["photo.nose"].status, by_slot["photo.nose"].problem) == (MediaStatus.FAILED, "job_failed")
    page = patient.client.get("/step/media").get_data(as_text=True)
    assert "Something went wrong on our side with this file. Send it again" in page
    with app.app_context():
        assert db.session.scalar(select(Submission.answers)).get("media.consent") is True
