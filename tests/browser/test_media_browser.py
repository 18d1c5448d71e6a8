"""Photos and video in Chromium: a patient on a phone chooses a photo and a video, each goes
up in 1 MB pieces with a progress bar, the connection drops halfway through the video and
the upload goes on from the last acknowledged piece; a clinician then sees the grid and
plays the video (range requests on the decrypted stream). Without a script the same page
posts the files with its form."""

from __future__ import annotations

from sqlalchemy import select

from intake.extensions import db
from intake.media import store
from intake.models import MediaFile, MediaStatus, Submission, utcnow
from tests.browser.conftest import DESKTOP, screenshot, sign_in
from tests.browser.driver import click_and_wait, fill_with_mouse, start_with_mouse
from tests.conftest import make_clinician
from tests.media import files


def _to_media_page(page, base_url: str) -> None:
    from tests.answers import COMPLETE_FORM

    start_with_mouse(page, base_url)
    for step in ("safety", "about", "twitching", "episodes"):
        fill_with_mouse(page, COMPLETE_FORM[step])
        click_and_wait(page, "button[value=next]")
    assert page.url.endswith("/step/media")


def _media(app) -> list[MediaFile]:
    with app.app_context():
        rows = db.session.scalars(select(MediaFile).order_by(MediaFile.id)).all()
        db.session.expunge_all()
        return rows


def _clinician_on_the_summary(server, app, new_page, submission_id: int, reference: str):
    """The patient's draft marked sent (as submit would), and a clinician on its summary."""
    with app.app_context():
        draft = db.session.get(Submission, submission_id)
        draft.status, draft.reference, draft.submitted_at = "new", reference, utcnow()
        db.session.commit()
        public_id = draft.public_id
    make_clinician(app, "dr.ana")
    page = new_page(viewport=DESKTOP)
    sign_in(page, server.url, app)
    page.goto(f"{server.url}/clinic/submissions/{public_id}")
    return page


def _big_video(tmp_path):
    """An episode of about 2.5 MB: three pieces, so the cut falls in the middle."""
    path = files.video(tmp_path / "IMG_0003.MOV", seconds=3.0, size=(640, 480), container="mov")
    data = path.read_bytes()
    if len(data) < 2 * store.CHUNK + 1:  # noise frames would be bigger; a phone's MOV pads like this
        path = files.slow_to_transcode(tmp_path / "IMG_0003b.MOV", frames=60, size=(640, 480))
    return path


def test_a_phone_upload_resumes_after_the_connection_drops(server, live_app, new_page, tmp_path):
    page = new_page()
    _to_media_page(page, server.url)
    page.click('label[for="media.consent"]')
    photo = files.jpeg_with_gps(tmp_path / "IMG_0001.jpg")
    page.set_input_files("#file-photo\\.rest", str(photo))
    page.wait_for_selector('[data-slot="photo.rest"] >> text=Sent and checked.', timeout=20000)

    video = _big_video(tmp_path)
    pieces = {"sent": 0, "cut": False}

    def cut_the_second_piece(route):
        pieces["sent"] += 1
        if pieces["sent"] == 2 and not pieces["cut"]:
            pieces["cut"] = True
            return route.abort("connectionreset")
        return route.continue_()

    page.route(
        "**/media/uploads/*",
        lambda route: cut_the_second_piece(route) if route.request.method == "PATCH" else route.continue_(),
    )
    page.set_input_files("#file-episode", str(video))
    page.wait_for_selector(".episode-new >> text=Connection lost. Trying again…", timeout=10000)
    screenshot(page, "media-upload-retrying")
    page.wait_for_selector(".episode-new >> text=Sent and checked.", timeout=60000)
    assert pieces["cut"], "the connection really dropped"
    assert page.eval_on_selector(".episode-new progress", "p => p.value") == 100
    screenshot(page, "media-uploaded")

    photos = [m for m in _media(live_app) if m.kind == "photo"]
    videos = [m for m in _media(live_app) if m.kind == "video"]
    assert [m.status for m in photos + videos] == [MediaStatus.READY, MediaStatus.READY]
    assert videos[0].received_size == video.stat().st_size, "every byte once, none twice"
    # The form's own post does not send the files again.
    click_and_wait(page, "button[value=next]")
    assert page.url.endswith("/step/pattern") and len(_media(live_app)) == 2


def test_without_a_script_the_files_go_with_the_form(server, live_app, new_page, tmp_path):
    page = new_page(javascript=False)
    _to_media_page(page, server.url)
    page.click('label[for="media.consent"]')
    page.set_input_files("#file-photo\\.smile_teeth", str(files.png(tmp_path / "smile.png")))
    click_and_wait(page, "button[value=back]")
    page.goto(server.url + "/step/media")
    assert page.is_visible('[data-slot="photo.smile_teeth"] >> text=Sent and checked.')
    screenshot(page, "media-page-no-script")


def test_a_clinician_plays_the_episode_and_seeks(server, live_app, new_page, tmp_path):
    patient = new_page()
    _to_media_page(patient, server.url)
    patient.click('label[for="media.consent"]')
    patient.set_input_files(
        "#file-episode", str(files.video(tmp_path / "e.mov", seconds=3.0, container="mov"))
    )
    patient.wait_for_selector(".episode-new >> text=Sent and checked.", timeout=30000)
    [video] = _media(live_app)
    page = _clinician_on_the_summary(server, live_app, new_page, video.submission_id, "TEST-2345")
    page.wait_for_selector(".episode-video video")
    screenshot(page, "clinician-media")
    played = page.evaluate(
        """async () => {
          const v = document.querySelector('.episode-video video');
          v.muted = true;
          await v.play();
          await new Promise(r => setTimeout(r, 600));
          v.pause();
          const before = v.currentTime;
          v.currentTime = 2.0;
          await new Promise(r => v.addEventListener('seeked', r, {once: true}));
          return {before, after: v.currentTime, error: v.error && v.error.code, width: v.videoWidth};
        }"""
    )
    assert played["error"] is None and played["width"] == 160
    assert played["before"] > 0 and abs(played["after"] - 2.0) < 0.2, played


def test_the_photos_page_and_its_problems_pass_the_accessibility_checks(server, live_app, new_page, tmp_path):
    from tests.browser.test_accessibility import check_page

    plain = new_page(javascript=False)
    _to_media_page(plain, server.url)
    renamed = tmp_path / "photo.jpg"
    renamed.write_bytes(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n")  # a PDF named as a photo
    plain.click('label[for="media.consent"]')
    plain.set_input_files("#file-photo\\.rest", str(renamed))
    click_and_wait(plain, "button[value=next]")
    assert plain.is_visible("text=This file is not a photo we can read.")
    errors_page = plain.content()
    plain.set_input_files("#file-photo\\.rest", str(files.png(tmp_path / "face.png")))
    click_and_wait(plain, "button[value=back]")
    # axe runs in the page, so the checks need a script: the same pages in a browser with one.
    page = new_page()
    page.context.add_cookies(plain.context.cookies())  # the same patient, now with a script
    page.goto(server.url + "/step/media")
    assert page.url.endswith("/step/media") and page.is_visible("text=Sent and checked.")
    check_page(page, "06-media-sent")
    page.route(
        server.url + "/media-errors-copy",
        lambda route: route.fulfill(body=errors_page, content_type="text/html"),
    )
    page.goto(server.url + "/media-errors-copy")
    assert page.is_visible("#error-summary")
    check_page(page, "06-media-errors")


def test_the_printed_summary_carries_the_photo_grid(server, live_app, new_page, tmp_path):
    import io as _io

    from pypdf import PdfReader

    patient = new_page(javascript=False)
    _to_media_page(patient, server.url)
    patient.click('label[for="media.consent"]')
    patient.set_input_files(
        "#file-photo\\.smile_teeth", str(files.noise_jpeg(tmp_path / "smile.jpg", size=(640, 480)))
    )
    click_and_wait(patient, "button[value=back]")
    [photo] = _media(live_app)
    page = _clinician_on_the_summary(server, live_app, new_page, photo.submission_id, "PHOT-2345")
    page.wait_for_function("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
    reader = PdfReader(_io.BytesIO(page.pdf(format="Letter")))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Photos and video" in text and "7. Big smile, teeth showing" in text and "1. Face at rest" in text
    assert sum(len(p.images) for p in reader.pages) >= 1, "the photo itself is on paper"
