"""The clinician's view of a patient's photos and videos, and the FHIR export of them:
the nine expressions in a fixed row, a video player that seeks (HTTP range requests on
the decrypted stream), `no-store`, one audit row per view and per download, nothing shown
before it was checked; in FHIR, a `valueAttachment` per file and a token-protected Binary."""

from __future__ import annotations

import base64
import hashlib
import io
import re

from fhir.resources.questionnaireresponse import QuestionnaireResponse
from sqlalchemy import select, update

from intake.extensions import db
from intake.media import store
from intake.models import AuditEvent, MediaFile, MediaStatus, Submission
from tests.conftest import Patient
from tests.fhir.test_fhir_api import call, fhir, make_token
from tests.media import files


def _sent_with_media(app, tmp_path) -> str:
    """A form sent with one photo (a full smile) and one episode video; its public id."""
    patient = Patient(app.test_client())
    photo = files.jpeg_with_gps(tmp_path / "smile.jpg").read_bytes()
    video = files.video(tmp_path / "episode.mov", seconds=2.0, container="mov").read_bytes()
    media = {
        "media.consent": "y",
        "photo.smile_teeth": (io.BytesIO(photo), "smile.jpg"),
        "episode": (io.BytesIO(video), "episode.mov"),
    }
    patient.complete_all_steps({"media": media})
    assert patient.submit().status_code == 302
    with app.app_context():
        newest = select(Submission.public_id).where(Submission.status == "new").order_by(Submission.id.desc())
        return db.session.scalars(newest).first()


def _files(app) -> dict[str, MediaFile]:
    with app.app_context():
        rows = db.session.scalars(select(MediaFile)).all()
        db.session.expunge_all()
        return {row.slot: row for row in rows}


def _audit(app, action: str) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == action)))


def _url(public_id: str, media: MediaFile, rendition: str) -> str:
    return f"/clinic/submissions/{public_id}/media/{media.public_id}/{rendition}"


def test_the_summary_shows_the_nine_expressions_in_order_and_the_video_with_a_poster(
    app, clinician, tmp_path
):
    public_id = _sent_with_media(app, tmp_path)
    page = clinician.client.get(f"/clinic/submissions/{public_id}").get_data(as_text=True)
    section = page[page.index('id="media-title"') : page.index("</section>", page.index('id="media-title"'))]
    labels = re.findall(r'<span class="photo-label">\d\. ([^<]+)</span>', section)
    assert labels == [
        "Face at rest", "Eyebrows raised", "Eyes closed gently", "Eyes closed tight", "Nose wrinkled",
        "Smile, lips closed", "Big smile, teeth showing", "Lips puckered", "Lower lip down",
    ]  # fmt: skip
    assert section.count("not sent") == 8 and "1 of 9 standard photos · 1 video" in section
    smile = _files(app)["photo.smile_teeth"]
    assert _url(public_id, smile, "thumb") in section
    video = _files(app)["episode"]
    assert f'poster="{_url(public_id, video, "poster")}"' in section and 'preload="none"' in section


def test_a_photo_is_sent_no_store_and_each_view_is_audited(app, clinician, tmp_path):
    public_id = _sent_with_media(app, tmp_path)
    smile = _files(app)["photo.smile_teeth"]
    response = clinician.client.get(_url(public_id, smile, "thumb"))
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.headers["Cache-Control"] == "no-store"
    assert files.MODEL.encode() not in response.get_data()
    assert _audit(app, "media.viewed") == ["photo.smile_teeth thumb"]


def test_the_player_seeks_with_range_requests_audited_once_per_view(app, clinician, tmp_path):
    public_id = _sent_with_media(app, tmp_path)
    video = _files(app)["episode"]
    with app.app_context():
        found = db.session.get(MediaFile, video.id)
        whole = store.open_rendition(found, "main").read()
    url = _url(public_id, video, "main")
    first = clinician.client.get(url, headers={"Range": "bytes=0-99"})
    assert first.status_code == 206 and first.get_data() == whole[:100]
    assert (
        first.headers["Content-Range"] == f"bytes 0-99/{len(whole)}"
        and first.headers["Accept-Ranges"] == "bytes"
    )
    middle = clinician.client.get(url, headers={"Range": f"bytes={len(whole) - 50}-"})
    assert middle.status_code == 206 and middle.get_data() == whole[-50:]
    assert clinician.client.get(url, headers={"Range": f"bytes={len(whole) + 10}-"}).status_code == 416
    assert _audit(app, "media.viewed") == ["episode main"], "a seek is not a new view"
    download = clinician.client.get(url + "?download=1")
    assert download.status_code == 200 and download.get_data() == whole
    assert download.headers["Content-Disposition"].startswith('attachment; filename="')
    assert _audit(app, "media.downloaded") == ["episode main"]


def test_a_file_still_being_checked_is_not_shown_or_served(app, clinician, tmp_path):
    public_id = _sent_with_media(app, tmp_path)
    smile = _files(app)["photo.smile_teeth"]
    with app.app_context():
        db.session.execute(
            update(MediaFile).where(MediaFile.id == smile.id).values(status=MediaStatus.RECEIVED)
        )
        db.session.commit()
    page = clinician.client.get(f"/clinic/submissions/{public_id}").get_data(as_text=True)
    assert "1 still being checked" in page and _url(public_id, smile, "thumb") not in page
    assert clinician.client.get(_url(public_id, smile, "main")).status_code == 404


def test_the_fhir_response_carries_each_file_as_a_value_attachment(app, tmp_path):
    public_id = _sent_with_media(app, tmp_path)
    token = make_token(app)
    body = fhir(call(app.test_client(), f"/fhir/QuestionnaireResponse/{public_id}", token))
    QuestionnaireResponse.parse_obj(body)
    group = next(g for g in body["item"] if g["linkId"] == "media")
    by_id = {item["linkId"]: item for item in group["item"]}
    assert by_id["media.consent"]["answer"] == [{"valueBoolean": True}]
    [photo] = by_id["media.photo.smile_teeth"]["answer"]
    attachment = photo["valueAttachment"]
    assert attachment["contentType"] == "image/jpeg" and attachment["title"] == "Big smile, teeth showing"
    binary = call(app.test_client(), attachment["url"].removeprefix("http://localhost"), token)
    assert binary.status_code == 200 and binary.mimetype == "image/jpeg"
    data = binary.get_data()
    assert attachment["size"] == len(data)
    assert attachment["hash"] == base64.b64encode(hashlib.sha1(data, usedforsecurity=False).digest()).decode()
    [video] = by_id["media.episode"]["answer"]
    assert video["valueAttachment"]["contentType"] == "video/mp4"
    assert [e for e in _audit(app, "fhir.binary")] == ["photo.smile_teeth"]
    assert call(app.test_client(), attachment["url"].removeprefix("http://localhost")).status_code == 401


def test_a_drafts_files_never_leave_through_the_api(app, tmp_path):
    patient = Patient(app.test_client())
    patient.start()
    for step_id in ("safety", "about", "twitching", "episodes"):
        patient.answer(step_id)
    photo = files.png(tmp_path / "a.png").read_bytes()
    patient.answer("media", {"media.consent": "y", "photo.rest": (io.BytesIO(photo), "a.png")})
    [media] = _files(app).values()
    assert media.status == MediaStatus.READY
    assert call(app.test_client(), f"/fhir/Binary/{media.public_id}", make_token(app)).status_code == 404


def test_the_same_persons_earlier_photos_are_shown_row_under_row(app, clinician, tmp_path):
    earlier = _sent_with_media(app, tmp_path)
    latest = _sent_with_media(app, tmp_path)
    page = clinician.client.get(f"/clinic/submissions/{latest}").get_data(as_text=True)
    section = page[page.index('id="media-title"') : page.index("</section>", page.index('id="media-title"'))]
    assert section.count('<ol class="photo-grid">') == 2 and "Earlier: " in section
    with app.app_context():
        old_photo = db.session.scalar(
            select(MediaFile.public_id)
            .join(Submission, Submission.id == MediaFile.submission_id)
            .where(Submission.public_id == earlier, MediaFile.slot == "photo.smile_teeth")
        )
    assert f"/clinic/submissions/{earlier}/media/{old_photo}/thumb" in section
    assert clinician.client.get(f"/clinic/submissions/{earlier}/media/{old_photo}/thumb").status_code == 200
