"""Registration, confirmation, password recovery and the person's own profile."""
import functools

from chalice import Blueprint

from ..config import settings

from ..services import captcha, profile, recovery, registration
from . import security
from .http import body, now, query, route

bp = Blueprint(__name__)

REGISTRATION_FIELDS = ("email", "email_confirmation", "password", "password_confirmation",
                       "secret_question_id", "secret_answer", "first_name", "last_name",
                       "language", "notification_format", "phone", "fax", "additional_info",
                       "organisation", "captcha_id", "captcha_answer")


@route(bp, "/accounts", methods=["POST"], status=202)
def register():
    data = body(bp.current_request, *REGISTRATION_FIELDS)
    moment = now()
    check_code = functools.partial(captcha.check, data.get("captcha_id"), data.get("captcha_answer"),
                                   moment) if settings.captcha_enabled else None
    registration.register(data, moment, check_code)
    return {"status": "new"}


@route(bp, "/accounts/confirm")
def confirmation_page():
    """What the page opened from the e-mail shows; only the POST below confirms."""
    params = query(bp.current_request, "token")
    return registration.peek(params.get("token", ""), now())


@route(bp, "/accounts/confirm", methods=["POST"])
def confirm():
    data = body(bp.current_request, "token", required=("token",))
    return {"status": registration.confirm(data["token"], now())}


@route(bp, "/accounts/confirm/resend", methods=["POST"], status=202)
def resend():
    data = body(bp.current_request, "email", required=("email",))
    registration.resend(data["email"], now())
    return {}


@route(bp, "/password/forgot", methods=["POST"], status=202)
def forgot():
    data = body(bp.current_request, "email", required=("email",))
    recovery.forgot(data["email"], now())
    return {}


@route(bp, "/password/change", methods=["POST"])
def change_password():
    request = bp.current_request
    current = security.current(request, allow_password_change=True)
    data = body(request, "current_password", "new_password", "new_password_confirmation",
                "secret_answer", "secret_question_id")
    recovery.change_password(current, data, now())
    return {"status": "changed"}


@route(bp, "/me")
def me():
    return profile.me(security.current(bp.current_request, allow_password_change=True))


@route(bp, "/me", methods=["PATCH"])
def update_me():
    request = bp.current_request
    current = security.current(request)
    return profile.update(current, body(request, *profile.EDITABLE, *profile.PREFERENCES), now())
