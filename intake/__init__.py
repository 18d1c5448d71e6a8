"""The intake app. `create_app` is the only place an app is built.

The folder tree is the architecture (each package's __init__ says what it holds and may
import; pyproject.toml's import-linter contracts hold them to it):

- questionnaire/  the pure clinical core: the questionnaire as data, safety, scores, summary
- patient/        blueprint "patient": the form, drafts, submit
- clinic/         blueprint "clinician": the workspace, sign-in, admin, exports
- fhir/           the FHIR R4 API and its tokens
- security/       headers, encryption, keys, the blind index, the session cookie
- storage/        engine settings, sealed rows, migrations, backups, maintenance
- beside them: models, extensions, audit, listing (the list both the workspace and the
  API search), documents (FHIR documents from rows), forms (the shared form base),
  errors, i18n, logs, notify, probes, cli, demo, serve
"""

from __future__ import annotations

import os
from datetime import date
from types import SimpleNamespace

from flask import Flask
from flask_babel import format_date, format_datetime, format_time, get_locale
from werkzeug.middleware.proxy_fix import ProxyFix

from intake import cli, clinic, errors, fhir, i18n, logs, notify, patient, probes
from intake.clinic import accounts
from intake.extensions import compress, csrf, limiter
from intake.patient import opening_hours
from intake.patient.forms import choice_label, choices_of
from intake.patient.wording import ask
from intake.questionnaire.display import condition_runs, question_groups
from intake.questionnaire.face_map import mirror_regions
from intake.questionnaire.media import EPISODE_TIPS, EXPRESSIONS, PHOTO_TIPS
from intake.questionnaire.safety import flagging_items
from intake.security import crypto, headers, keys, origin
from intake.security.request_size import SizedRequest
from intake.security.session_cookie import SessionCookie
from intake.security.text import clean_output
from intake.storage import database, migrations


def create_app(config: str | type | None = None) -> Flask:
    app = Flask(
        __name__, template_folder="../templates", static_folder="../static", instance_path=_instance_path()
    )
    app.config.from_object(_config_class(config))
    app.request_class = SizedRequest  # larger bodies only where photos and video are sent
    app.session_interface = SessionCookie()
    app.config["RATELIMIT_STORAGE_URI"] = app.config.get("REDIS_URL") or "memory://"
    keys.ensure_development_keys(app)
    keys.refuse_unsafe_production_settings(app)
    _trust_proxies(app)
    origin.configure(app)
    # Parsed once: a typo fails the start, not a page.
    app.extensions[opening_hours.EXTENSION] = opening_hours.parse(app.config["CLINIC_OPENING_HOURS"])
    # First, so that its after_request runs last: it compresses the finished response.
    compress.init_app(app)
    logs.init_app(app)
    crypto.init_app(app)
    database.init_app(app)
    migrations.init_app(app)
    # The limiter's check runs first, so that posts with a bad CSRF token count too.
    limiter.init_app(app)
    csrf.init_app(app)
    i18n.init_app(app)
    accounts.configure(app)
    notify.register(app)

    app.register_blueprint(patient.bp)
    app.register_blueprint(clinic.bp)
    app.register_blueprint(probes.bp)
    fhir.register(app)
    cli.register(app)
    errors.register(app, api=fhir.ERRORS, pages=(clinic.ERROR_PAGES,))
    headers.register(app)
    _register_template_globals(app)
    return app


def _trust_proxies(app: Flask) -> None:
    hops = app.config["TRUSTED_PROXIES"]
    if hops < 0:
        raise RuntimeError("TRUSTED_PROXIES is how many proxies are in front of the app: 0 or more.")
    if hops:
        # Not X-Forwarded-Host: a balancer passes Host on as the browser sent it, and one
        # that does not overwrite X-Forwarded-Host would let a client choose our links' host.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def _instance_path() -> str:
    from config import INSTANCE_DIR

    return str(INSTANCE_DIR)


def _config_class(config):
    from config import CONFIGS

    if config is None:
        config = os.environ.get("INTAKE_ENV", "development")
    return CONFIGS[config] if isinstance(config, str) else config


def _register_template_globals(app: Flask) -> None:
    # Rows stored before input was cleaned still show without bidi overrides or
    # zero-width characters (intake/security/text.py).
    app.jinja_env.finalize = clean_output
    clinic = {
        "name": app.config["CLINIC_NAME"],
        "phone": app.config["CLINIC_PHONE"],
        "address": app.config["CLINIC_ADDRESS"],
        "hours": i18n.localized_setting(app, "CLINIC_HOURS"),
        "emergency": app.config["EMERGENCY_NUMBER"],
        "crisis_line": app.config["CRISIS_LINE"],
    }
    app.jinja_env.globals["clinic"] = clinic
    app.jinja_env.globals.update(
        current_locale=lambda: str(get_locale()),
        format_date=format_date,
        format_datetime=format_datetime,
        format_time=format_time,
        format_iso_date=lambda value: format_date(date.fromisoformat(value), "long"),
        format_iso_month=i18n.format_month_year,
        month_name=lambda number: format_date(date(2000, number, 1), "MMMM"),
        mirror_regions=mirror_regions(),
        choices_of=choices_of,
        choice_label=choice_label,
        # Each question worded for whoever answers it (intake/questionnaire/wording.py).
        ask=ask,
        condition_runs=condition_runs,
        # On a waiting-room tablet, patient pages clear themselves after this long alone.
        kiosk_idle_seconds=app.config["KIOSK_IDLE_SECONDS"] if app.config["KIOSK_MODE"] else None,
        question_groups=question_groups,
        # Items where "None of these" asks before it unticks a red flag (static/js/intake.js).
        FLAGGING_ITEMS=flagging_items(),
        # The photos page's expressions and tips (intake/questionnaire/media.py).
        media_tips=SimpleNamespace(expressions=EXPRESSIONS, photos=PHOTO_TIPS, episodes=EPISODE_TIPS),
    )
