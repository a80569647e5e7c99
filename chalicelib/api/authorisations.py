"""Roles: ask for one, list mine, list those I may decide, decide."""
from chalice import Blueprint

from ..services import authorisations
from . import security
from .http import body, now, paged, query, route

bp = Blueprint(__name__)


@route(bp, "/authorisations", methods=["POST"], status=201)
def ask():
    request = bp.current_request
    current = security.current(request)
    data = body(request, *authorisations.REQUEST_FIELDS, required=("organisation_id",))
    return authorisations.request(current, data, now())


@route(bp, "/authorisations")
def mine():
    return authorisations.mine(security.current(bp.current_request))


@route(bp, "/authorisations/pending")
def pending():
    """Roles I may decide on: requested (default), or valid / suspended with ?status=; a page
    at a time, the next one in the Link header."""
    request = bp.current_request
    params = query(request, "status", "cursor")
    return paged(request, *authorisations.pending(security.current(request), params.get("status"),
                                                  params.get("cursor")))


def _load(authorisation_id: str):
    request = bp.current_request
    return authorisations.load(authorisation_id, lambda *ids: security.current(request, *ids),
                               security.account_id(request))


def _decision(action: str):
    def view(authorisation_id):
        current, found, person = _load(authorisation_id)
        data = body(bp.current_request, *(("reason",) if action in ("reject", "suspend") else ()))
        return authorisations.decide(current, found, person, action, data, now())

    view.__name__ = action
    route(bp, f"/authorisations/{{authorisation_id}}/{action}", methods=["POST"])(view)


for _action in ("validate", "reject", "suspend", "reinstate", "withdraw"):
    _decision(_action)


@route(bp, "/authorisations/{authorisation_id}/administrator", methods=["POST"])
def administrator(authorisation_id):
    current, found, person = _load(authorisation_id)
    data = body(bp.current_request, "administrator", required=())
    return authorisations.set_administrator(current, found, person, data.get("administrator"), now())
