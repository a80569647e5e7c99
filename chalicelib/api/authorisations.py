"""Roles: ask for one, list mine, list those I may decide, decide."""
from chalice import Blueprint

from . import security
from .http import body, lazy, now, paged, query, route
from .schema import EMPTY, boolean, choice, obj, string
from .shapes import DECISION, ID, OPTIONAL_EMAIL, OPTIONAL_TEXT, PHONE, REASON, TEXT, listing

bp = Blueprint(__name__)
authorisations = lazy("chalicelib.services.authorisations")

ROLE = {"type": "object", "required": ["id", "organisation_id", "status"], "properties": {
    "id": TEXT, "organisation_id": TEXT, "organisation_name": OPTIONAL_TEXT,
    "organisation_kind": OPTIONAL_TEXT, "city": OPTIONAL_TEXT, "postal_code": OPTIONAL_TEXT,
    "country": OPTIONAL_TEXT, "role_kind": OPTIONAL_TEXT, "status": TEXT,
    "administrator": {"type": "boolean"}, "message": OPTIONAL_TEXT, "email": OPTIONAL_TEXT,
    "phone": OPTIONAL_TEXT, "created_at": OPTIONAL_TEXT, "decided_at": OPTIONAL_TEXT,
    "reason": OPTIONAL_TEXT, "account_id": OPTIONAL_TEXT, "requester_name": OPTIONAL_TEXT,
    "requester_email": OPTIONAL_TEXT}}
WITH_REASON = obj({"reason": REASON})


@route(bp, "/authorisations", methods=["POST"], status=201, login=True, errors=(404, 409),
       body=obj({"organisation_id": ID, "message": REASON, "email": OPTIONAL_EMAIL, "phone": PHONE},
                required=["organisation_id"]),
       returns={"type": "object", "required": ["id", "status"], "properties": {"id": TEXT, "status": TEXT}})
def ask():
    """Ask for a role in an organisation of the directory."""
    request = bp.current_request
    current = security.current(request)
    return authorisations.request(current, body(request), now())


@route(bp, "/authorisations", login=True,
       returns={"type": "object", "required": ["items", "counts"],
                "properties": {"items": listing(ROLE), "counts": {"type": "object"}}})
def mine():
    """My roles and requests."""
    return authorisations.mine(security.current(bp.current_request))


@route(bp, "/authorisations/pending", login=True, returns=listing(ROLE),
       query=obj({"status": choice("requested", "valid", "suspended", ""),
                  "cursor": string(600, description="the next page's, from the Link header")}))
def pending():
    """Roles I may decide on: requested (default), or valid / suspended with ?status=; a page
    at a time, the next one in the Link header."""
    request = bp.current_request
    params = query(request)
    return paged(request, *authorisations.pending(security.current(request), params.get("status"),
                                                  params.get("cursor")))


def _load(authorisation_id: str):
    request = bp.current_request
    return authorisations.load(authorisation_id, lambda *ids: security.current(request, *ids),
                               security.account_id(request))


def _decision(action: str, summary: str):
    def view(authorisation_id):
        current, found, person = _load(authorisation_id)
        data = body(bp.current_request)
        return authorisations.decide(current, found, person, action, data, now())

    view.__name__, view.__doc__ = action, summary
    route(bp, f"/authorisations/{{authorisation_id}}/{action}", methods=["POST"], login=True,
          errors=(409,), returns=DECISION,
          body=WITH_REASON if action in ("reject", "suspend") else EMPTY)(view)


for _action, _summary in (("validate", "Validate a role request."), ("reject", "Reject a role request."),
                          ("suspend", "Suspend a valid role."), ("reinstate", "Reinstate a suspended role."),
                          ("withdraw", "Withdraw my own request.")):
    _decision(_action, _summary)


@route(bp, "/authorisations/{authorisation_id}/administrator", methods=["POST"], login=True,
       errors=(409,), returns=DECISION, body=obj({"administrator": boolean()}, required=["administrator"]))
def administrator(authorisation_id):
    """Grant or remove the administrator flag of a valid role."""
    current, found, person = _load(authorisation_id)
    data = body(bp.current_request)
    return authorisations.set_administrator(current, found, person, data.get("administrator"), now())
