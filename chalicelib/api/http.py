"""What every route shares: the error mapping, the language, the JSON body with only the
expected fields and a size limit, the clock, and the headers every response carries."""
import functools
import json
import logging
from datetime import datetime, timezone

from chalice import Response

from .. import i18n
from ..config import settings
from ..domain.errors import DomainError, Invalid, N_, TooLarge
from . import errors

log = logging.getLogger("traces")
MAX_DEPTH = 32   # objects and arrays within each other; more is an attack, not a form


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
# and the local site server give them the API's error format.
GATEWAY_ERRORS = {
    400: ("invalid_input", N_("The request is not valid.")),
    404: ("not_found", N_("There is nothing at this address.")),
    405: ("method_not_allowed", N_("This method is not allowed here.")),
    415: ("unsupported_media_type", N_("Send the request as JSON (Content-Type: application/json).")),
    500: ("internal_error", errors.INTERNAL),
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
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if settings.secure_cookies:        # served over HTTPS only (every stage but local and test)
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def route(bp, path: str, methods=("GET",), status: int = 200):
    """Registers a view on `bp`: domain errors become the API's error body, and a dict result
    becomes JSON with `status`."""

    def decorate(view):
        @functools.wraps(view)
        def handler(**params):
            request = bp.current_request
            try:
                result = view(**params)
            except DomainError as error:
                return errors.response(error, language(request))
            except Exception:  # noqa: BLE001 - logged, and answered without details
                log.exception("unexpected error on %s", request.path if request else path)
                return errors.internal(language(request))
            if isinstance(result, Response):
                return result
            return Response(body=result if result is not None else "", status_code=status)

        bp.route(path, methods=list(methods))(handler)
        return view

    return decorate


def body(request, *allowed: str, required: tuple = ()) -> dict:
    """The JSON object of the request, refusing unknown fields (nobody sets `status` or `role`
    through a form) and bodies over the size limit."""
    raw = request.raw_body or b""
    if len(raw) > settings.max_body_bytes:
        raise TooLarge(N_("The request is too large."))
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
    unknown = {field: N_("This field is not expected.") for field in data if field not in allowed}
    missing = {field: N_("This field is required.") for field in required
               if not isinstance(data.get(field), str) or not data.get(field)}
    broken = {field: N_("This value is not valid.") for field, value in data.items()
              if field in allowed and not _is_text(value)}
    if unknown or missing or broken:
        raise Invalid({**broken, **missing, **unknown})
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


def _is_text(value) -> bool:
    """False if a string in `value` holds a lone surrogate: JSON can write "\\ud800", but it is no
    character, and nothing downstream (UTF-8, DynamoDB, the password hash) can store it."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(_is_text(k) and _is_text(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_is_text(v) for v in value)
    return True


def query(request, *allowed: str) -> dict:
    params = dict(request.query_params or {})
    unknown = {field: N_("This field is not expected.") for field in params if field not in allowed}
    if unknown:
        raise Invalid(unknown)
    return params
