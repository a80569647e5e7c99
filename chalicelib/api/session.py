"""Log in and out, with the second step of SPEC 1.9."""
from chalice import Blueprint, Response

from ..config import settings
from ..domain.second_factor import METHODS, PENDING_LOGIN
from ..services import sessions
from . import security
from .http import body, lazy, now, route
from .schema import EMPTY, choice, obj, one_of, string
from .shapes import ADDRESS, NOTHING, PASSWORD, TEXT

bp = Blueprint(__name__)
login = lazy("chalicelib.services.login")
second_step = lazy("chalicelib.services.second_step")
second_factor = lazy("chalicelib.services.second_factor")

PENDING_COOKIE = "traces_pending"

SESSION = {"type": "object", "required": ["csrf_token", "must_change_password", "user"], "properties": {
    "csrf_token": {"type": "string", "description": "send it as X-CSRF-Token with every change"},
    "must_change_password": {"type": "boolean"},
    "must_enrol_second_factor": {"type": "boolean",
                                 "description": "only enrolment is open until a second factor is added"},
    "user": {"type": "object", "required": ["id", "email"], "properties": {
        "id": TEXT, "email": TEXT, "first_name": TEXT, "last_name": TEXT, "language": TEXT,
        "roles": {"type": "object", "additionalProperties": TEXT}}}}}
PASSKEY_OPTIONS = {"type": "object", "description": "PublicKeyCredentialRequestOptions, binary values in base64url"}
PENDING = {"type": "object", "required": ["second_factor"], "properties": {
    "second_factor": {"type": "array", "items": choice(*METHODS),
                      "description": "the methods the second step accepts (a pending cookie is set)"},
    "passkey_options": {"type": ["object", "null"], **{k: v for k, v in PASSKEY_OPTIONS.items() if k != "type"}}}}
# What navigator.credentials.get / create answers, as JSON (binary values in base64url).
CREDENTIAL = obj({"id": string(1400, min_length=1), "rawId": string(1400), "type": choice("public-key"),
                  "response": obj({}, closed=False), "authenticatorAttachment": string(40, nullable=True),
                  "clientExtensionResults": obj({}, closed=False)},
                 required=["id", "type", "response"], closed=False,
                 description="a PublicKeyCredential as JSON (binary values in base64url)")
CODE = string(64, min_length=1, description="6 digits of the authenticator app, or a recovery code")
SECOND_STEP = obj({"method": choice(*METHODS), "code": CODE, "credential": CREDENTIAL},
                  required=["method"])


def _opened(opened) -> Response:
    cookie, session, account = opened
    return Response(body={
        "csrf_token": session.csrf_token,
        "must_change_password": session.must_change_password,
        "must_enrol_second_factor": bool(session.must_enrol),
        "user": {"id": account.id, "email": account.email, "first_name": account.first_name,
                 "last_name": account.last_name, "language": account.language,
                 "roles": account.roles},
    }, status_code=200, headers=security.set_cookie(cookie))


def _pending_cookie(value: str, max_age: int) -> str:
    parts = [f"{PENDING_COOKIE}={value}", "Path=/api/session", "HttpOnly", "SameSite=Strict", f"Max-Age={max_age}"]
    return "; ".join(parts + (["Secure"] if settings.secure_cookies else []))


def _pending(pending) -> Response:
    seconds = int(PENDING_LOGIN.total_seconds())
    return Response(body={"second_factor": pending.methods, "passkey_options": pending.passkey_options},
                    status_code=200, headers={"Set-Cookie": _pending_cookie(pending.cookie, seconds)})


def _pending_value(request) -> str | None:
    return security.cookie_named(request, PENDING_COOKIE)


@route(bp, "/session", methods=["POST"], body=obj({"email": ADDRESS, "password": PASSWORD},
                                                  required=["email", "password"]),
       returns=one_of(SESSION, PENDING), errors=(401, 403))
def log_in():
    """Log in: sets the session cookie (HttpOnly, SameSite=Strict) and returns the CSRF token; for
    a person with a second factor, sets a pending cookie (5 minutes) and names the second step's
    methods instead."""
    data = body(bp.current_request)
    outcome = login.log_in(data["email"], data["password"], now())
    if isinstance(outcome, second_step.Pending):
        return _pending(outcome)
    return _opened(outcome)


@route(bp, "/session/second-factor", methods=["POST"], body=SECOND_STEP, returns=SESSION,
       errors=(401, 409, 410))
def second_factor_step():
    """The second step of a login: a code of the authenticator app, a passkey, or a recovery code.
    Wrong codes count toward the lock of the account."""
    request = bp.current_request
    return _opened(second_step.complete(_pending_value(request), body(request), now()))


@route(bp, "/session/passkey/options", methods=["POST"], body=EMPTY, returns=PENDING)
def passkey_sign_in_options():
    """Start a sign-in with a passkey alone: the options for navigator.credentials.get."""
    body(bp.current_request)
    return _pending(second_step.passkey_options(now()))


@route(bp, "/session/passkey", methods=["POST"], body=obj({"credential": CREDENTIAL}, required=["credential"]),
       returns=SESSION, errors=(401, 410))
def passkey_sign_in():
    """Sign in with a passkey alone (with user verification: two factors in one)."""
    request = bp.current_request
    return _opened(second_step.sign_in_with_passkey(_pending_value(request), body(request)["credential"], now()))


@route(bp, "/session/proof", methods=["POST"], body=obj({"password": PASSWORD}, required=["password"]),
       login=True, returns=NOTHING)
def prove():
    """Confirm my password: for 5 minutes, the session may add or remove second factors."""
    request = bp.current_request
    current = security.current(request, allow_enrolment=True)
    second_factor.prove(current, body(request)["password"], now())
    return {}


@route(bp, "/session", methods=["DELETE"], status=204, login=True)
def log_out():
    """Log out: the session ends and the cookie is cleared."""
    sessions.end(security.current(bp.current_request, allow_password_change=True))
    return Response(body="", status_code=204, headers=security.clear_cookie())
