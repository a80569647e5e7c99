"""The organisation directory: search, create an operator, open, edit."""
from chalice import Blueprint

from ..domain.errors import Invalid
from ..domain.vocabulary import KINDS
from . import security
from .http import body, lazy, now, query, route
from .schema import NOT_EXPECTED, boolean, choice, integer, obj, or_null, string
from .shapes import (AUTHORITY_FIELDS, CONTROL_BODY_FIELDS, COUNTRY, CURSOR, OPERATOR_FIELDS,
                     OPTIONAL_EMAIL, ORGANISATION, ORGANISATION_FIELDS, ORGANISATION_SUMMARY, PHONE,
                     REASON, page)

bp = Blueprint(__name__)
organisations = lazy("chalicelib.services.organisations")

SEARCH = obj({"country": COUNTRY, "kind": choice(*KINDS, ""), "section": string(40),
              "activity": string(60), "q": string(100, description="words of the name or a code"),
              "cursor": CURSOR}, required=["country"])
REQUEST = obj({"message": REASON, "email": OPTIONAL_EMAIL, "phone": PHONE})
NEW_OPERATOR = obj({**ORGANISATION_FIELDS, **OPERATOR_FIELDS,
                    "request": {**REQUEST, "type": ["object", "null"],
                                "description": "also ask for a role in it (SPEC 2.2)"},
                    "confirm_duplicate": boolean()},
                   required=["name", "country", "city", "postal_code", "address", "contacts"])
# What an edit may send, whatever the kind (the view refuses what the organisation's kind does
# not have): null clears a field.
EDITS = obj({**{name: or_null(field) for name, field in {
    **ORGANISATION_FIELDS, **OPERATOR_FIELDS, **CONTROL_BODY_FIELDS, **AUTHORITY_FIELDS}.items()
    if name != "code"}, "version": integer(0)}, required=["version"])


@route(bp, "/organisations", query=SEARCH, login=True, machines=True, returns=page(ORGANISATION_SUMMARY))
def search():
    """The directory: organisations of a country, by kind, section, activity and words."""
    request = bp.current_request
    params = query(request)
    security.current(request)
    return organisations.search(params)


@route(bp, "/organisations", methods=["POST"], status=201, body=NEW_OPERATOR, login=True,
       errors=(409,), returns=ORGANISATION, form=lambda data: organisations.check_new(data))
def create():
    """Create an operator (status requested), optionally with my role request in it; a similar
    name in the same city answers 409 possible_duplicate until confirm_duplicate is true."""
    request = bp.current_request
    current = security.current(request)
    return organisations.create(current, body(request), now())


@route(bp, "/organisations/{organisation_id}", login=True, machines=True, returns=ORGANISATION)
def open_organisation(organisation_id):
    """An organisation of the directory."""
    current = security.current(bp.current_request)
    return organisations.details(organisations.get(organisation_id), current)


@route(bp, "/organisations/{organisation_id}", methods=["PATCH"], body=EDITS, login=True,
       errors=(409,), returns=ORGANISATION)
def edit(organisation_id):
    """Edit an organisation (its administrators and validators), with the version read."""
    request = bp.current_request
    current = security.current(request)
    organisation = organisations.get(organisation_id)
    data = body(request, form=lambda sent: organisations.check_changes(organisation, sent))
    unknown = set(data) - set(organisations.editable_fields(organisation.kind))
    if unknown:
        raise Invalid({field: NOT_EXPECTED for field in sorted(unknown)})
    return organisations.update(current, organisation, data, now())
