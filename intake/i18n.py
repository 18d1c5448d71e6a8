"""Which language a page speaks, and the message catalogues behind it.

A patient's explicit choice (the welcome page's language question, or the switch on every
patient page) is kept in the session, and on their draft so that a resume link brings it
back. Without a choice the browser's Accept-Language decides, else English. Clinicians
read English whatever language the patient used.

Catalogues live in `intake/translations/<lang>/LC_MESSAGES/messages.po`; the compiled
`.mo` files are not committed: `init_app` builds any that are missing or older than their
`.po`, so a fresh clone works with nothing but the README's first command.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from babel.dates import format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, current_app, request, session
from flask_babel import LazyString, get_locale, refresh
from werkzeug.exceptions import HTTPException

from intake.extensions import babel

LANGUAGES = ("en", "es")
DEFAULT_LANGUAGE = "en"
SESSION_KEY = "lang"
# Each language in its own words: someone who reads only English looks for "English".
NAMES = {"en": "English", "es": "Español"}
# Blueprints whose pages are always English (and show no language switch).
ENGLISH_ONLY_BLUEPRINTS = frozenset({"clinician"})
TRANSLATIONS = Path(__file__).parent / "translations"


def select_locale() -> str:
    """Flask-Babel's locale selector: the explicit choice, else Accept-Language, else English."""
    if request.blueprint in ENGLISH_ONLY_BLUEPRINTS:
        return DEFAULT_LANGUAGE
    chosen = session.get(SESSION_KEY)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def choose(language: str | None) -> bool:
    """Keep `language` for the rest of the visit, from this request on. False if not offered."""
    if language not in LANGUAGES:
        return False
    session[SESSION_KEY] = language
    refresh()
    return True


def other_languages() -> list[tuple[str, str]]:
    """(code, own name) of each language the switch offers on this page."""
    if request.blueprint in ENGLISH_ONLY_BLUEPRINTS:
        return []
    current = str(get_locale())
    return [(code, NAMES[code]) for code in LANGUAGES if code != current]


def current_path() -> str:
    """This page's path and query, for the switch to come back to."""
    query = request.query_string.decode("utf-8", "replace")
    return f"{request.path}?{query}" if query else request.path


def safe_next(target: str | None) -> str | None:
    """`target` if it is a page of this site a browser can GET, else None.

    Only a relative path is accepted: never a scheme or a host ("//evil.example",
    "/\\evil.example" which browsers read as "//"), so the switch cannot be an open redirect.
    """
    if not target or not target.isprintable() or "\\" in target:
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    try:
        current_app.create_url_adapter(request).match(parts.path, method="GET")
    except HTTPException:  # not found, not a GET page (e.g. /submit), or a redirect
        return None
    return target


def format_month_year(value: str) -> str:
    """ "2024-03" as "March 2024" / "marzo de 2024": the locale decides the pattern."""
    year, month = value.split("-")[:2]
    return format_skeleton("yMMMM", date(int(year), int(month), 1), locale=get_locale() or DEFAULT_LANGUAGE)


def localized_setting(app: Flask, name: str) -> LazyString:
    """A setting with a per-language variant (`CLINIC_HOURS_ES`), falling back to `name`."""

    def value() -> str:
        language = str(get_locale() or DEFAULT_LANGUAGE)
        return app.config.get(f"{name}_{language.upper()}") or app.config[name]

    return LazyString(value)


def compile_catalogs(directory: Path = TRANSLATIONS) -> list[Path]:
    """Compile each `.po` whose `.mo` is missing or older. Returns the `.mo` files written.

    Fuzzy entries are left out (as `pybabel compile` does). Each file is written under a
    temporary name and renamed, so workers starting together never read half a file.
    """
    written = []
    for po in sorted(directory.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parent.parent.name)
        partial = mo.with_name(f".{mo.name}.{os.getpid()}.tmp")
        with partial.open("wb") as target:
            write_mo(target, catalog)
        os.replace(partial, mo)
        written.append(mo)
    return written


def init_app(app: Flask) -> None:
    try:
        compile_catalogs()
    except OSError as error:  # e.g. a read-only install: use whatever .mo files exist
        app.logger.warning("could not compile the message catalogues: %s", error)
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals.update(other_languages=other_languages, current_path=current_path)
