"""Customs (SPEC 3.3): a COI or extract checked by its number, its quantities written off against
customs declarations (MRN) and given back when a declaration is invalidated. Customs of the
COI's member state only (404 to everyone else); open to their systems' API keys (SPEC 5.1)."""
from chalice import Blueprint

from ..domain.vocabulary import MAX_LINES
from . import security
from .http import body, lazy, now, route
from .schema import array, integer, obj, string
from .shapes import OPTIONAL_TEXT, TEXT

bp = Blueprint(__name__)
customs = lazy("chalicelib.services.certificates.customs")

MRN = string(40, min_length=1, format="mrn", description="the MRN of the customs declaration (18 characters)")
WRITE_OFF_LINES = array(obj({"line": integer(0, description="index of the line in box 13"),
                             "net_weight": string(20, min_length=1, format="weight")},
                            required=["line", "net_weight"]), max_items=MAX_LINES)
NEW_WRITE_OFF = obj({"mrn": MRN, "lines": WRITE_OFF_LINES}, required=["mrn", "lines"])
WRITE_OFF = {"type": "object", "required": ["mrn", "status", "at", "lines"], "properties": {
    "mrn": TEXT, "status": {"type": "string", "enum": ["active", "cancelled"]},
    "organisation": TEXT, "at": TEXT, "cancelled_at": OPTIONAL_TEXT,
    "lines": {"type": "array", "items": {"type": "object", "properties": {
        "line": {"type": "integer"}, "net_weight": TEXT}}}}}
CHECKED = {"type": "object", "required": ["number", "status", "releasable", "lines", "write_offs"], "properties": {
    "number": TEXT, "status": TEXT, "is_extract": {"type": "boolean"},
    "releasable": {"type": "boolean", "description": "whether it may be released for free circulation now"},
    "lines": {"type": "array", "items": {"type": "object", "properties": {
        "line": {"type": "integer"}, "cn_code": OPTIONAL_TEXT, "net_weight": OPTIONAL_TEXT, "unit": TEXT,
        "written_off": TEXT, "remaining": TEXT}}},
    "write_offs": {"type": "array", "items": WRITE_OFF, "description": "newest first, cancelled ones included"}}}


@route(bp, "/customs/cois/{number}", login=True, machines=True, returns=CHECKED)
def check_coi(number):
    """A COI or extract by its number: releasable or not, each line written off and remaining."""
    return customs.check(security.current(bp.current_request), number)


@route(bp, "/customs/cois/{number}/write-offs", methods=["POST"], status=201, body=NEW_WRITE_OFF, login=True,
       machines=True, errors=(409,), returns=WRITE_OFF)
def write_off(number):
    """Write quantities of a COI off against a customs declaration (the same again: the first answer)."""
    request = bp.current_request
    current = security.current(request)
    return customs.write_off(current, number, body(request), now())


@route(bp, "/customs/cois/{number}/write-offs/{mrn}", methods=["DELETE"], login=True, machines=True,
       errors=(400, 409), returns=WRITE_OFF)
def cancel_write_off(number, mrn):
    """A declaration invalidated: its write-off cancelled, its quantities given back."""
    return customs.cancel(security.current(bp.current_request), number, mrn, now())
