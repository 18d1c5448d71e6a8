"""The patient blueprint's own error handlers: a post refused before anything was saved
(a stale CSRF token, too many posts from one address) must not cost the patient what they
typed. The step comes back with the posted answers, the review page with its answers, any
other page explains and links back. Flask prefers these to the app-wide pages in errors.py.
"""

from __future__ import annotations

from flask import Response, jsonify, make_response, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from intake.errors import render_error, retry_after_seconds, stale_page
from intake.patient.forms import ConfirmForm, step_form
from intake.patient.views import bp, current_draft, page_url, render_review, render_step, today
from intake.questionnaire.twitching import QUESTIONNAIRE

# The pages whose post can be shown again with what was typed in it.
STEP_POSTS = frozenset({"patient.start", "patient.save"})
# The photos page's resumable uploads (media_views.py): they answer their script in JSON.
MEDIA_UPLOADS = frozenset({"patient.media_start", "patient.media_piece"})


def render_posted_step(message: str, status: int):
    """The step again with what was posted and a fresh token; nothing is saved."""
    step = (
        QUESTIONNAIRE.steps[0]
        if request.endpoint == "patient.start"
        else QUESTIONNAIRE.step(request.view_args["step_id"])
    )
    if step is None:  # a post to a step that does not exist: nothing typed there to keep
        return render_error(404)
    form = step_form(QUESTIONNAIRE, step)()
    form.validate_partial({}, today())
    form.form_errors.append(message)
    return render_step(step, form, {}), status


@bp.errorhandler(CSRFError)
def after_csrf_failure(error: CSRFError):
    if request.endpoint not in STEP_POSTS:
        return stale_page()
    return render_posted_step(
        _(
            "This page was open for a long time, so we could not save it "
            "yet. Your answers are still here: check them and press "
            "Continue again."
        ),
        400,
    )


@bp.errorhandler(413)
def after_too_much_at_once(error: HTTPException):
    """A post too big to read (MAX_CONTENT_LENGTH) cannot be shown again as typed: what
    was typed is still in the browser's page, one Back away."""
    if request.endpoint in MEDIA_UPLOADS:  # the page's script shows the message
        return jsonify(message=_("That was too much to send at once")), 413
    message = _(
        "That was more than we can take at once, so this page was not saved. Press your "
        "browser's Back button: what you typed is usually still there. Then shorten your "
        "longest answer and try again."
    )
    if request.endpoint in STEP_POSTS:
        back = request.path  # the page that was sent, as saved before it
    else:
        draft = current_draft()
        back = page_url(draft.current_step) if draft else None
    return render_error(413, message, back_url=back)


@bp.errorhandler(429)
def after_too_many_posts(error: HTTPException) -> Response:
    """429 for the patient's pages, with Retry-After, keeping everything typed."""
    draft = current_draft()
    if request.endpoint in MEDIA_UPLOADS:  # the page's script shows the message
        page = (
            jsonify(
                message=_(
                    "Many files were sent from your connection in a short time. Wait a few "
                    "minutes, then choose the file again: it goes on from where it stopped."
                )
            ),
            429,
        )
    elif request.endpoint in STEP_POSTS:
        page = render_posted_step(
            _(
                "Many pages were sent from your connection in a short "
                "time, so we could not save this one yet. Your answers are "
                "still here: wait a minute, then press the button again."
            ),
            429,
        )
    elif request.endpoint == "patient.submit" and draft is not None:
        page = (
            render_review(
                draft,
                ConfirmForm(),
                _(
                    "Many pages were sent from your connection "
                    "in a short time, so your answers were not "
                    "sent yet. Nothing is lost: wait a minute, "
                    "then press Send my answers again."
                ),
            ),
            429,
        )
    else:
        page = render_error(
            429,
            _(
                "Many pages were sent from your connection in a short time. "
                "Nothing you saved is lost: wait a minute, then try again."
            ),
            back_url=page_url(draft.current_step) if draft else None,
        )
    response = make_response(page)
    response.headers["Retry-After"] = str(retry_after_seconds())
    return response
