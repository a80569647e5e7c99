"""GET /api/openapi.json: the OpenAPI 3.1 description, built from the routes and their
declarations (api/http.py `route`, through which every view is registered), so that it cannot
drift from what the API checks: each operation's request schema is the one `http.body()` and
`http.query()` check requests against."""
import re

from chalice import Blueprint

from .http import route

bp = Blueprint(__name__)

ERROR = {
    "type": "object", "required": ["error"],
    "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {
            "code": {"type": "string", "description": "snake_case, stable: what to test for"},
            "message": {"type": "string", "description": "in the request's language"},
            "fields": {"type": "object", "additionalProperties": {"type": "string"},
                       "description": "field (dotted path: organisation.name, identifiers.0.value) "
                                      "-> what is wrong with it"},
            "candidates": {"type": "array", "items": {"type": "object"},
                           "description": "possible_duplicate: the organisations it may be"}}}},
}
ERRORS = {
    400: "Invalid input (`fields` says what is wrong with each field), or a request that is not JSON.",
    401: "Not logged in, or the session ended; or (POST /api/session) wrong credentials.",
    403: "Not allowed: not a party, CSRF token missing or wrong (csrf_failed), password to change first "
         "(password_change_required), account not valid yet (account_not_valid).",
    404: "Unknown, or not in the caller's reach.",
    409: "Wrong state, or stale version: someone changed it meanwhile; reload.",
    410: "Expired link.",
    413: "Body over 16 KiB.",
    415: "Body not sent as application/json.",
    429: "Too many requests.",
    503: "A backend fault (throttling, a timeout) outlasted the retries: nothing was changed; try "
         "again after Retry-After seconds (code `unavailable`).",
}
FORMATS = {
    "email": "an e-mail address: at most 64 characters before the @ and 254 in all",
    "password": "at least 10 characters with an upper-case letter, a digit and a special character; "
                "at most 128; not a well-known password, not containing the e-mail's local part",
    "phone": "digits with + ( ) . - / and spaces, 6 to 15 digits",
    "line": "one line of text, no control characters",
    "multiline": "text where line breaks are allowed, no other control characters",
    "postal-code": "letters, digits, spaces and hyphens (five digits in France)",
    "date": "YYYY-MM-DD",
    "country": "ISO 3166-1 alpha-2 code of GET /api/reference/countries",
    "secret-question": "id of a question of GET /api/reference/secret-questions",
    "time-zone": "IANA name of GET /api/reference/time-zones",
    "notifications": "only the digests listed may be turned off",
    "organisation-id": "id of an organisation of the directory (GET /api/organisations)",
    "cn-code": "8 digits of the Combined Nomenclature, spaces allowed (0804 10 00), as of GET /api/commodities",
    "weight": "a decimal string greater than 0 with at most 3 decimals (2400.5), never a number",
    "packages": "a whole number of packages, 1 to 10,000,000",
    "container": "ISO 6346: 4 letters and 7 digits with a right check digit (MSKU1234565)",
    "member-state": "ISO 3166-1 alpha-2 code of a member state of the European Union",
    "mrn": "a customs declaration's MRN: 2 digits of the year, 2 letters of the country, 13 letters or "
           "digits and an ISO 6346 check character (18 in all; spaces ignored)",
}
JSON = "application/json"
RETRY_AFTER = {"description": "seconds to wait before trying again", "schema": {"type": "integer"}}
STATE_CHANGING = ("post", "put", "patch", "delete")
CSRF = {"name": "X-CSRF-Token", "in": "header", "required": True, "schema": {"type": "string"},
        "description": "the csrf_token of POST /api/session (or GET /api/me)"}
IDEMPOTENCY = {"name": "Idempotency-Key", "in": "header", "required": False,
               "schema": {"type": "string", "maxLength": 64, "pattern": "^[ -~]{1,64}$"},
               "description": "the same key and body again within 24 hours give the first answer "
                              "without acting again; another body: 409 idempotency_key_reused"}
LANGUAGE = {"name": "Accept-Language", "in": "header", "required": False,
            "schema": {"type": "string", "examples": ["fr", "en"]},
            "description": "fr (default) or en: the language of messages"}


@route(bp, "/openapi.json", returns={"type": "object", "required": ["openapi", "paths"]})
def openapi_description():
    """This description of the API (OpenAPI 3.1)."""
    return describe(bp.current_app.routes)


def describe(routes: dict) -> dict:
    paths, names = {}, set()
    for path, methods in sorted(routes.items()):
        operations = {}
        for method, entry in sorted(methods.items()):
            found = _operation(path, method.lower(), entry.view_function.operation)
            while found["operationId"] in names:            # unique, whatever the views are named
                found["operationId"] += f"_{method.lower()}"
            names.add(found["operationId"])
            operations[method.lower()] = found
        paths[path] = operations
    return {
        "openapi": "3.1.0",
        "info": {"title": "traces API", "version": "1", "description": (
            "Person accounts, organisations and roles, and certificates of inspection of traces. "
            "JSON over HTTPS. Errors: {error: {code, message, fields}}; language by "
            "Accept-Language (fr by default). POST /api/session sets the session cookie and returns "
            "a csrf_token: every state-changing request made with the cookie carries it in "
            "X-CSRF-Token. Unknown JSON fields are refused (400).\n\nFormats beyond JSON Schema's: "
            + "; ".join(f"`{name}`: {text}" for name, text in FORMATS.items()) + ".")},
        "paths": paths,
        "components": {
            "schemas": {"Error": ERROR},
            "responses": {str(status): {"description": text, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Error"}}}, **(
                {"headers": {"Retry-After": RETRY_AFTER}} if status == 503 else {})}
                for status, text in ERRORS.items()},
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "traces_session",
                                            "description": "set by POST /api/session"},
                                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "trc_...",
                                           "description": "an organisation's API key (POST "
                                           "/api/organisations/{id}/api-keys): no cookie, no CSRF token"}},
        },
    }


def _operation(path: str, method: str, declared) -> dict:  # noqa: C901 - one branch per part of an operation (body, query, security, idempotency, answers)
    path_names = re.findall(r"{(\w+)}", path)
    parameters = [{"name": name, "in": "path", "required": True,
                   "schema": {"type": "string", "minLength": 1}} for name in path_names]
    found = {"operationId": declared.name, "summary": declared.summary,
             "tags": [path.split("/")[2] if path.count("/") > 1 else "api"]}
    changes = method in STATE_CHANGING
    query = declared.query or {}
    wanted = set(query.get("required", ()))
    parameters += [{"name": name, "in": "query", "required": name in wanted, "schema": schema}
                   for name, schema in query.get("properties", {}).items()]
    if declared.login and changes:
        parameters.append({**CSRF, "required": not declared.machines} if declared.machines else CSRF)
    if method == "post":
        parameters.append(IDEMPOTENCY)
    found["parameters"] = parameters + [LANGUAGE]
    if declared.body is not None:
        found["requestBody"] = {"required": bool(declared.body.get("required")) or declared.accepts != JSON,
                                "content": {declared.accepts: {"schema": declared.body}}}
    if declared.login:
        found["security"] = [{"session": []}, {"bearer": []}] if declared.machines else [{"session": []}]
    success = {"description": "success"}
    if declared.returns is not None and declared.status != 204:
        success["content"] = {declared.media: {"schema": declared.returns}}
    statuses = set(declared.errors)
    if declared.body is not None or declared.query is not None or path_names:
        statuses.add(400)
    if declared.body is not None:
        statuses |= {413, 415}
    if declared.login:
        statuses |= {401, 403}
    if declared.machines:
        statuses.add(429)
    if method == "post":
        statuses |= {400, 409}
    if path_names:
        statuses.add(404)
    statuses.add(503)       # any operation may meet a backend fault
    found["responses"] = {str(declared.status): success,
                          **{str(status): _error(str(status)) for status in sorted(statuses)}}
    if declared.limit:
        found["responses"]["413"] = _error("413", f"Body over {declared.limit // 1024} KiB.")
    if declared.accepts != JSON:
        found["responses"]["415"] = _error("415", f"Body not sent as {declared.accepts}.")
    return found


def _error(status: str, description: str | None = None) -> dict:
    reference = {"$ref": f"#/components/responses/{status}"}
    return {**reference, "description": description} if description else reference
