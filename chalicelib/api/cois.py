"""Certificates of inspection (SPEC 3.1): create, read, edit by boxes, act, list, history, PDF;
the commodities picker; the public verification by number."""
from chalice import Blueprint, Response

from .. import reference
from ..domain import coi_table as table
from ..domain import languages
from ..domain import vocabulary as words
from . import origin, security
from .http import body, language, lazy, now, query, route
from .schema import array, boolean, choice, integer, mapping, obj, or_null, string
from .shapes import CURSOR, OPTIONAL_TEXT, TEXT, TEXTS

bp = Blueprint(__name__)
certificates = lazy("chalicelib.services.certificates")

# --- the boxes (SPEC 3.1), from the domain's box table ----------------------------------------
# kind of field -> the format that checks it with the domain's rule (domain/coi_values.py)
FORMATS = {table.ORGANISATION: "organisation-id", table.TEXT: "line", table.COUNTRY: "country",
           table.MEMBER_STATE: "member-state", table.WEIGHT: "weight", table.CN_CODE: "cn-code",
           table.CONTAINER: "container", table.DATE: "date"}


def _field(field: table.Field) -> dict:
    """The schema of one field of the box table."""
    if field.kind == table.BOOLEAN:
        return boolean()
    if field.kind == table.COUNT:
        return {**integer(1, field.limit, nullable=True), "format": "packages"}
    if field.kind == table.CHOICE:
        return choice(*field.choices, nullable=True,
                      description=f"default {field.default}" if field.default else None)
    if field.kind == table.COUNTRIES:
        return array(string(2, format="country"), max_items=field.limit, nullable=True)
    return string(field.limit, format=FORMATS[field.kind], nullable=True)


def _box(box: table.Box) -> dict:
    """A box of fields: those left out keep their empty value; null empties the box. A box of
    lines: a list of them."""
    fields = {f.name: _field(f) for f in box.fields}
    if box.lines:
        return {**array(obj(fields), max_items=box.lines, nullable=True), "description": box.description}
    return obj(fields, nullable=True, description=box.description)


PACKAGES = _field(table.BY_NAME["box13"].field("packages"))
BOXES = obj({box.name: _box(box) for box in table.WRITTEN},
            description="the boxes to write, each whole; boxes 2, 5, 10 and the signatures (18, 20, 21) "
                        "are the system's")
VERSION = integer(1, description="the `version` of the COI as read")
NEW_COI = obj({"boxes": or_null(BOXES)})
EDITS = obj({"version": VERSION, "boxes": BOXES}, required=["version", "boxes"])
JUST_VERSION = obj({"version": VERSION}, required=["version"])
LINES = array(obj({"line": integer(0, description="index of the line in box 13"),
                   "packages": PACKAGES,
                   "net_weight": string(20, min_length=1, format="weight")},
                  required=["line", "net_weight"]), max_items=words.MAX_LINES)
ACTIONS = {   # action -> (what it does, its body, the success status); SPEC 3 says who may
    "submit": ("Submit a draft for certification (draft -> new).", JUST_VERSION, 200),
    "issue": ("Issue a COI: its issuer signs box 18 (draft or new -> issued).", JUST_VERSION, 200),
    "verify": ("Verify the consignment: the authority signs box 20 with its outcome.",
               obj({"version": VERSION, "outcome": choice(*words.VERIFY_OUTCOMES),
                    "reason": string(1000, format="multiline", nullable=True,
                                     description="needed when not released as organic")},
                   required=["version", "outcome"]), 200),
    "sign": ("Sign the first consignee's declaration, box 21 (checked -> signed).", JUST_VERSION, 200),
    "replace": ("Replace an issued COI by a new draft linked both ways.", JUST_VERSION, 201),
    "extracts": ("Split a base for extracts: a new extract for part of its lines.",
                 obj({"version": VERSION, "lines": LINES, "box9": BOXES["properties"]["box9"],
                      "box12": BOXES["properties"]["box12"]}, required=["version", "lines"]), 201),
    "deplete": ("Close a base for extracts: nothing more is taken from it.", JUST_VERSION, 200),
    "irregularity": ("Report an irregularity (OFIS) with its description.",
                     obj({"version": VERSION, "description": string(2000, min_length=1, format="multiline")},
                         required=["version", "description"]), 200),
    "delete": ("Delete a draft (its organisation) or a checked COI (an authority).", JUST_VERSION, 200),
}

# --- what the API answers ---------------------------------------------------------------------
SIGNATURE = {"type": ["object", "null"], "properties": {"signed_by": TEXT, "organisation": TEXT, "at": TEXT}}
COI = {"type": "object", "required": ["id", "number", "status", "version", "allowed", "boxes"], "properties": {
    "id": TEXT, "number": OPTIONAL_TEXT, "status": choice(*words.STATUSES), "version": {"type": "integer"},
    "created_by_organisation": TEXT, "created_at": TEXT, "updated_at": TEXT, "issued_at": OPTIONAL_TEXT,
    "replaces": OPTIONAL_TEXT, "replaced_by": OPTIONAL_TEXT, "extract_of": OPTIONAL_TEXT, "extracts": TEXTS,
    "irregularity": OPTIONAL_TEXT,
    "allowed": {"type": "object", "properties": {"edit": TEXTS, "actions": TEXTS},
                "description": "the boxes the caller may edit and the actions they may take now"},
    "boxes": {"type": "object", "properties": {
        **{box.name: _box(box) for box in table.BOXES},
        "box18": SIGNATURE, "box21": SIGNATURE,
        "box20": {**SIGNATURE, "properties": {**SIGNATURE["properties"], "outcome": TEXT, "reason": OPTIONAL_TEXT}},
    }},
    "organisations": mapping({"type": "object", "properties": {
        "name": TEXT, "country": TEXT, "code": OPTIONAL_TEXT, "city": OPTIONAL_TEXT, "kind": TEXT}}),
    "warnings": TEXTS,
    "remaining": {"type": ["array", "null"], "description": "a base of extracts: what remains of each line",
                  "items": {"type": "object", "properties": {"line": {"type": "integer"},
                                                             "packages": {"type": "integer"},
                                                             "net_weight": OPTIONAL_TEXT, "unit": OPTIONAL_TEXT}}},
}}


def _page(item: dict) -> dict:
    return {"type": "object", "required": ["items", "next"],
            "properties": {"items": {"type": "array", "items": item},
                           "next": {**OPTIONAL_TEXT, "description": "the cursor of the next page"}}}


LIST = obj({"status": choice(*words.STATUSES, ""), "role": choice(*words.LIST_ROLES, ""),
            "number": string(40, description="a COI number (COI.EU.FR.2026.0000042)"), "cursor": CURSOR})
LISTED = {"type": "object", "required": ["id", "status"], "properties": {
    "id": TEXT, "number": OPTIONAL_TEXT, "status": TEXT, "created_at": TEXT, "updated_at": TEXT,
    "roles": TEXTS, "parties": mapping(TEXT), "product": OPTIONAL_TEXT, "lines": {"type": "integer"}}}
HISTORY = {"type": "object", "required": ["at", "action"], "properties": {
    "at": TEXT, "person": OPTIONAL_TEXT, "organisation": OPTIONAL_TEXT, "action": TEXT,
    "status": {"type": "object", "properties": {"old": OPTIONAL_TEXT, "new": OPTIONAL_TEXT}},
    "changes": mapping({"type": "object", "properties": {"old": {}, "new": {}}}), "details": {"type": "object"}}}
PUBLIC = {"type": "object", "required": ["number", "status"], "properties": {
    "number": TEXT, "status": TEXT, "issued_at": OPTIONAL_TEXT,
    "issuer": {"type": ["object", "null"], "properties": {"name": OPTIONAL_TEXT, "code": OPTIONAL_TEXT}},
    "country_of_export": OPTIONAL_TEXT, "member_state": OPTIONAL_TEXT,
    "products": {"type": "array", "items": {"type": "object", "properties": {
        "cn_code": OPTIONAL_TEXT, "net_weight": OPTIONAL_TEXT, "unit": OPTIONAL_TEXT}}}}}
COMMODITY = {"type": "object", "required": ["code", "name"], "properties": {"code": TEXT, "name": TEXT}}


def _with_coi(coi_id: str):
    """The caller and the COI, read in one call (401 before anyone learns what exists)."""
    request = bp.current_request
    if not certificates.valid_id(coi_id):
        return security.current(request), None
    current = security.current(request, items=certificates.read_along(coi_id))
    return current, current.items[0]


def _boxes_form(data: dict) -> None:
    """The domain's check of the boxes sent, so that a box answers with its own message."""
    certificates.check_boxes(data.get("boxes") or {})


@route(bp, "/cois", methods=["POST"], status=201, body=NEW_COI, login=True, machines=True, returns=COI,
       form=_boxes_form)
def create_coi():
    """Create a draft COI (any subset of the boxes)."""
    request = bp.current_request
    current = security.current(request)
    return certificates.create(current, body(request), now())


@route(bp, "/cois", query=LIST, login=True, machines=True, returns=_page(LISTED))
def list_cois():
    """The COIs where my organisations are parties, newest first, paged."""
    request = bp.current_request
    params = query(request)
    return certificates.search(security.current(request), params)


@route(bp, "/cois/{coi_id}", login=True, machines=True, returns=COI)
def read_coi(coi_id):
    """A COI with what the caller may edit and do (`allowed`)."""
    return certificates.read(*_with_coi(coi_id))


@route(bp, "/cois/{coi_id}", methods=["PATCH"], body=EDITS, login=True, machines=True, errors=(409,), returns=COI,
       form=_boxes_form)
def edit_coi(coi_id):
    """Replace whole boxes of a COI, with the version read."""
    current, coi = _with_coi(coi_id)
    return certificates.update(current, coi, body(bp.current_request), now())


def _action(action: str, summary: str, schema: dict, status: int):
    def view(coi_id):
        current, coi = _with_coi(coi_id)
        access = certificates.permitted(current, coi, action)     # 403 before the body is judged
        found, answered = certificates.act(access, action, body(bp.current_request), now())
        return Response(body=found, status_code=answered)

    view.__name__ = f"{action}_coi"
    view.__doc__ = summary
    route(bp, f"/cois/{{coi_id}}/{action}", methods=["POST"], status=status, body=schema, login=True, machines=True,
          errors=(409,), returns=COI)(view)


for _name, (_summary, _schema, _status) in ACTIONS.items():
    _action(_name, _summary, _schema, _status)


@route(bp, "/cois/{coi_id}/history", query=obj({"cursor": CURSOR}), login=True, machines=True, returns=_page(HISTORY))
def coi_history(coi_id):
    """Who changed what in a COI, and when."""
    request = bp.current_request
    params = query(request)
    current, coi = _with_coi(coi_id)
    return certificates.history(current, coi, params)


@route(bp, "/cois/{coi_id}/pdf", query=obj({"lang": choice(
           *languages.EU_LANGUAGES, description="the document's language where the member state of box 9 has "
           "several official ones (default: its first, e.g. BE: nl; 400 if not one of them); before box 9 is "
           "filled, any of the 24 (default: the caller's)")}),
       login=True, machines=True, media="application/pdf",
       returns={"type": "string", "contentMediaType": "application/pdf"})
def coi_pdf(coi_id):
    """The COI as a printable PDF with the QR code of its public verification page, in a language
    of the member state of box 9 (SPEC 3.2)."""
    params = query(bp.current_request)
    current, coi = _with_coi(coi_id)
    document = certificates.pdf(current, coi, language(bp.current_request), params.get("lang"))
    return Response(body=document, status_code=200, headers={
        "Content-Type": "application/pdf",
        "Content-Disposition": f'inline; filename="{(coi.number or coi.id)}.pdf"'})


@route(bp, "/public/cois/{number}", errors=(429,), returns=PUBLIC)
def verify_coi(number):
    """Public verification of a COI by its number: status and summary, nothing about persons."""
    return certificates.public(number, origin.client_address(bp.current_request), now())


@route(bp, "/commodities", query=obj({"q": string(100, description="words of the name, or digits of the code")}),
       returns={"type": "array", "items": COMMODITY})
def commodities():
    """CN codes whose code or name (fr/en) matches `q`."""
    request = bp.current_request
    q = (query(request).get("q") or "").strip()
    return reference.commodities(q, language(request))
