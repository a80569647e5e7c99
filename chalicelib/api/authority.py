"""The authority back office: user management in the caller's jurisdiction."""
from chalice import Blueprint, Response

from ..domain.accounts import STATUSES
from . import security
from .http import body, lazy, now, paged, query, route
from .schema import EMPTY, choice, obj, string
from .shapes import (INFORMATION, LANGUAGE, MAIL_SUPPRESSED, NAME, NOTHING, NOTIFICATION_FORMAT, OPTIONAL_TEXT,
                     PHONE, POSTAL_CODE, REASON, STATUS, TEXT, listing)

bp = Blueprint(__name__)
user_admin = lazy("chalicelib.services.user_admin")

SEARCH = obj({"status": choice(*STATUSES, ""), **{field: string(100) for field in
                                                 ("email", "name", "postal_code", "organisation")},
              "cursor": string(600, description="the next page's, from the Link header")})
SUMMARY_FIELDS = {"id": TEXT, "email": TEXT, "first_name": TEXT, "last_name": TEXT, "country": TEXT,
                  "postal_code": TEXT, "city": TEXT, "organisation": TEXT, "status": TEXT,
                  "locked": {"type": "boolean"}, "created_at": TEXT}
SUMMARY = {"type": "object", "required": ["id", "email", "status"], "properties": SUMMARY_FIELDS}
DETAILS = {"type": "object", "required": ["id", "email", "status"], "properties": {
    **SUMMARY_FIELDS, "locked_reason": OPTIONAL_TEXT, "mail_suppressed": MAIL_SUPPRESSED, "language": TEXT,
    "notification_format": TEXT,
    "phone": OPTIONAL_TEXT, "fax": OPTIONAL_TEXT, "additional_info": OPTIONAL_TEXT,
    "organisation_id": TEXT, "authority_id": TEXT, "confirmed_at": OPTIONAL_TEXT,
    "validated_at": OPTIONAL_TEXT, "last_login_at": OPTIONAL_TEXT, "secret_question_id": {"type": "integer"},
    "second_factors": {"type": "array", "items": TEXT, "description": "the methods enrolled (totp, passkey)"}}}
CHANGES = obj({
    "first_name": NAME, "last_name": NAME, "phone": PHONE, "fax": PHONE, "language": LANGUAGE,
    "notification_format": NOTIFICATION_FORMAT, "additional_info": INFORMATION,
    "organisation": obj({"name": string(200, min_length=1, format="line"),
                         "address": string(200, min_length=1, format="line"), "postal_code": POSTAL_CODE,
                         "city": string(200, min_length=1, format="line")},
                        description="of an organisation still waiting for its validation"),
})


@route(bp, "/authority/accounts", query=SEARCH, login=True, returns=listing(SUMMARY))
def search():
    """Accounts of my jurisdiction, by status and words of their e-mail, name, postal code or
    organisation."""
    request = bp.current_request
    filters = query(request)
    return paged(request, *user_admin.search(security.current(request), filters))


def _with_target(account_id: str):
    return security.current(bp.current_request, account_id)


@route(bp, "/authority/accounts/{account_id}", login=True, returns=DETAILS)
def open_account(account_id):
    """An account of my jurisdiction."""
    return user_admin.details(user_admin.target(_with_target(account_id)))


@route(bp, "/authority/accounts/{account_id}", methods=["PATCH"], body=CHANGES, login=True,
       errors=(409,), returns=DETAILS)
def save(account_id):
    """Save the personal details of an account (and of its organisation while it waits)."""
    current = _with_target(account_id)
    return user_admin.save(current, body(bp.current_request), now())


@route(bp, "/authority/accounts/{account_id}", methods=["DELETE"], status=204, login=True, errors=(409,))
def delete(account_id):
    """Delete an account (its address stays reserved)."""
    user_admin.delete(_with_target(account_id), now())
    return Response(body="", status_code=204)


@route(bp, "/authority/accounts/{account_id}/activate", methods=["POST"], body=EMPTY, login=True,
       errors=(409,), returns=STATUS)
def activate(account_id):
    """Activate a confirmed account (confirmed -> valid)."""
    current = _with_target(account_id)
    body(bp.current_request)
    return {"status": user_admin.activate(current, now())}


@route(bp, "/authority/accounts/{account_id}/refuse", methods=["POST"], login=True, errors=(409,),
       body=obj({"reason": REASON}, required=["reason"]), returns=STATUS)
def refuse(account_id):
    """Refuse a confirmed account, saying why."""
    current = _with_target(account_id)
    data = body(bp.current_request)
    return {"status": user_admin.refuse(current, data.get("reason"), now())}


@route(bp, "/authority/accounts/{account_id}/reset-password", methods=["POST"], status=202, body=EMPTY,
       login=True, errors=(409,), returns=NOTHING)
def reset_password(account_id):
    """E-mail a temporary password to the person."""
    current = _with_target(account_id)
    body(bp.current_request)
    user_admin.reset_password(current, now())
    return {}


@route(bp, "/authority/accounts/{account_id}/reset-second-factor", methods=["POST"], body=EMPTY, login=True,
       errors=(409,), returns=STATUS)
def reset_second_factor(account_id):
    """Remove every second factor of a person (who enrols again at the next login)."""
    current = _with_target(account_id)
    body(bp.current_request)
    return {"status": user_admin.reset_second_factor(current, now())}


@route(bp, "/authority/accounts/{account_id}/unlock", methods=["POST"], body=EMPTY, login=True,
       errors=(409,), returns=STATUS)
def unlock(account_id):
    """Unlock a locked account."""
    current = _with_target(account_id)
    body(bp.current_request)
    return {"status": user_admin.unlock(current, now())}
