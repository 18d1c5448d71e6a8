"""Configuration from the environment. Development needs nothing set."""

from __future__ import annotations

import os
from pathlib import Path

INSTANCE_DIR = Path(os.environ.get("INTAKE_INSTANCE_DIR", Path(__file__).parent / "instance"))


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _env_int_or_none(name: str) -> int | None:
    """A positive number, or None when the setting is unset, empty or 0 (meaning "off")."""
    value = int(os.environ.get(name) or 0)
    return value if value > 0 else None


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or _sqlite_url(INSTANCE_DIR / "intake.db")
    # hide_parameters: SQL errors and engine logs never show bound values (health data
    # is encrypted before binding anyway, but names' keyed hashes and ids stay out too).
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}
    # Fernet keys (comma-separated, newest first) that encrypt health data at rest. The
    # first encrypts; all decrypt, so a new key can go in front while `flask rotate-keys`
    # moves old values over. Development generates one into instance/data_keys.
    INTAKE_DATA_KEYS = os.environ.get("INTAKE_DATA_KEYS")

    # A patient may take a long time over one page: the CSRF token lives as long as
    # the session instead of expiring after an hour and throwing their answers away.
    WTF_CSRF_TIME_LIMIT = None
    # Referrer-Policy: no-referrer means browsers send no Referer with our own form posts,
    # and Flask-WTF's HTTPS-only Referer check would refuse every one of them in
    # production. The session-bound token, SameSite cookies and a Sec-Fetch-Site check
    # (intake/security/headers.py) stand in for it.
    WTF_CSRF_SSL_STRICT = False
    MAX_CONTENT_LENGTH = 256 * 1024
    # Responses compressed where the client accepts it (Flask-Compress: zstd, brotli,
    # gzip): a step page is about 26 KB of HTML. README, "Deploying", on BREACH. Streamed
    # responses (static files, exports) are left alone: Flask-Compress's stream wrapper
    # never closes the file a static response streams from.
    COMPRESS_STREAMS = False
    COMPRESS_MIMETYPES = [
        "text/html", "text/css", "text/javascript", "application/javascript", "application/json",
        "application/fhir+json", "text/csv", "image/svg+xml",
    ]  # fmt: skip

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_NAME = "intake_session"
    # Flask-Login's remember-me cookie is never set (sign-in does not offer it); if it
    # ever is, it gets the same protections as the session cookie.
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"

    DRAFT_EXPIRY_DAYS = _env_int("DRAFT_EXPIRY_DAYS", 30)
    # How long after sending the browser that sent a form may still show its answers
    # (the printable copy): not for the next person at a shared or waiting-room browser.
    SENT_ANSWERS_MINUTES = _env_int("SENT_ANSWERS_MINUTES", 60)
    # A tablet the clinic hands patients in the waiting room (intake/patient/kiosk.py): no
    # resume link or printable copy on screen, "Finish and hand back", and a patient page
    # left alone this many seconds is cleared for the next person (warned a minute before).
    KIOSK_MODE = _env_bool("KIOSK_MODE", False)
    KIOSK_IDLE_SECONDS = _env_int("KIOSK_IDLE_SECONDS", 300)
    # Submissions older than this many days (and their notes) are deleted by
    # `flask purge-expired`; unset keeps them until the clinic decides.
    RETENTION_DAYS = _env_int_or_none("RETENTION_DAYS")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()

    # The practice behind the form (from the clinic's own page), shown to patients.
    CLINIC_NAME = os.environ.get("CLINIC_NAME", "New York Facial Paralysis")
    CLINIC_PHONE = os.environ.get("CLINIC_PHONE", "(212) 434-4050")
    CLINIC_ADDRESS = os.environ.get(
        "CLINIC_ADDRESS",
        "Grand Park Building, 110 East 40 Street, Suite 501, New York, NY 10016",
    )
    CLINIC_HOURS = os.environ.get("CLINIC_HOURS", "Monday to Friday, 8:30 AM to 5:00 PM")
    # The hours as Spanish-speaking patients read them. The Spanish default only stands in
    # for the default hours: set CLINIC_HOURS alone and every patient sees that text.
    CLINIC_HOURS_ES = os.environ.get("CLINIC_HOURS_ES") or (
        None if "CLINIC_HOURS" in os.environ else "De lunes a viernes, de 8:30 a. m. a 5:00 p. m."
    )
    EMERGENCY_NUMBER = os.environ.get("EMERGENCY_NUMBER", "911")
    # When the clinic answers its phone, in CLINIC_TIMEZONE (intake/patient/opening_hours.py):
    # the urgent page says when it is closed, and a callback asked then waits for the opening.
    CLINIC_OPENING_HOURS = os.environ.get("CLINIC_OPENING_HOURS", "mon-fri 08:30-17:00")
    # How many days the clinic is open (CLINIC_OPENING_HOURS) before it contacts a patient
    # who sent the form: the confirmation page names that day.
    CLINIC_REPLY_DAYS = _env_int("CLINIC_REPLY_DAYS", 2)
    # The crisis line the support page offers (call or text), e.g. the US 988 Suicide &
    # Crisis Lifeline.
    CRISIS_LINE = os.environ.get("CRISIS_LINE", "988")
    # A draft's answer to the safety question older than this is asked again before sending.
    SAFETY_RECHECK_HOURS = _env_int("SAFETY_RECHECK_HOURS", 24)
    # Dates on the clinicians' pages (and the dashboard's date filter) are the clinic's.
    CLINIC_TIMEZONE = os.environ.get("CLINIC_TIMEZONE", "America/New_York")
    # Times shown to people (e.g. "Sent on") are in the clinic's time, not UTC.
    BABEL_DEFAULT_TIMEZONE = CLINIC_TIMEZONE

    # The clinician workspace.
    CLINICIAN_IDLE_MINUTES = _env_int("CLINICIAN_IDLE_MINUTES", 15)
    CLINICIAN_SESSION_HOURS = _env_int("CLINICIAN_SESSION_HOURS", 10)
    DASHBOARD_PAGE_SIZE = _env_int("DASHBOARD_PAGE_SIZE", 50)
    # Keyed hash for exact last-name search; derived from SECRET_KEY when unset, which
    # only development and tests may do: production requires its own SEARCH_KEY, so that
    # rotating SECRET_KEY (sessions) or the data keys never breaks search.
    SEARCH_KEY = os.environ.get("SEARCH_KEY")
    # Argon2id with OWASP's first listed setting (19 MiB, 2 passes, 1 lane), which the
    # cheat sheet rates as strong as its 46 MiB and 64 MiB ones. RFC 9106's 64 MiB profile
    # lifted a worker that signed someone in to 142 MB resident, over the 100 MB budget.
    # Hashes made with other settings are redone at the next sign-in.
    ARGON2_TIME_COST = _env_int("ARGON2_TIME_COST", 2)
    ARGON2_MEMORY_KIB = _env_int("ARGON2_MEMORY_KIB", 19456)
    ARGON2_PARALLELISM = _env_int("ARGON2_PARALLELISM", 1)
    # Rate limits (Flask-Limiter) count in Redis when REDIS_URL is set, so that every worker
    # shares one count; else in the process's memory (memory://, per worker). create_app
    # sets RATELIMIT_STORAGE_URI from REDIS_URL. If Redis stops answering, limits go on
    # per process in memory instead of failing patients' requests.
    REDIS_URL = os.environ.get("REDIS_URL")
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # Only for load tests that drive thousands of requests from one address (bench/).
    RATELIMIT_ENABLED = os.environ.get("RATELIMIT_ENABLED", "true").lower() != "false"
    # How many proxies in front of the app append X-Forwarded-For and set
    # X-Forwarded-Proto (one load balancer: 1). Only then are those headers believed, so
    # that rate limits, the audit trail and the logs see each client's own address. 0, the
    # default, believes none: a directly exposed app cannot be fooled by a forged header.
    TRUSTED_PROXIES = _env_int("TRUSTED_PROXIES", 0)
    # The address patients and clinicians open (scheme and host, no path): every absolute
    # link the app writes starts with it (intake/security/origin.py). Production requires
    # it and then serves only its host (TRUSTED_HOSTS; other hosts get 400).
    PUBLIC_URL = os.environ.get("PUBLIC_URL") or f"http://127.0.0.1:{os.environ.get('PORT', '5000')}"
    # Failed sign-ins allowed per account and per address.
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes")
    LOGIN_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "20 per 15 minutes")
    # Every POST of the patient's pages, per address, all pages together. A patient posts a
    # page every few seconds at most; a waiting room behind one address shares the count.
    PATIENT_POST_RATE_LIMIT = os.environ.get("PATIENT_POST_RATE_LIMIT", "60 per minute")
    # Photos and video (intake/media): the largest photo, video and draft (all its files
    # together) a patient may send, in MB; how many hours a half-sent upload waits to be
    # resumed before it is purged; uploads allowed per address (a 150 MB video is 150
    # pieces of 1 MB). MEDIA_JOBS says where the checks run: "thread" (in this process,
    # after the upload is stored: the embedded default), "rq" (a queue on REDIS_URL, served
    # by `flask media-worker`: several hosts), "sync" (inside the request: the tests).
    MEDIA_MAX_PHOTO_MB = _env_int("MEDIA_MAX_PHOTO_MB", 30)
    MEDIA_MAX_VIDEO_MB = _env_int("MEDIA_MAX_VIDEO_MB", 150)
    MEDIA_MAX_DRAFT_MB = _env_int("MEDIA_MAX_DRAFT_MB", 300)
    MEDIA_UPLOAD_HOURS = _env_int("MEDIA_UPLOAD_HOURS", 24)
    MEDIA_UPLOAD_RATE_LIMIT = os.environ.get("MEDIA_UPLOAD_RATE_LIMIT", "40 per hour")
    MEDIA_PIECE_RATE_LIMIT = os.environ.get("MEDIA_PIECE_RATE_LIMIT", "1200 per hour")
    MEDIA_JOBS = os.environ.get("MEDIA_JOBS", "thread")
    MEDIA_QUEUE = os.environ.get("MEDIA_QUEUE", "intake-media")
    # Two-step sign-in (TOTP, RFC 6238): always for admins; for clinicians unless
    # MFA_REQUIRED_FOR_CLINICIANS=false. Wrong codes allowed per account (codes from the
    # app and recovery codes together), and how long the password step waits for a code.
    MFA_REQUIRED_FOR_CLINICIANS = _env_bool("MFA_REQUIRED_FOR_CLINICIANS", True)
    MFA_ISSUER = os.environ.get("MFA_ISSUER") or CLINIC_NAME
    SECOND_FACTOR_LIMIT = os.environ.get("SECOND_FACTOR_LIMIT", "5 per 15 minutes")
    SECOND_FACTOR_MINUTES = _env_int("SECOND_FACTOR_MINUTES", 10)
    # The read-only FHIR API: calls allowed per integration token, calls with a bad token
    # allowed per address (each is audited), and the page size of a search.
    FHIR_API_RATE_LIMIT = os.environ.get("FHIR_API_RATE_LIMIT", "120/minute")
    FHIR_API_AUTH_FAILURE_LIMIT = os.environ.get("FHIR_API_AUTH_FAILURE_LIMIT", "20/minute")
    FHIR_API_DEFAULT_COUNT = _env_int("FHIR_API_DEFAULT_COUNT", 20)
    FHIR_API_MAX_COUNT = _env_int("FHIR_API_MAX_COUNT", 100)
    # Where the FHIR Questionnaire is published: its canonical URL is
    # {FHIR_CANONICAL_BASE}/Questionnaire/<id>, and every response names it. Unset, it is
    # this app's own FHIR endpoint, PUBLIC_URL + "/fhir", where that URL resolves. Set it
    # only to publish under a registry's address; changing it changes the canonical, so
    # responses already sent name the old one.
    FHIR_CANONICAL_BASE = os.environ.get("FHIR_CANONICAL_BASE") or None
    # "A submission arrived" email (reference, tier, link; no health data). Off unless
    # NOTIFY_EMAIL is set.
    NOTIFY_EMAIL = os.environ.get("NOTIFY_EMAIL")
    # Alerts (no health data): an unsent form that reaches urgent or emergency, once per
    # draft and tier, and every callback request. Unset sends none (the Needs attention
    # list shows them all the same).
    ALERT_EMAIL = os.environ.get("ALERT_EMAIL")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = _env_int("MAIL_PORT", 25)
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "").lower() in ("1", "true", "yes")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "intake@localhost")
    MAIL_TIMEOUT = _env_int("MAIL_TIMEOUT", 10)


class DevelopmentConfig(Config):
    """Laptop demo: SQLite under instance/, a secret key generated on first run."""


TEST_SECRET_KEY = "test-secret-key-not-for-production-0123456789"
# Fixed so that tests can read what they wrote; production refuses it.
TEST_DATA_KEY = "dGVzdC1kYXRhLWtleS1ub3QtZm9yLXByb2R1Y3Rpb24="


class TestingConfig(Config):
    TESTING = True
    PUBLIC_URL = "http://localhost"
    SECRET_KEY = TEST_SECRET_KEY
    INTAKE_DATA_KEYS = TEST_DATA_KEY
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    # Tests that need Redis say so (TEST_REDIS_URL); the rest count in memory.
    REDIS_URL = None
    MEDIA_JOBS = "sync"
    # Cheap hashes keep the suite fast; they are still Argon2id.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_KIB = 8
    ARGON2_PARALLELISM = 1


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    # The __Host- prefix makes browsers refuse the cookie unless it is Secure, has
    # Path=/ and no Domain: no sibling subdomain or plain-HTTP page can plant or read it.
    SESSION_COOKIE_NAME = "__Host-intake"
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    HSTS = True
    REQUIRED = ("SECRET_KEY", "DATABASE_URL", "INTAKE_DATA_KEYS", "SEARCH_KEY", "PUBLIC_URL")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
