"""The intake app. `create_app` is the only place an app is built."""

from __future__ import annotations

import os
from datetime import date

from flask import Flask
from flask_babel import format_date, format_datetime, get_locale
from werkzeug.middleware.proxy_fix import ProxyFix

from intake import crypto, csrf_tokens, i18n, keys, logs, malloc, migrations
from intake.database import engine_options
from intake.extensions import csrf, db, limiter
from intake.forms import choices_of
from intake.session_cookie import SessionCookie


def create_app(config: str | type | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_path=_instance_path(),
    )
    app.config.from_object(_config_class(config))
    app.session_interface = SessionCookie()
    app.config["RATELIMIT_STORAGE_URI"] = app.config.get("REDIS_URL") or "memory://"
    keys.ensure_development_keys(app)
    keys.refuse_unsafe_production_settings(app)
    _trust_proxies(app)
    logs.init_app(app)
    crypto.init_app(app)

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    )
    db.init_app(app)
    migrations.init_app(app)
    # The limiter's check runs first, so that posts with a bad CSRF token count too.
    limiter.init_app(app)
    csrf.init_app(app)
    csrf_tokens.init_app(app)
    i18n.init_app(app)
    with app.app_context():
        from intake.database import close_request_connection, configure_engine

        configure_engine(db.engine)
    app.teardown_appcontext(close_request_connection)

    from intake import (  # noqa: F401  (imported for their routes)
        auth,
        cli,
        clinician,
        clinician_admin,
        clinician_exports,
        errors,
        fhir_api,
        notify,
        ops,
        patient,
        second_factor,
        security,
    )

    auth.configure(app)
    # Process-wide, so here: with preload_app, gunicorn's master builds the app before it
    # forks, and every worker inherits the setting.
    malloc.return_large_blocks_to_the_system()
    notify.register(app)
    app.register_blueprint(patient.bp)
    app.register_blueprint(ops.bp)
    app.register_blueprint(clinician.bp)
    fhir_api.register(app)
    cli.register(app)
    errors.register(app)
    security.register(app)
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
    clinic = {
        "name": app.config["CLINIC_NAME"],
        "phone": app.config["CLINIC_PHONE"],
        "address": app.config["CLINIC_ADDRESS"],
        "hours": i18n.localized_setting(app, "CLINIC_HOURS"),
        "emergency": app.config["EMERGENCY_NUMBER"],
    }
    app.jinja_env.globals["clinic"] = clinic
    app.jinja_env.globals.update(
        current_locale=lambda: str(get_locale()),
        format_date=format_date,
        format_datetime=format_datetime,
        format_iso_date=lambda value: format_date(date.fromisoformat(value), "long"),
        format_iso_month=i18n.format_month_year,
        month_name=lambda number: format_date(date(2000, number, 1), "MMMM"),
        choices_of=choices_of,
    )
