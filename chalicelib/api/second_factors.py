"""My second factors (SPEC 1.9): the list, an authenticator app, passkeys, recovery codes and
their removal. Open to a person who must enrol before anything else."""
from chalice import Blueprint, Response

from ..domain.second_factor import METHODS
from . import security
from .http import body, lazy, now, route
from .schema import EMPTY, obj, string
from .session import CREDENTIAL, PASSKEY_OPTIONS
from .shapes import OPTIONAL_TEXT, TEXT

bp = Blueprint(__name__)
second_factor = lazy("chalicelib.services.second_factor")

FACTOR = {"type": "object", "required": ["id", "method", "created_at"], "properties": {
    "id": TEXT, "method": {"enum": list(METHODS)}, "name": TEXT, "created_at": TEXT,
    "last_used_at": OPTIONAL_TEXT, "remaining": {"type": "integer", "description": "recovery codes left"}}}
FACTORS = {"type": "object", "required": ["second_factors", "required"], "properties": {
    "second_factors": {"type": "array", "items": FACTOR},
    "required": {"type": "boolean", "description": "whether this person must keep one"}}}
NEW_TOTP = {"type": "object", "required": ["secret", "uri", "qr_svg"], "properties": {
    "secret": {"type": "string", "description": "base32, to type into the app"},
    "uri": {"type": "string", "description": "otpauth://totp/..."},
    "qr_svg": {"type": "string", "description": "the URI as a QR code (SVG)"}}}
FACTOR_NAME = string(60, format="line", nullable=True, description="a name the person gives it")
RECOVERY_CODES = {"type": "object", "required": ["codes"], "properties": {
    "codes": {"type": "array", "items": TEXT, "description": "shown this once"}}}


def _current():
    return security.current(bp.current_request, allow_enrolment=True)


@route(bp, "/me/second-factors", login=True, returns=FACTORS)
def list_factors():
    """My second factors (never a secret)."""
    return second_factor.listing(_current())


@route(bp, "/me/second-factors/totp", methods=["POST"], body=EMPTY, login=True, returns=NEW_TOTP)
def start_totp():
    """Start adding an authenticator app: its secret, otpauth:// URI and QR code."""
    current = _current()
    body(bp.current_request)
    return second_factor.start_totp(current, now())


@route(bp, "/me/second-factors/totp/confirm", methods=["POST"], login=True, errors=(409,), status=201,
       body=obj({"code": string(12, min_length=1), "name": FACTOR_NAME}, required=["code"]), returns=FACTOR)
def confirm_totp():
    """Confirm the authenticator app with a first code: it is then a second factor."""
    current = _current()
    data = body(bp.current_request)
    return second_factor.confirm_totp(current, data["code"], data.get("name"), now())


@route(bp, "/me/second-factors/passkeys/options", methods=["POST"], body=EMPTY, login=True,
       returns=PASSKEY_OPTIONS)
def passkey_options():
    """Start adding a passkey or security key: the options for navigator.credentials.create."""
    current = _current()
    body(bp.current_request)
    return second_factor.passkey_options(current, now())


@route(bp, "/me/second-factors/passkeys", methods=["POST"], login=True, errors=(401, 409), status=201,
       body=obj({"credential": CREDENTIAL, "name": string(60, min_length=1, format="line")},
                required=["credential", "name"]), returns=FACTOR)
def add_passkey():
    """Add the passkey the browser created."""
    current = _current()
    data = body(bp.current_request)
    return second_factor.add_passkey(current, data["credential"], data["name"], now())


@route(bp, "/me/recovery-codes", methods=["POST"], body=EMPTY, login=True, errors=(409,), status=201,
       returns=RECOVERY_CODES)
def new_recovery_codes():
    """10 new single-use recovery codes (they replace the previous ones)."""
    current = _current()
    body(bp.current_request)
    return second_factor.new_recovery_codes(current, now())


@route(bp, "/me/second-factors/{factor_id}", methods=["DELETE"], status=204, login=True, errors=(409,))
def remove(factor_id):
    """Remove a second factor (`recovery_codes`: the recovery codes)."""
    second_factor.remove(_current(), factor_id, now())
    return Response(body="", status_code=204)
