"""The organisation directory: search, create an operator, open, edit."""
from chalice import Blueprint

from ..services import organisations
from . import security
from .http import body, now, query, route

bp = Blueprint(__name__)


@route(bp, "/organisations")
def search():
    request = bp.current_request
    params = query(request, *organisations.SEARCH_FIELDS)
    security.current(request)
    return organisations.search(params)


@route(bp, "/organisations", methods=["POST"], status=201)
def create():
    request = bp.current_request
    current = security.current(request)
    data = body(request, *organisations.CREATE_FIELDS)
    return organisations.create(current, data, now())


@route(bp, "/organisations/{organisation_id}")
def open_organisation(organisation_id):
    current = security.current(bp.current_request)
    return organisations.details(organisations.get(organisation_id), current)


@route(bp, "/organisations/{organisation_id}", methods=["PATCH"])
def edit(organisation_id):
    request = bp.current_request
    current = security.current(request)
    organisation = organisations.get(organisation_id)
    data = body(request, *organisations.editable_fields(organisation.kind))
    return organisations.update(current, organisation, data, now())
