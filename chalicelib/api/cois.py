"""Certificates of inspection (SPEC 3.1): create, read, edit by boxes, act, list, history, PDF;
the commodities picker; the public verification by number."""
from chalice import Blueprint, Response

from .. import reference
from ..domain.errors import Invalid, N_
from . import security
from .http import body, language, lazy, now, query, route

bp = Blueprint(__name__)
certificates, stored_cois = lazy("chalicelib.services.certificates"), lazy("chalicelib.store.cois")


def _with_coi(coi_id: str):
    """The caller and the COI, read in one call (401 before anyone learns what exists)."""
    request = bp.current_request
    if not certificates.valid_id(coi_id):
        return security.current(request), None
    current = security.current(request, items=((stored_cois.Coi, coi_id),))
    return current, current.items[0]


@route(bp, "/cois", methods=["POST"], status=201)
def create_coi():
    """Create a draft COI (any subset of the boxes)."""
    request = bp.current_request
    current = security.current(request)
    return certificates.create(current, body(request, "boxes"), now())


@route(bp, "/cois")
def list_cois():
    """The COIs where my organisations are parties, newest first, paged."""
    request = bp.current_request
    params = query(request, *certificates.LIST_FIELDS)
    return certificates.search(security.current(request), params)


@route(bp, "/cois/{coi_id}")
def read_coi(coi_id):
    """A COI with what the caller may edit and do (`allowed`)."""
    return certificates.read(*_with_coi(coi_id))


@route(bp, "/cois/{coi_id}", methods=["PATCH"])
def edit_coi(coi_id):
    """Replace whole boxes of a COI, with the version read."""
    current, coi = _with_coi(coi_id)
    return certificates.update(current, coi, body(bp.current_request, "version", "boxes"), now())


def _action(action: str, fields: tuple):
    def view(coi_id):
        current, coi = _with_coi(coi_id)
        data = body(bp.current_request, "version", *fields)
        found, status = certificates.act(current, coi, action, data, now())
        return Response(body=found, status_code=status)

    view.__name__ = f"{action}_coi"
    view.__doc__ = f"{action.capitalize()} a COI."
    route(bp, f"/cois/{{coi_id}}/{action}", methods=["POST"])(view)


ACTION_FIELDS = {"submit": (), "issue": (), "verify": ("outcome", "reason"), "sign": (),
                 "replace": (), "extracts": ("lines", "box9", "box12"), "deplete": (),
                 "irregularity": ("description",), "delete": ()}
for _name, _fields in ACTION_FIELDS.items():
    _action(_name, _fields)


@route(bp, "/cois/{coi_id}/history")
def coi_history(coi_id):
    """Who changed what in a COI, and when."""
    request = bp.current_request
    params = query(request, "cursor")
    current, coi = _with_coi(coi_id)
    return certificates.history(current, coi, params)


@route(bp, "/cois/{coi_id}/pdf")
def coi_pdf(coi_id):
    """The COI as a printable PDF with the QR code of its public verification page."""
    current, coi = _with_coi(coi_id)
    document = certificates.pdf(current, coi, language(bp.current_request))
    return Response(body=document, status_code=200, headers={
        "Content-Type": "application/pdf",
        "Content-Disposition": f'inline; filename="{(coi.number or coi.id)}.pdf"'})


@route(bp, "/public/cois/{number}")
def verify_coi(number):
    """Public verification of a COI by its number: status and summary, nothing about persons."""
    request = bp.current_request
    identity = (request.context or {}).get("identity") or {}
    client = request.headers.get("cloudfront-viewer-address", "").rpartition(":")[0] \
        or identity.get("sourceIp") or "unknown"
    return certificates.public(number, client, now())


@route(bp, "/commodities")
def commodities():
    """CN codes whose code or name (fr/en) matches `q`."""
    request = bp.current_request
    params = query(request, "q")
    q = (params.get("q") or "").strip()
    if len(q) > 100:
        raise Invalid({"q": N_("This value is too long.")})
    return reference.commodities(q, language(request))
