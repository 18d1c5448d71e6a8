"""Error pages for people: what happened, what to do, the clinic's phone. Never a trace."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from intake import logs
from intake.crypto import DecryptionError
from intake.extensions import db

# Clinician pages are English only (patients see the translated generic 500 message).
UNREADABLE = (
    "This record failed its integrity check, so nothing of it is shown: it was changed "
    "outside this app, or the key that encrypted it is no longer configured "
    "(INTAKE_DATA_KEYS). Tell your administrator; the event is logged."
)


def _titles() -> dict[int, str]:
    return {
        400: _("Something in the page did not look right"),
        403: _("You cannot open this page"),
        404: _("Page not found"),
        405: _("That did not work"),
        413: _("That was too much to send at once"),
        422: _("Please check your answers"),
        429: _("Too many tries"),
        500: _("Sorry, something went wrong on our side"),
        503: _("The service is busy"),
    }


def _default_messages() -> dict[int, str]:
    return {
        404: _("Check the address, or go back to the start."),
        413: _("Shorten your longest answers and try again."),
        429: _("Please wait a minute, then try again."),
        500: _("Please try again in a few minutes."),
        503: _("Please try again in a minute. Nothing you saved is lost."),
    }


def render_error(code: int, message: str | None = None, back_url: str | None = None):
    title = _titles().get(code, _("Sorry, something went wrong"))
    body = message or _default_messages().get(code, _("Please go back and try again."))
    return render_template("errors/error.html", code=code, title=title, message=body, back_url=back_url), code


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        from intake import fhir_api

        # A 404 or 405 under /fhir matches no route, so the API blueprint's own handlers
        # never see it; an integration must still get an OperationOutcome, not a page.
        if fhir_api.is_api_request():
            return fhir_api.error_outcome(error)
        return render_error(error.code or 500, _custom_description(error))

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        from intake import refusals

        if request.endpoint in refusals.STEP_POSTS:
            return refusals.after_csrf_failure()
        return render_error(400, _("This page was open too long. Go back, reload the page and try again."))

    @app.errorhandler(429)
    def too_many_requests(error: HTTPException):
        from intake import fhir_api, refusals

        # This handler is code-specific, so Flask prefers it to the API blueprint's own.
        if fhir_api.is_api_request():
            return fhir_api.http_error(error)
        if request.blueprint == "patient":
            return refusals.after_too_many_posts()
        page, status = render_error(429, _custom_description(error))
        return page, status, {"Retry-After": str(refusals.retry_after_seconds())}

    @app.errorhandler(OperationalError)
    def database_unavailable(error: OperationalError):
        db.session.rollback()
        app.logger.error("database unavailable: %s", type(error.orig).__name__)
        return render_error(503)

    @app.errorhandler(DecryptionError)
    def unreadable_record(error: DecryptionError):
        # Fail closed: nothing of the record is shown, and the page says why.
        db.session.rollback()
        app.logger.critical("stored health data failed its integrity check at %s", request.endpoint)
        return render_error(500, UNREADABLE if request.blueprint == "clinician" else None)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        db.session.rollback()
        app.logger.error("unhandled error", extra={"error": logs.describe(error)})
        return render_error(500)


def _custom_description(error: HTTPException) -> str | None:
    # Werkzeug's own descriptions are written for developers; only ours are shown.
    default = type(error).description
    return None if error.description == default else error.description
