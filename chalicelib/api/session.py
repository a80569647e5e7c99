"""Log in and out."""
from chalice import Blueprint, Response

from ..services import login, sessions
from . import security
from .http import body, now, route

bp = Blueprint(__name__)


@route(bp, "/session", methods=["POST"])
def log_in():
    data = body(bp.current_request, "email", "password", required=("email", "password"))
    cookie, session, account = login.log_in(data["email"], data["password"], now())
    return Response(body={
        "csrf_token": session.csrf_token,
        "must_change_password": session.must_change_password,
        "user": {"id": account.id, "email": account.email, "first_name": account.first_name,
                 "last_name": account.last_name, "language": account.language,
                 "roles": account.roles},
    }, status_code=200, headers=security.set_cookie(cookie))


@route(bp, "/session", methods=["DELETE"])
def log_out():
    sessions.end(security.current(bp.current_request, allow_password_change=True))
    return Response(body="", status_code=204, headers=security.clear_cookie())
