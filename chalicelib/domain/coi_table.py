"""The boxes of the COI (SPEC 3.1, seed 003 §3.1) as one table: each box, its fields, the kind of
each field, its limits, whether submit and issue need it, the party it names and where the PDF
prints it. Everything else is made from this table: the rules (coi_boxes.py, coi_values.py), the
parties' fields (coi.PARTY_FIELDS), the empty boxes of a new draft, the API's schema of the boxes
(api/cois.py), the PDF's box list (documents/coi_pdf.py) and the JSON file the site's scripts
read (dev/build_site.py writes site_table() as static/coi-boxes.json). Plain data, cheap to import
(the API's cold start reads it)."""
from typing import NamedTuple

from .errors import N_
from .vocabulary import (AUTHORITY, CONSIGNEE, CONTROL_BODY, DOCUMENT_TYPES, ENTRY, EXPORTER,
                         GROSS_UNITS, IMPORTER, ISSUER, MAX_CONTAINERS, MAX_DOCUMENTS, MAX_LINES,
                         MAX_ORIGINS, OPERATOR, PROCEDURES, RFL, TRANSPORT_MODES, UNITS, VERIFIER)

# --- the kinds of field, and the size of those whose size is the kind's ----------------------
ORGANISATION, TEXT, COUNTRY, COUNTRIES, MEMBER_STATE = (
    "organisation", "text", "country", "countries", "member_state")
BOOLEAN, WEIGHT, COUNT, CHOICE, CN_CODE, CONTAINER, DATE = (
    "boolean", "weight", "count", "choice", "cn_code", "container", "date")
MAX_PACKAGES = 10_000_000
# kind -> the longest value (characters), most items (a list) or largest number
SIZES = {ORGANISATION: 64, COUNTRY: 2, MEMBER_STATE: 2, COUNTRIES: MAX_ORIGINS, WEIGHT: 20,
         CN_CODE: 20, CONTAINER: 20, DATE: 10, COUNT: MAX_PACKAGES}
# kind -> the value of a field left out (None for the others)
BLANKS = {COUNTRIES: (), BOOLEAN: False}


class Field(NamedTuple):
    name: str
    kind: str
    size: int | None = None        # a text's longest value; the kind's size (SIZES) otherwise
    choices: tuple = ()            # a choice's values
    default: str | None = None     # what an empty box (or a new line) starts with
    required: bool = False         # submit and issue need it (SPEC 3.1)
    party: str | None = None       # the party of the COI it names (coi.PARTY_FIELDS)
    organisation: str | None = None  # the kind of organisation it names...
    activity: str | None = None    # ... and the activity the directory search asks of it
    printed: int | str | None = None  # the box of the official model where the PDF prints it

    @property
    def limit(self):
        return self.size if self.size is not None else SIZES.get(self.kind)

    def blank(self):
        value = self.default if self.default is not None else BLANKS.get(self.kind)
        return list(value) if isinstance(value, tuple) else value


class Box(NamedTuple):
    name: str
    fields: tuple
    description: str
    lines: int = 0                 # a box of lines: the most lines; 0: one set of fields
    derived: bool = False          # computed from the other boxes (coi_boxes.derive), never written

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


def _org(name: str, party: str | None, kind: str, activity: str | None = None, printed=None,
         required: bool = False) -> Field:
    return Field(name, ORGANISATION, party=party, organisation=kind, activity=activity,
                 printed=printed, required=required)


# --- the table, in the order of the official model (box 15, the seals, is the `seal` of each
# box 14 line; box 19, the border control post, is in box 9; box 6 in box 5) -----------------
BOXES = (
    Box("box1", (_org("issuer", ISSUER, CONTROL_BODY, printed=1, required=True),),
        "issuing control body or authority (of the exporter)"),
    Box("box2", (Field("procedure", CHOICE, choices=PROCEDURES, printed=2),),
        "the procedure, from the issuer and the country of export", derived=True),
    Box("box3", (Field("national_reference", TEXT, 250, printed=3),), "optional national reference"),
    Box("box4", (_org("exporter", EXPORTER, OPERATOR, "organic_exporter", 4, required=True),),
        "exporter: a valid operator"),
    Box("box5", (_org("producer", None, OPERATOR, printed=5), _org("control_body", None, CONTROL_BODY, printed=6)),
        "the producers of box 13 and their control bodies (boxes 5 and 6)", lines=MAX_LINES, derived=True),
    Box("box7", (Field("countries_of_origin", COUNTRIES, required=True, printed=7),),
        "countries of origin"),
    Box("box8", (Field("country_of_export", COUNTRY, required=True, printed=8),),
        "country of export (default: the exporter's)"),
    Box("box9", (Field("member_state", MEMBER_STATE, required=True, printed=9),
                 _org("authority", VERIFIER, AUTHORITY, printed=9, required=True),
                 _org("border_control_post", ENTRY, AUTHORITY, printed=19)),
        "member state of clearance, its verifying authority and the border control post"),
    Box("box10", (Field("country_of_destination", COUNTRY, printed=10),),
        "the first consignee's country", derived=True),
    Box("box11", (_org("importer", IMPORTER, OPERATOR, "organic_importer", 11, required=True),),
        "importer: organic importer activity and an EORI"),
    Box("box12", (Field("release_by_batches", BOOLEAN, printed=12),
                  _org("first_consignee", CONSIGNEE, OPERATOR, "organic_first_consignee", 12)),
        "first consignee, or release for free circulation by batches (not both)"),
    Box("rfl", (_org("organisation", RFL, OPERATOR, "responsible_for_load", "rfl"),),
        "responsible for the load (optional)"),
    Box("box13", (Field("cn_code", CN_CODE, required=True, printed=13),
                  Field("trade_name", TEXT, 200, required=True, printed=13),
                  Field("lot", TEXT, 100, printed=13),
                  Field("packages", COUNT, required=True, printed=13),
                  Field("packaging", TEXT, 50, printed=13),
                  Field("net_weight", WEIGHT, required=True, printed=13),
                  Field("unit", CHOICE, choices=UNITS, default="kg", required=True, printed=13),
                  _org("producer", None, OPERATOR, "organic_producer", 13, required=True),
                  _org("producer_control_body", None, CONTROL_BODY, printed=13, required=True)),
        "product lines; boxes 5 and 6 are derived from their producers", lines=MAX_LINES),
    Box("box14", (Field("container", CONTAINER, printed=14), Field("seal", TEXT, 50, printed=15)),
        "containers and seals (boxes 14 and 15)", lines=MAX_CONTAINERS),
    Box("box16", (Field("gross_weight", WEIGHT, required=True, printed=16),
                  Field("unit", CHOICE, choices=GROSS_UNITS, default="kg", printed=16)),
        "total gross weight"),
    Box("box17", (Field("mode", CHOICE, choices=TRANSPORT_MODES, printed=17),
                  Field("identification", TEXT, 100, printed=17)), "means of transport"),
    Box("documents", (Field("type", CHOICE, choices=DOCUMENT_TYPES, printed="documents"),
                      Field("reference", TEXT, 100, printed="documents"),
                      Field("date", DATE, printed="documents")),
        "accompanying documents", lines=MAX_DOCUMENTS),
)
BY_NAME = {box.name: box for box in BOXES}
WRITTEN = tuple(box for box in BOXES if not box.derived)     # the boxes a client writes

# The boxes of the official model (Delegated Regulation (EU) 2021/2306, Annex), numbered 1 to 21,
# and the two parts printed with them that have no number. The PDF prints each under its title.
MODEL = {
    1: N_("Issuing control authority or control body"),
    2: N_("Applicable procedure"),
    3: N_("Certificate of inspection number"),
    4: N_("Exporter"),
    5: N_("Producer or processor of the product"),
    6: N_("Control authority or control body of the producer or processor"),
    7: N_("Country of origin"),
    8: N_("Country of export"),
    9: N_("Member State of clearance and competent authority"),
    10: N_("Country of destination"),
    11: N_("Importer"),
    12: N_("First consignee"),
    13: N_("Description of the products"),
    14: N_("Container number(s)"),
    15: N_("Seal number(s)"),
    16: N_("Total gross weight"),
    17: N_("Means of transport"),
    18: N_("Declaration of the issuing control authority or control body"),
    19: N_("Border control post or point of release for free circulation"),
    20: N_("Verification of the consignment"),
    21: N_("Declaration of the first consignee"),
}
UNNUMBERED = ("rfl", "documents")


def required(box_name: str) -> tuple:
    """The fields of a box that submit and issue need (of each line, for a box of lines)."""
    return tuple(field.name for field in BY_NAME[box_name].fields if field.required)


def party_fields() -> dict:
    """party -> (box, field) where the COI names it."""
    return {field.party: (box.name, field.name) for box in WRITTEN for field in box.fields
            if field.party}


def empty_boxes() -> dict:
    """The boxes of a new draft: each field of a box at its blank value, no line in a box of
    lines."""
    return {box.name: [] if box.lines else {f.name: f.blank() for f in box.fields} for box in WRITTEN}


TYPED = (TEXT, CN_CODE, CONTAINER)   # kinds typed as free text: the site limits their length


def _site_field(field: Field, shown_only: bool) -> dict:
    """A field as the pages show it (its kind), and, when they edit it, how."""
    if shown_only:
        return {"kind": field.kind}
    found = {"kind": field.kind, "size": field.limit if field.kind in TYPED else None,
             "choices": list(field.choices), "default": field.default,
             "organisation": field.organisation, "activity": field.activity}
    return {k: v for k, v in found.items() if v not in (None, [])}


def _site_box(box: Box) -> dict:
    found = {"lines": box.lines, "derived": box.derived,
             "fields": {f.name: _site_field(f, box.derived) for f in box.fields}}
    return {k: v for k, v in found.items() if v}


def site_table(creators: dict, member_states, signatures) -> dict:
    """What the site's scripts know of the boxes (static/coi-boxes.json): each box with its
    fields, in order; then the signatures' boxes, the member states (one string), and who may
    create a COI (`creators`, coi.CREATORS: party -> kind of organisation, with the activity its
    field asks for, if any)."""
    named = party_fields()
    activity = {party: BY_NAME[box].field(field).activity for party, (box, field) in named.items()}
    return {
        "boxes": {box.name: _site_box(box) for box in BOXES},
        "signatures": list(signatures),
        "member_states": " ".join(sorted(member_states)),
        "creators": [{"kind": kind, "activity": activity[party]} if activity[party] else {"kind": kind}
                     for party, kind in creators.items()],
    }
