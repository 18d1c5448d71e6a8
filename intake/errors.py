"""Error pages for people: what happened, what to do, the clinic's phone. Never a trace."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

from flask import Flask, Response, current_app, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from werkzeug.exceptions import BadHost, HTTPException, SecurityError

from intake import logs
from intake.extensions import db, limiter
from intake.security.crypto import DecryptionError


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


PATIENT_ERROR_PAGE = "errors/error.html"
_ERROR_PAGES = "intake.error_pages"


@dataclass(frozen=True)
class ErrorPages:
    """A part of the site with error pages of its own (the clinicians' workspace, in its
    layout and words): its `template` is used when it `applies` to this request."""

    applies: Callable[[], bool]
    template: str


def render_error(code: int, message: str | None = None, back_url: str | None = None):
    title = _titles().get(code, _("Sorry, something went wrong"))
    body = message or _default_messages().get(code, _("Please go back and try again."))
    context = {"code": code, "title": title, "message": body, "back_url": back_url}
    own = _own_template()
    if own:
        try:
            return render_template(own, **context), code
        except SQLAlchemyError:
            # The workspace's layout reads the signed-in account; with the database down
            # the plain page, which reads nothing, is shown rather than no page at all.
            db.session.rollback()
    return render_template(PATIENT_ERROR_PAGE, **context), code


def _own_template() -> str | None:
    pages = current_app.extensions.get(_ERROR_PAGES, ())
    return next((page.template for page in pages if page.applies()), None)


@dataclass(frozen=True)
class ApiErrors:
    """How an API answers errors raised outside its blueprint's reach (an address that
    matches no route, a 429): `applies` to this request, and `render` the error."""

    applies: Callable[[], bool]
    render: Callable[[HTTPException], Response]


def register(app: Flask, api: ApiErrors, pages: tuple[ErrorPages, ...] = ()) -> None:
    """App-wide error pages: the patient's, or those of the first of `pages` that applies.
    The blueprints handle what is theirs (the patient's refused posts, the API's outcomes,
    the workspace's unreadable record) with their own handlers, which Flask prefers to these."""
    app.extensions[_ERROR_PAGES] = pages

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if isinstance(error, (SecurityError, BadHost)):
            # A Host this app does not serve (TRUSTED_HOSTS) or cannot read (a label over
            # 63 characters): no address can be built for it, so no page with links either.
            return Response("This address is not served here.\n", 400, mimetype="text/plain")
        # A 404 or 405 under the API matches no route, so no blueprint handler sees it.
        if api.applies():
            return api.render(error)
        return render_error(error.code or 500, _custom_description(error))

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return stale_page()

    @app.errorhandler(429)
    def too_many_requests(error: HTTPException):
        page, status = render_error(429, _custom_description(error))
        return page, status, {"Retry-After": str(retry_after_seconds())}

    @app.errorhandler(OperationalError)
    def database_unavailable(error: OperationalError):
        db.session.rollback()
        app.logger.error("database unavailable: %s", type(error.orig).__name__)
        return render_error(503)

    @app.errorhandler(DecryptionError)
    def unreadable_record(error: DecryptionError):
        # Fail closed: nothing of the record is shown.
        db.session.rollback()
        app.logger.critical("stored health data failed its integrity check at %s", request.endpoint)
        return render_error(500)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        db.session.rollback()
        app.logger.error("unhandled error", extra={"error": logs.describe(error)})
        return render_error(500)


def stale_page():
    return render_error(400, _("This page was open too long. Go back, reload the page and try again."))


def retry_after_seconds() -> int:
    current = limiter.current_limit
    return max(1, int(current.reset_at - time.time())) if current else 60


def _custom_description(error: HTTPException) -> str | None:
    # Werkzeug's own descriptions are written for developers; only ours are shown.
    default = type(error).description
    return None if error.description == default else error.description
