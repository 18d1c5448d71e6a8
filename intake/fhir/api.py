"""FHIR over HTTP: the public Questionnaire, and the read-only API for integrations.

    GET /questionnaire.json                               the FHIR Questionnaire (public)
    GET /fhir/metadata                                    CapabilityStatement (public)
    GET /fhir/Questionnaire/<id>                          the published Questionnaire (public)
    GET /fhir/Questionnaire?url=...                       searchset Bundle of it, or empty (public)
    GET /fhir/QuestionnaireResponse/<id>                  one submission (never a draft)
    GET /fhir/QuestionnaireResponse?_lastUpdated=ge...    searchset Bundle, newest first

Deny by default: every API route but `metadata` and the Questionnaire needs
`Authorization: Bearer <token>`, a per-integration token (intake/tokens.py). The
Questionnaire is the form's definition, no patient's data, already public at
/questionnaire.json; its canonical URL (FHIR_CANONICAL_BASE/Questionnaire/<id>) must
resolve for anyone who meets it in a response, so reading it needs no token. A clinician's session cookie opens nothing
here and a token opens nothing in the workspace, whose gate knows only sessions. Every
answer is FHIR JSON, errors included; an Accept or _format that admits only XML (or
anything but JSON) is 406 (404 and 405 outside any route come through
`errors.py`, which hands paths under /fhir to `error_outcome`). Each call is audited as
"api:<name>", and rate limited per token.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from flask import Blueprint, Flask, Response, current_app, g, request
from flask_limiter.util import get_remote_address
from limits import parse as parse_limit
from sqlalchemy.exc import OperationalError
from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import HTTPException
from werkzeug.http import http_date

from intake import audit, documents
from intake.audit import Action
from intake.documents import FHIR_JSON, fhir_response
from intake.extensions import db, limiter
from intake.fhir import search, tokens
from intake.media import gallery, serving
from intake.models import Submission, utcnow
from intake.questionnaire import versions
from intake.questionnaire.fhir import bundle, operation_outcome, questionnaire_resource
from intake.questionnaire.schema import Questionnaire
from intake.security.origin import public_url, request_path_url
from intake.storage import sealed
from intake.storage.database import start_reading

bp = Blueprint("fhir_api", __name__, url_prefix="/fhir")
public = Blueprint("fhir_public", __name__)

PUBLIC = frozenset({"fhir_api.metadata", "fhir_api.questionnaire_read", "fhir_api.questionnaire_search"})
QUESTIONNAIRE_DOCUMENT = "intake_fhir_questionnaire"
QUESTIONNAIRE_RESOURCE = "intake_fhir_questionnaire_resource"
CAPABILITIES_DOCUMENT = "intake_fhir_capabilities"
REALM = "intake-fhir"
FAILURE_SCOPE = "fhir-api-auth-failures"

# What each error status says, as an OperationOutcome issue type and a sentence.
ERRORS: dict[int, tuple[str, str]] = {
    400: ("invalid", "The request was not understood."),
    401: ("login", "Send a valid API token as 'Authorization: Bearer <token>'."),
    403: ("forbidden", "This token may not do that."),
    404: ("not-found", "There is nothing at this address in this FHIR API."),
    405: ("not-supported", "This FHIR API is read-only: use GET."),
    406: ("not-supported", "This FHIR API answers in JSON only: accept application/fhir+json."),
    429: ("throttled", "Too many requests: wait a little, then try again."),
    500: ("exception", "Something went wrong on our side. Try again in a few minutes."),
    503: ("transient", "The service is busy. Try again in a minute."),
}


@dataclass(frozen=True)
class ApiClient:
    id: int
    name: str

    @property
    def label(self) -> str:
        return f"api:{self.name}"


# --- documents built once, at start ------------------------------------------------------


def register(app: Flask) -> None:
    # The Questionnaire and the capabilities never change while the app runs.
    published = documents.publish(app)
    app.extensions[QUESTIONNAIRE_RESOURCE] = published_resource(app, published)  # for search Bundles
    app.extensions[QUESTIONNAIRE_DOCUMENT] = documents.dumps(app.extensions[QUESTIONNAIRE_RESOURCE])
    app.extensions[CAPABILITIES_DOCUMENT] = documents.dumps(
        documents.capability_statement(app.config["CLINIC_NAME"], app.config["PUBLIC_URL"] + bp.url_prefix)
    )
    app.register_blueprint(public)
    app.register_blueprint(bp)


def published_resource(app: Flask, published: Questionnaire) -> dict:
    """The Questionnaire as published: its canonical URL, the clinic as publisher, and the
    date its version was released."""
    return questionnaire_resource(
        published, date=versions.released(published.version), publisher=app.config["CLINIC_NAME"]
    )


def _document(key: str) -> Response:
    return Response(current_app.extensions[key], mimetype=FHIR_JSON)


@public.get("/questionnaire.json")
def questionnaire():
    """The form's definition (no answers, no patient): anyone may read it, from any site."""
    response = _document(QUESTIONNAIRE_DOCUMENT)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/metadata")
def metadata():
    return _document(CAPABILITIES_DOCUMENT)


@bp.get("/Questionnaire/<resource_id>", endpoint="questionnaire_read")
def questionnaire_read(resource_id: str):
    if resource_id != documents.published_questionnaire().id:
        return outcome(404, "There is no Questionnaire with this id.")
    return _public(_document(QUESTIONNAIRE_DOCUMENT))


@bp.get("/Questionnaire", endpoint="questionnaire_search")
def questionnaire_search():
    """The one Questionnaire if it matches, else an empty searchset (never a 404)."""
    try:
        query = search.parse_questionnaire_search(
            _args(), current_app.config["FHIR_API_MAX_COUNT"], _strict()
        )
    except search.BadSearch as error:
        return outcome(400, str(error), error.code)
    published = documents.published_questionnaire()
    matched = query.matches(published.url, published.version, published.id)
    resources = [current_app.extensions[QUESTIONNAIRE_RESOURCE]] if matched else []
    result = bundle(resources[: query.count], type="searchset", total=len(resources), base_url=_api_base())
    links = [{"relation": "self", "url": _search_url(query.link_args())}]
    entries = {"entry": result.pop("entry")} if "entry" in result else {}
    return _public(fhir_response({**result, "link": links, **entries}))


def _public(response: Response) -> Response:
    """Like /questionnaire.json: any site's form filler may fetch the definition."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


# --- errors --------------------------------------------------------------------------------


def is_api_request() -> bool:
    return request.path == bp.url_prefix or request.path.startswith(f"{bp.url_prefix}/")


def outcome(status: int, message: str | None = None, code: str | None = None,
            headers: dict[str, str] | None = None) -> Response:  # fmt: skip
    default_code, default_message = ERRORS.get(status, ERRORS[500])
    resource = operation_outcome("error", code or default_code, message or default_message)
    return fhir_response(resource, status, headers)


def error_outcome(error: HTTPException) -> Response:
    """Any HTTP error under /fhir as an OperationOutcome (never Werkzeug's HTML page)."""
    status = error.code or 500
    allow = {k: v for k, v in error.get_headers() if k == "Allow"}
    return outcome(status if status in ERRORS else 500, headers=allow)


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    return error_outcome(error)


@bp.errorhandler(429)  # code-specific: Flask would prefer the app's own 429 page to the handler above
def too_many_requests(error: HTTPException):
    return _throttled()


@bp.errorhandler(Exception)
def unexpected(error: Exception):
    db.session.rollback()
    if isinstance(error, OperationalError):
        current_app.logger.error("FHIR API: database unavailable: %s", type(error.orig).__name__)
        return outcome(503)
    current_app.logger.exception("FHIR API: unhandled error")
    return outcome(500)


# --- content: FHIR JSON only; the search handling a client prefers -------------------------

# https://hl7.org/fhir/R4/http.html#mime-type: _format overrides Accept. '+' in a query
# string is a space, so an unencoded "application/fhir+json" arrives as "application/fhir json".
JSON_FORMATS = frozenset({"json", "application/json", "application/fhir+json", "application/fhir json"})
JSON_TYPES = ("application/fhir+json", "application/json")


@bp.before_request
def negotiate():
    """406 (as a JSON OperationOutcome) when the client will not take JSON. A Binary read
    answers in the file's own type (https://hl7.org/fhir/R4/binary.html#rest)."""
    if request.endpoint == "fhir_api.binary":
        return None
    formats = request.args.getlist("_format")
    if formats:
        if any(value.strip().lower() not in JSON_FORMATS for value in formats):
            return outcome(406, "This FHIR API answers in JSON only: use _format=json.")
        return None  # _format overrides the Accept header
    if not _accepts_json(request.accept_mimetypes):
        return outcome(406)
    return None


def _accepts_json(accept: MIMEAccept) -> bool:
    """Whether an Accept header admits FHIR JSON. No header, or an empty one, admits
    anything; parameters (fhirVersion=4.0) do not matter; q=0 excludes a type."""
    if not accept:
        return True
    named, ranges = [], []
    for value, quality in accept:
        kind = value.split(";", 1)[0].strip().lower()
        if kind in JSON_TYPES:
            named.append(quality)
        elif kind in ("*/*", "application/*"):
            ranges.append(quality)
    # A JSON type named outright decides (even with q=0); else a range that covers it.
    return max(named) > 0 if named else any(quality > 0 for quality in ranges)


def _strict() -> bool:
    """Prefer: handling=strict (https://hl7.org/fhir/R4/search.html#errors); lenient by default."""
    preferences = ",".join(request.headers.getlist("Prefer"))
    for preference in preferences.split(","):
        name, _, value = preference.partition("=")
        if name.strip().lower() == "handling":
            return value.strip().strip('"').lower() == "strict"
    return False


def _args() -> dict[str, list[str]]:
    return {name: request.args.getlist(name) for name in request.args}


# --- the gate: a bearer token, failures limited per address ---------------------------------


def _bearer() -> str | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return (value.strip() or None) if scheme.lower() == "bearer" else None


def _failure_limit():
    return parse_limit(current_app.config["FHIR_API_AUTH_FAILURE_LIMIT"])


@bp.before_request
def require_token():
    if request.endpoint in PUBLIC:
        return None
    # Every call reads, then writes its audit row (and the token's last use) in a short
    # transaction of its own, so a busy integration never holds patients' saves up.
    start_reading(db.session)
    presented = _bearer()
    checked = tokens.check(presented)
    if checked.client is not None:
        g.fhir_client = ApiClient(checked.client.id, checked.client.name)
        return None
    # Bad tokens are counted per address, so that guessing (and the audit rows it
    # writes) stays bounded; a good token is never held up by someone else's failures.
    address, failures = get_remote_address(), _failure_limit()
    if not limiter.limiter.hit(failures, FAILURE_SCOPE, address):
        return outcome(429, "Too many requests with a bad API token from this address. Wait a minute.")
    audit.commit_after_reading(
        audit.event(
            Action.FHIR_DENIED, None, detail=checked.reason, actor_label=f"api:{checked.name or 'unknown'}"
        )
    )
    challenge = f'Bearer realm="{REALM}"' + (', error="invalid_token"' if presented else "")
    message = "This API token is unknown or revoked." if presented else None
    return outcome(401, message, headers={"WWW-Authenticate": challenge})


def _token_key() -> str:
    return f"fhir-api-token:{g.fhir_client.id}"


# One budget per token across every route of the API.
per_token = limiter.shared_limit(
    lambda: current_app.config["FHIR_API_RATE_LIMIT"], scope="fhir-api", key_func=_token_key
)


def _throttled() -> Response:
    client = g.get("fhir_client")
    if client is not None:
        _audit(Action.FHIR_THROTTLED, detail=request.path[:120])
    headers = {}
    current = limiter.current_limit
    if current is not None:
        wait = int(current.reset_at - datetime.now(timezone.utc).timestamp()) + 1
        headers["Retry-After"] = str(max(wait, 1))
    return outcome(429, headers=headers)


def _audit(action: str, subject: Submission | None = None, detail: str = "") -> None:
    row = audit.event(action, None, subject, detail, actor_label=g.fhir_client.label)
    audit.commit_after_reading(row, tokens.mark_used(g.fhir_client.id, utcnow()))


# --- the interactions --------------------------------------------------------------------


@bp.get("/QuestionnaireResponse/<resource_id>")
@per_token
def read(resource_id: str):
    found = sealed.open_submitted(resource_id, "FHIR API read")
    if found is None:
        _audit(Action.FHIR_READ, detail="not found")
        return outcome(404, "There is no QuestionnaireResponse with this id.")
    if isinstance(found, sealed.Unreadable):
        # A server-side failure (5xx), yet one the client is told about: which response,
        # and that asking again will not help. Never 404: the response does exist.
        _audit(Action.FHIR_READ, found.submission, detail="unreadable")
        return fhir_response(documents.unreadable_outcome(found), 500)
    resource = documents.submission_resource(
        documents.published_questionnaire(), found.submission, found.answers
    )
    last_modified = http_date(found.submission.submitted_at)
    _audit(Action.FHIR_READ, found.submission)
    return fhir_response(resource, headers={"Last-Modified": last_modified})


@bp.get("/Binary/<resource_id>", endpoint="binary")
@per_token
def binary(resource_id: str):
    """A photo or video a QuestionnaireResponse's valueAttachment points at: the checked
    copy of a submitted form's file, streamed with range requests, audited per view."""
    found = gallery.submitted_file(resource_id)
    response = serving.rendition_response(found[1], "main") if found else None
    if response is None:
        _audit(Action.FHIR_MEDIA_READ, detail="not found")
        return outcome(404, "There is no Binary with this id.")
    if serving.starts_a_view():
        _audit(Action.FHIR_MEDIA_READ, found[0], detail=found[1].slot)
    return response


@bp.get("/QuestionnaireResponse", endpoint="search")
@per_token
def search_responses():
    config = current_app.config
    try:
        query = search.parse(
            _args(),
            ZoneInfo(config["CLINIC_TIMEZONE"]),
            config["FHIR_API_DEFAULT_COUNT"],
            config["FHIR_API_MAX_COUNT"],
            strict=_strict(),
        )
    except search.BadSearch as error:
        _audit(Action.FHIR_SEARCH, detail=f"refused: {error}")
        return outcome(400, str(error), error.code)
    found = search.run(query)
    body = _searchset(query, found)
    _audit(Action.FHIR_SEARCH, detail=f"{query.describe()} total={found.total}")
    return fhir_response(body)


def _searchset(query: search.Search, found: search.Found) -> dict:
    published = documents.published_questionnaire()
    results = [documents.searchset_entry(published, row) for row in found.rows]
    result = bundle(results, type="searchset", total=found.total, base_url=_api_base())
    links = [{"relation": "self", "url": _search_url(query.link_args(query.cursor))}]
    if found.next_cursor is not None:
        links.append({"relation": "next", "url": _search_url(query.link_args(found.next_cursor))})
    entries = {"entry": result.pop("entry")} if "entry" in result else {}
    return {**result, "link": links, **entries}


def _api_base() -> str:
    return public_url(request.script_root + bp.url_prefix)


def _search_url(args: list[tuple[str, str]]) -> str:
    return f"{request_path_url()}?{urlencode(args)}"
