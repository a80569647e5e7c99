"""Log in and out."""
from chalice import Blueprint, Response

from ..services import sessions
from . import security
from .http import body, lazy, now, route
from .schema import obj
from .shapes import ADDRESS, PASSWORD, TEXT

bp = Blueprint(__name__)
login = lazy("chalicelib.services.login")

SESSION = {"type": "object", "required": ["csrf_token", "must_change_password", "user"], "properties": {
    "csrf_token": {"type": "string", "description": "send it as X-CSRF-Token with every change"},
    "must_change_password": {"type": "boolean"},
    "user": {"type": "object", "required": ["id", "email"], "properties": {
        "id": TEXT, "email": TEXT, "first_name": TEXT, "last_name": TEXT, "language": TEXT,
        "roles": {"type": "object", "additionalProperties": TEXT}}}}}


@route(bp, "/session", methods=["POST"], body=obj({"email": ADDRESS, "password": PASSWORD},
                                                  required=["email", "password"]),
       returns=SESSION, errors=(401, 403))
def log_in():
    """Log in: sets the session cookie (HttpOnly, SameSite=Strict) and returns the CSRF token."""
    data = body(bp.current_request)
    cookie, session, account = login.log_in(data["email"], data["password"], now())
    return Response(body={
        "csrf_token": session.csrf_token,
        "must_change_password": session.must_change_password,
        "user": {"id": account.id, "email": account.email, "first_name": account.first_name,
                 "last_name": account.last_name, "language": account.language,
                 "roles": account.roles},
    }, status_code=200, headers=security.set_cookie(cookie))


@route(bp, "/session", methods=["DELETE"], status=204, login=True)
def log_out():
    """Log out: the session ends and the cookie is cleared."""
    sessions.end(security.current(bp.current_request, allow_password_change=True))
    return Response(body="", status_code=204, headers=security.clear_cookie())
