"""Registration, confirmation, password recovery and the person's own profile."""
import functools

from chalice import Blueprint

from ..config import settings
from ..domain.preferences import OPTIONAL_NOTIFICATIONS
from . import security
from .http import body, lazy, now, query, route
from .schema import choice, obj, one_of, string
from .shapes import (ADDRESS, CONFIRMATION, COUNTRY, EMAIL, ID, INFORMATION, LANGUAGE, MAIL_SUPPRESSED, NAME,
                     NEW_PASSWORD, NOTHING, NOTIFICATION_FORMAT, OPTIONAL_TEXT, PASSWORD, PHONE, POSTAL_CODE,
                     SECRET_ANSWER, SECRET_QUESTION, STATUS, TEXT)

bp = Blueprint(__name__)
captcha, profile, recovery, registration = (
    lazy(f"chalicelib.services.{name}") for name in ("captcha", "profile", "recovery", "registration"))

TOKEN = string(100, min_length=1, description="the `token=` of the link in the e-mail")
NEW_ORGANISATION = obj({"name": string(200, min_length=1, format="line"),
                        "address": string(200, min_length=1, format="line"), "postal_code": POSTAL_CODE,
                        "city": string(200, min_length=1, format="line"), "country": COUNTRY},
                       required=["name", "address", "postal_code", "city", "country"])
REGISTRATION = obj({
    "email": EMAIL, "email_confirmation": EMAIL,
    "password": NEW_PASSWORD, "password_confirmation": CONFIRMATION,
    "secret_question_id": SECRET_QUESTION, "secret_answer": SECRET_ANSWER,
    "first_name": NAME, "last_name": NAME,
    "language": choice("fr", "en", "", nullable=True, description="default fr"),
    "notification_format": choice("html", "text", "", nullable=True, description="default html"),
    "phone": PHONE, "fax": PHONE, "additional_info": INFORMATION,
    "organisation": one_of(obj({"id": ID}, required=["id"]), NEW_ORGANISATION,
                           description="an operator of the directory, or a new one"),
    "captcha_id": string(100, nullable=True, description="from GET /api/captcha (when the stage checks it)"),
    "captcha_answer": string(100, nullable=True),
}, required=["email", "email_confirmation", "password", "password_confirmation", "secret_question_id",
             "secret_answer", "first_name", "last_name", "organisation"])
PROFILE = {"type": "object", "required": ["id", "email", "status", "csrf_token"], "properties": {
    "id": TEXT, "email": TEXT, "status": TEXT, "first_name": TEXT, "last_name": TEXT,
    "language": TEXT, "notification_format": TEXT, "phone": OPTIONAL_TEXT, "fax": OPTIONAL_TEXT,
    "additional_info": OPTIONAL_TEXT, "organisation": {"type": "object"}, "role_kind": OPTIONAL_TEXT,
    "secret_question_id": {"type": "integer"}, "must_change_password": {"type": "boolean"},
    "must_enrol_second_factor": {"type": "boolean"}, "may_choose_secret_question": {"type": "boolean"},
    "authorisations": {"type": "array"},
    "authorisation_counts": {"type": "object"}, "time_zone": TEXT, "notifications": {"type": "object"},
    "csrf_token": TEXT, "mail_suppressed": MAIL_SUPPRESSED}}
PROFILE_CHANGES = obj({
    "first_name": NAME, "last_name": NAME, "phone": PHONE, "fax": PHONE, "language": LANGUAGE,
    "notification_format": NOTIFICATION_FORMAT, "additional_info": INFORMATION,
    "time_zone": string(64, format="time-zone", description="an IANA name of GET /api/reference/time-zones"),
    "notifications": {**obj({kind: {"type": "boolean"} for kind in OPTIONAL_NOTIFICATIONS}),
                      "format": "notifications", "description": "the digests to receive"},
})


def _code_check(data: dict):
    """The anti-automation check of this request, when the stage has it on."""
    if not settings.captcha_enabled:
        return None
    return functools.partial(captcha.check, data.get("captcha_id"), data.get("captcha_answer"), now())


def _whole_form(data: dict) -> None:
    """When the schema refuses the body: the domain's problems and the code's, in one answer."""
    registration.check_form(data, now(), _code_check(data))


@route(bp, "/accounts", methods=["POST"], status=202, body=REGISTRATION, returns=STATUS,
       form=_whole_form)
def register():
    """Register (SPEC 1.1): the same answer whether or not the e-mail was known."""
    data = body(bp.current_request)
    registration.register(data, now(), _code_check(data))
    return {"status": "new"}


@route(bp, "/accounts/confirm", query=obj({"token": TOKEN}, required=["token"]), errors=(404, 410),
       returns={"type": "object", "properties": {"email": TEXT, "first_name": TEXT, "last_name": TEXT,
                                                  "status": TEXT}})
def confirmation_page():
    """What the page opened from the e-mail shows; only the POST below confirms."""
    params = query(bp.current_request)
    return registration.peek(params.get("token", ""), now())


@route(bp, "/accounts/confirm", methods=["POST"], body=obj({"token": TOKEN}, required=["token"]),
       returns=STATUS, errors=(404, 410))
def confirm():
    """Confirm a registration with the token of its link (new -> confirmed, once)."""
    data = body(bp.current_request)
    return {"status": registration.confirm(data["token"], now())}


@route(bp, "/accounts/confirm/resend", methods=["POST"], status=202,
       body=obj({"email": ADDRESS}, required=["email"]), returns=NOTHING)
def resend():
    """A new confirmation link (same answer for any address)."""
    data = body(bp.current_request)
    registration.resend(data["email"], now())
    return {}


@route(bp, "/password/forgot", methods=["POST"], status=202,
       body=obj({"email": ADDRESS}, required=["email"]), returns=NOTHING)
def forgot():
    """A temporary password by e-mail (same answer for any address)."""
    data = body(bp.current_request)
    recovery.forgot(data["email"], now())
    return {}


@route(bp, "/password/change", methods=["POST"], login=True, errors=(409,), returns=STATUS,
       body=obj({"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                 "new_password_confirmation": CONFIRMATION,
                 "secret_answer": string(100, min_length=1),
                 "secret_question_id": {**SECRET_QUESTION, "type": ["integer", "string", "null"],
                                        "description": "a new question, after an authority's reset"}},
                required=["new_password", "new_password_confirmation", "secret_answer"]))
def change_password():
    """Change one's password (forced after a temporary one: no current password then)."""
    request = bp.current_request
    current = security.current(request, allow_password_change=True)
    recovery.change_password(current, body(request), now())
    return {"status": "changed"}


@route(bp, "/me", login=True, returns=PROFILE)
def me():
    """My profile, authorisations and CSRF token."""
    return profile.me(security.current(bp.current_request, allow_password_change=True))


@route(bp, "/me", methods=["PATCH"], body=PROFILE_CHANGES, login=True, errors=(409,), returns=PROFILE)
def update_me():
    """Change my personal details and preferences."""
    request = bp.current_request
    current = security.current(request)
    return profile.update(current, body(request), now())
