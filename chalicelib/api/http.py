"""What every route shares: its declaration (what it takes and answers: the schemas that check
the request and describe it in /api/openapi.json), the error mapping, the language, the JSON
body with only the expected fields and a size limit, the clock, and the headers every response
carries."""
import functools
import importlib
import json
import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlencode

from chalice import Response

from .. import i18n
from ..config import settings
from ..domain.errors import DomainError, Invalid, N_, TooLarge
from ..store import faults
from . import errors as error_responses
from . import schema

log = logging.getLogger("traces")
MAX_DEPTH = 32   # objects and arrays within each other; more is an attack, not a form


class lazy:  # noqa: N801 - used like a module
    """A module imported when a request first uses it, not when the blueprint is imported: a
    Lambda's cold start imports the routes and their schemas, and each request what it needs
    (a login never loads the COI's rules). `certificates = lazy("chalicelib.services.certificates")`
    then `certificates.read(...)` as with the module itself. `lazy.declared` names them all (the
    package compiles them ahead, deploy/package.py)."""

    declared: set = set()

    def __init__(self, name: str):
        self._name = name
        lazy.declared.add(name)

    def __getattr__(self, attribute: str):
        return getattr(importlib.import_module(self._name), attribute)


def now() -> datetime:
    return datetime.now(timezone.utc)


def language(request) -> str:
    return i18n.negotiate(request.headers.get("accept-language"))


# On every response of the API, errors included (see `edge`): never cached, never sniffed as
# something else than it says, never framed, no referrer sent from it.
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}
HSTS = "max-age=31536000; includeSubDomains"

# Chalice (and, locally, its gateway) answers some requests itself, in its own format: `edge`
# and the local site server give them the API's error format, and so does API Gateway on AWS
# (deploy/template.py `gateway_responses`).
GATEWAY_ERRORS = {
    400: ("invalid_input", N_("The request is not valid.")),
    404: ("not_found", N_("There is nothing at this address.")),
    405: ("method_not_allowed", N_("This method is not allowed here.")),
    415: ("unsupported_media_type", N_("Send the request as JSON (Content-Type: application/json).")),
    429: ("too_many_requests", N_("Too many requests; wait a minute and try again.")),
    500: ("internal_error", error_responses.INTERNAL),
}


def error_body(status: int, chosen_language: str) -> dict:
    """The API's error body for a status that Chalice or the gateway answered."""
    code, message = GATEWAY_ERRORS.get(status, GATEWAY_ERRORS[400])
    return {"error": {"code": code, "message": i18n.translate(message, chosen_language)}}


def edge(request, get_response):
    """The app's HTTP middleware: every response, whoever made it (a route, the error mapping,
    or Chalice itself for an unknown method, a wrong content type or a crash), leaves with the
    security headers and, if it is an error, in the API's error format."""
    response = get_response(request)
    body = response.body
    if response.status_code >= 400 and isinstance(body, dict) and "Code" in body and "error" not in body:
        chosen = language(request) if request is not None else i18n.DEFAULT
        response.body = error_body(response.status_code, chosen)
        response.headers["Content-Type"] = "application/json"
        response.headers["Content-Language"] = chosen
    if response.body not in (None, "") and not isinstance(response.body, bytes):
        response.headers.setdefault("Content-Type", "application/json")   # API Gateway's default
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if settings.secure_cookies:        # served over HTTPS only (every stage but local and test)
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


@dataclass(frozen=True)
class Operation:
    """What a route declares, for checking its requests and describing it (api/openapi.py)."""

    name: str                      # unique: the blueprint's module and the view
    summary: str
    status: int
    body: dict | None = None       # schema of the JSON body (None: not declared)
    query: dict | None = None      # schema of the query parameters, as one object
    returns: dict | None = None    # schema of the success body (None: not declared)
    errors: tuple = ()             # error statuses beyond those the declaration implies
    login: bool = False            # needs the session cookie (and X-CSRF-Token to change state)
    machines: bool = False         # also answers a bearer API key (SPEC 5.1)
    form: object = None            # the domain's check of a whole body: see `body`
    media: str = "application/json"  # the success body's media type
    accepts: str = "application/json"  # the request body's media type (another: raw bytes, `upload`)
    limit: int | None = None       # the largest body in bytes (None: settings.max_body_bytes)


_running = threading.local()       # the operation of the request this thread answers


def route(bp, path: str, methods=("GET",), status: int = 200, *, body: dict | None = None,
          query: dict | None = None, returns: dict | None = None, errors: tuple = (),
          login: bool = False, machines: bool = False, form=None, media: str = "application/json",
          accepts: str = "application/json", limit: int | None = None):
    """Registers a view on `bp` with its declaration: `body` and `query` are the schemas
    (api/schema.py) that `http.body()` and `http.query()` check the request against, and that
    describe it (no `body`: nothing to send); `returns` describes the success answer (`status`,
    of type `media`), `errors` the error statuses the declaration does not imply (400 with a
    body or query, 401 and 403 with `login`, 404 with a path parameter, 413 with a body, 400 and
    409 for a POST's Idempotency-Key, 429 with `machines`). `machines`: a bearer API key may call
    it too (security.current). A body of another type than JSON (`accepts`) is read whole by
    `upload()`, up to `limit` bytes.
    Domain errors become the API's error body, and a dict result becomes JSON with `status`.
    Every view of the API is registered here, so that /api/openapi.json describes them all."""

    def decorate(view):
        summary = (view.__doc__ or view.__name__.replace("_", " ")).strip().splitlines()[0]
        operation = Operation(name=f"{view.__module__.rsplit('.', 1)[-1]}_{view.__name__}", summary=summary,
                              status=status, body=body, query=query, returns=returns,
                              errors=tuple(errors), login=login, machines=machines, form=form,
                              media=media, accepts=accepts, limit=limit)

        @functools.wraps(view)
        def handler(**params):
            request = bp.current_request
            _running.operation, _running.idempotency = operation, None
            try:
                response = _answer(request, view, params, status)
                if _running.idempotency:
                    _keep_answer(_running.idempotency, response, media)
                return response
            finally:
                _running.operation, _running.idempotency = None, None

        handler.operation = operation
        bp.route(path, methods=list(methods), content_types=[accepts])(handler)
        return view

    return decorate



def _answer(request, view, params: dict, status: int) -> Response:
    try:
        if request is not None and request.method == "POST":
            _idempotency_key(request)
        result = view(**params)
    except Replay as first:
        return first.response
    except DomainError as error:
        return error_responses.response(error, language(request))
    except Exception as error:  # logged, and answered without details
        if faults.transient(error):
            log.warning("backend fault on %s: %r", request.path if request else "?", error)
            return error_responses.unavailable(language(request))
        log.exception("unexpected error on %s", request.path if request else "?")
        return error_responses.internal(language(request))
    if isinstance(result, Response):
        return result
    return Response(body=result if result is not None else "", status_code=status)


def _declared():
    return getattr(_running, "operation", None)


def upload(request) -> bytes:
    """The request's body as bytes (as it is for a route that `accepts` another type than
    JSON), refused (413) beyond the route's limit."""
    raw = request.raw_body or b""
    operation = _declared()
    if len(raw) > (operation.limit if operation and operation.limit else settings.max_body_bytes):
        raise TooLarge(N_("The request is too large."))
    return raw


def declared_for_machines() -> bool:
    """Whether the operation being answered accepts a bearer API key."""
    operation = _declared()
    return bool(operation and operation.machines)


# --- Idempotency-Key (SPEC 5.1) -----------------------------------------------------------------

machines = lazy("chalicelib.services.machines")


class Replay(Exception):
    """The first answer to a request with the same Idempotency-Key, given again."""

    def __init__(self, response: Response):
        super().__init__("replayed")
        self.response = response


def _idempotency_key(request) -> str | None:
    from ..domain.machines import idempotency_key

    value = request.headers.get("idempotency-key")
    return None if value is None else idempotency_key(value)


def idempotent(request, caller: str) -> None:
    """Called once the caller is known (security.current): a POST with an Idempotency-Key acts
    only if it is the first with its key from this caller within 24 hours; otherwise the first
    answer is given again (Replay), or 409 for another body or a first request still running."""
    key = _idempotency_key(request) if request.method == "POST" else None
    if key is None:
        return
    from ..domain.machines import fingerprint

    scope = machines.idempotency_scope(caller, key)
    first = machines.begin(scope, fingerprint(request.method, request.path, request.raw_body or b""), now())
    if first is not None:
        status, body, media = first
        raise Replay(Response(body=body, status_code=status,
                              headers={"Content-Type": media, "Idempotent-Replayed": "true"}))
    _running.idempotency = scope


def _keep_answer(scope: str, response: Response, media: str) -> None:
    """Keeps the answer of a request that acted, for its retries. A failure to keep it does not
    turn the change into an error: the key then stays `in progress` until it expires."""
    try:
        machines.finish(scope, response.status_code, response.body,
                        response.headers.get("Content-Type") or media)
    except Exception:  # logged; the change itself is committed
        log.exception("could not keep the answer of an idempotent request")


def body(request, form=None) -> dict:
    """The JSON object of the request, checked against the route's `body` schema (none: an
    empty object), every problem at once: a field it does not list is refused (nobody sets
    `status` or `role` through a form), and so is any value out of its schema. `form` (here or on
    the route) is the domain's check of the whole body, cross-field rules included: run only
    when the schema refused the body, it adds its own problems and its messages win ("this box
    is filled in by the system"), so that one answer names all of them."""
    raw = upload(request)
    try:
        data = json.loads(raw or b"{}")
    except RecursionError:
        raise Invalid({}, TOO_DEEP) from None
    except (ValueError, UnicodeDecodeError):
        raise Invalid({}, N_("The request is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise Invalid({}, N_("The request is not valid JSON."))
    if _depth(data) > MAX_DEPTH:
        raise Invalid({}, TOO_DEEP)
    operation = _declared()
    declared = operation.body if operation and operation.body is not None else schema.EMPTY
    problems = schema.problems(declared, data)
    if problems:
        check = form or (operation.form if operation else None)
        if check is not None:
            try:
                check(data)
            except Invalid as error:
                problems.update(error.fields)
        raise Invalid(problems)
    return data


TOO_DEEP = N_("The request is nested too deeply.")


def _depth(value) -> int:
    """How deeply objects and arrays nest in `value`, counted without recursion (so that no
    input can exhaust the stack)."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, level = pending.pop()
        if isinstance(item, dict):
            item = item.values()
        elif not isinstance(item, list):
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            break
        pending.extend((child, level + 1) for child in item)
    return deepest


def paged(request, items: list, cursor: str | None) -> Response:
    """One page of a list: the items, and when there is more, the address of the next page in a
    Link header (RFC 8288), the same query with its cursor."""
    headers = {"Cache-Control": "no-store"}
    if cursor:
        params = {**dict(request.query_params or {}), "cursor": cursor}
        headers["Link"] = f'<{request.path}?{urlencode(params)}>; rel="next"'
    return Response(body=items, status_code=200, headers=headers)


def query(request) -> dict:
    """The query parameters, checked against the route's `query` schema (an object of text
    parameters; none: no parameters)."""
    params = dict(request.query_params or {})
    operation = _declared()
    declared = operation.query if operation and operation.query is not None else schema.obj({})
    problems = schema.problems(declared, params)
    if problems:
        raise Invalid(problems)
    return params
