"""The authority back office: user management in the caller's jurisdiction."""
from chalice import Blueprint, Response

from ..services import user_admin
from . import security
from .http import body, now, paged, query, route

bp = Blueprint(__name__)


@route(bp, "/authority/accounts")
def search():
    request = bp.current_request
    filters = query(request, *user_admin.SEARCH_FIELDS)
    return paged(request, *user_admin.search(security.current(request), filters))


def _with_target(account_id: str):
    return security.current(bp.current_request, account_id)


@route(bp, "/authority/accounts/{account_id}")
def open_account(account_id):
    return user_admin.details(user_admin.target(_with_target(account_id)))


@route(bp, "/authority/accounts/{account_id}", methods=["PATCH"])
def save(account_id):
    current = _with_target(account_id)
    return user_admin.save(current, body(bp.current_request, *user_admin.EDITABLE, "organisation"), now())


@route(bp, "/authority/accounts/{account_id}", methods=["DELETE"])
def delete(account_id):
    user_admin.delete(_with_target(account_id), now())
    return Response(body="", status_code=204)


@route(bp, "/authority/accounts/{account_id}/activate", methods=["POST"])
def activate(account_id):
    current = _with_target(account_id)
    body(bp.current_request)
    return {"status": user_admin.activate(current, now())}


@route(bp, "/authority/accounts/{account_id}/refuse", methods=["POST"])
def refuse(account_id):
    current = _with_target(account_id)
    data = body(bp.current_request, "reason")
    return {"status": user_admin.refuse(current, data.get("reason"), now())}


@route(bp, "/authority/accounts/{account_id}/reset-password", methods=["POST"], status=202)
def reset_password(account_id):
    current = _with_target(account_id)
    body(bp.current_request)
    user_admin.reset_password(current, now())
    return {}


@route(bp, "/authority/accounts/{account_id}/unlock", methods=["POST"])
def unlock(account_id):
    current = _with_target(account_id)
    body(bp.current_request)
    return {"status": user_admin.unlock(current, now())}
