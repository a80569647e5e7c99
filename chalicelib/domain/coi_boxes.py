"""The boxes of the COI (SPEC 3.1, seed 003 §3.1): the shape and rule of each box a client
writes, the derived boxes (2, 5, 10), and the checks made before a COI is submitted or issued.
Plain Python: the organisations named are passed in as facts."""
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from . import iso6346, normalise
from .coi import DERIVED, PARTY_FIELDS, SIGNATURES, apart, parties_of
from .errors import Invalid, N_
from .normalise import FieldError
from .organisations import (AUTHORITY, CONTROL_BODY, EORI, EU_MEMBER_STATES, OPERATOR,
                            ORGANIC_IMPORTER, VALID)
from .vocabulary import (DOCUMENT_TYPES, GROSS_UNITS, MAX_CONTAINERS, MAX_DOCUMENTS,
                         MAX_LINES, MAX_ORIGINS, PROCEDURES, TRANSPORT_MODES, UNITS)

MAX_WEIGHT = Decimal("1000000000")            # a billion of a unit: more is a typing error
_CN = re.compile(r"^\d{8}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_ORG_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
_CONTAINER = re.compile(r"^[A-Z]{4}\d{7}$")
_WEIGHT = re.compile(r"^\d{1,10}(\.\d{1,3})?$")

# Box -> its fields (each a (rule, default) pair below). Lists of lines are checked per line.
OBJECT_BOXES = {
    "box1": ("issuer",), "box3": ("national_reference",), "box4": ("exporter",),
    "box7": ("countries_of_origin",), "box8": ("country_of_export",),
    "box9": ("member_state", "authority", "border_control_post"), "box11": ("importer",),
    "box12": ("first_consignee", "release_by_batches"), "rfl": ("organisation",),
    "box16": ("gross_weight", "unit"), "box17": ("mode", "identification"),
}
LINE_BOXES = {
    "box13": ("cn_code", "trade_name", "lot", "packages", "packaging", "net_weight", "unit",
              "producer", "producer_control_body"),
    "box14": ("container", "seal"),
    "documents": ("type", "reference", "date"),
}
QUANTITIES = ("packages", "net_weight")
EMPTY = {"box1": {"issuer": None}, "box3": {"national_reference": None},
         "box4": {"exporter": None}, "box7": {"countries_of_origin": []},
         "box8": {"country_of_export": None},
         "box9": {"member_state": None, "authority": None, "border_control_post": None},
         "box11": {"importer": None}, "box12": {"first_consignee": None, "release_by_batches": False},
         "rfl": {"organisation": None}, "box13": [], "box14": [],
         "box16": {"gross_weight": None, "unit": "kg"}, "box17": {"mode": None, "identification": None},
         "documents": []}


# --- one value ------------------------------------------------------------------------------

def organisation_id(value):
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not _ORG_ID.match(value):
        raise FieldError(N_("Choose an organisation from the directory."))
    return value


def country(value, countries: frozenset):
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not _COUNTRY.match(value.upper()) or \
            value.upper() not in countries:
        raise FieldError(N_("Choose a country from the list."))
    return value.upper()


def member_state(value, countries: frozenset):
    found = country(value, countries)
    if found and found not in EU_MEMBER_STATES:
        raise FieldError(N_("Choose a member state of the European Union."))
    return found


def cn_code(value):
    """Eight digits, spaces allowed on input; kept as "dddd dd dd"."""
    if value in (None, ""):
        return None
    digits = value.replace(" ", "") if isinstance(value, str) else ""
    if not _CN.match(digits):
        raise FieldError(N_("A CN code has 8 digits, such as 0804 10 00."))
    return f"{digits[:4]} {digits[4:6]} {digits[6:]}"


def weight(value):
    """A decimal string with at most 3 decimals (never a float), kept with exactly 3."""
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not _WEIGHT.match(value.strip()):
        raise FieldError(N_("Give a weight such as 2400.5 (at most 3 decimals)."))
    amount = Decimal(value.strip())
    if amount <= 0 or amount >= MAX_WEIGHT:
        raise FieldError(N_("Give a weight such as 2400.5 (at most 3 decimals)."))
    return f"{amount:.3f}"


def count(value):
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= 10_000_000:
        raise FieldError(N_("Give a whole number of packages."))
    return value


def choice(value, choices):
    if value in (None, ""):
        return None
    if value not in choices:
        raise FieldError(N_("This value is not one of the choices."))
    return value


def text(max_length: int):
    return lambda value: normalise.text(value, required=False, max_length=max_length) or None


def iso_date(value):
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(value).isoformat() if isinstance(value, str) and \
            len(value) == 10 else _bad_date()
    except ValueError:
        return _bad_date()


def _bad_date():
    raise FieldError(N_("Give a date as YYYY-MM-DD."))


def container(value):
    """ISO 6346: owner code (3 letters), category (U, J or Z), 6 digits, check digit."""
    value = text(20)(value)
    if value is None:
        return None
    value = value.replace(" ", "").upper()
    if not _CONTAINER.match(value):
        raise FieldError(N_("A container number is 4 letters and 7 digits, such as MSKU1234565."))
    if not _check_digit_ok(value):
        raise FieldError(N_("The last digit of this container number (its check digit) is wrong: "
                            "check the number on the container."))
    return value


def _check_digit_ok(code: str) -> bool:
    return iso6346.check_character(code[:10]) == code[10]


def boolean(value):
    if not isinstance(value, bool):
        raise FieldError(N_("This value is not valid."))
    return value


def origins(value, countries: frozenset):
    if value in (None, ""):
        return []
    if not isinstance(value, list) or len(value) > MAX_ORIGINS:
        raise FieldError(N_("Choose countries from the list."))
    found = []
    for item in value:
        code = country(item, countries)
        if code and code not in found:
            found.append(code)
    return found


# --- whole boxes ----------------------------------------------------------------------------

@dataclass(frozen=True)
class BoxReference:
    countries: frozenset


def _field_rules(ref: BoxReference) -> dict:
    return {
        "issuer": organisation_id, "exporter": organisation_id, "importer": organisation_id,
        "authority": organisation_id, "border_control_post": organisation_id,
        "first_consignee": organisation_id, "organisation": organisation_id,
        "producer": organisation_id, "producer_control_body": organisation_id,
        "national_reference": text(250), "countries_of_origin": lambda v: origins(v, ref.countries),
        "country_of_export": lambda v: country(v, ref.countries),
        "member_state": lambda v: member_state(v, ref.countries),
        "release_by_batches": boolean,
        "gross_weight": weight, "net_weight": weight,
        "unit": lambda v: choice(v, UNITS), "packages": count,
        "mode": lambda v: choice(v, TRANSPORT_MODES), "identification": text(100),
        "cn_code": cn_code, "trade_name": text(200), "lot": text(100), "packaging": text(50),
        "container": container, "seal": text(50),
        "type": lambda v: choice(v, DOCUMENT_TYPES), "reference": text(100), "date": iso_date,
    }


def _one(name: str, fields: tuple, value, rules: dict, errors: dict, prefix: str):
    if value is None:
        value = {}
    if not isinstance(value, dict):
        errors[prefix] = N_("This value is not valid.")
        return None
    out = {}
    for unknown in sorted(set(value) - set(fields)):
        errors[f"{prefix}.{unknown}"] = N_("This field is not expected.")
    for field_name in fields:
        default = EMPTY.get(name, {}).get(field_name) if isinstance(EMPTY.get(name), dict) else None
        raw = value.get(field_name, default)
        try:
            out[field_name] = rules[field_name](raw)
        except FieldError as error:
            errors[f"{prefix}.{field_name}"] = str(error)
    return out


def check_boxes(boxes, ref: BoxReference) -> dict:
    """The boxes a client sent, each whole and normalised; 400 naming every field in error as
    `boxes.<box>.<field>` (or `boxes.<box>.<line>.<field>`). Derived boxes and signatures are
    never written by a client."""
    if not isinstance(boxes, dict):
        raise Invalid({"boxes": N_("This value is not valid.")})
    rules = _field_rules(ref)
    errors, out = {}, {}
    for name, value in boxes.items():
        prefix = f"boxes.{name}"
        if name in OBJECT_BOXES:
            out[name] = _one(name, OBJECT_BOXES[name], value, rules, errors, prefix)
        elif name in LINE_BOXES:
            limit = {"box13": MAX_LINES, "box14": MAX_CONTAINERS}.get(name, MAX_DOCUMENTS)
            if value is None:
                value = []
            if not isinstance(value, list) or len(value) > limit:
                errors[prefix] = N_("This value is not valid.")
                continue
            out[name] = [_one(name, LINE_BOXES[name], line, rules, errors, f"{prefix}.{i}")
                         for i, line in enumerate(value)]
        else:
            errors[prefix] = N_("This box is filled in by the system.") \
                if name in DERIVED + SIGNATURES else N_("This field is not expected.")
    if (out.get("box16") or {}).get("unit") not in (None, *GROSS_UNITS):
        errors["boxes.box16.unit"] = N_("This value is not one of the choices.")
    box12 = out.get("box12")
    if box12 and box12.get("first_consignee") and box12.get("release_by_batches"):
        errors["boxes.box12"] = N_("Name a first consignee or choose release by batches, not both.")
    if errors:
        raise Invalid(errors)
    return out


def empty_boxes() -> dict:
    import copy

    return copy.deepcopy(EMPTY)


# --- organisations named --------------------------------------------------------------------

@dataclass(frozen=True)
class OrgFacts:
    """What the rules need to know of an organisation named on the COI."""

    id: str
    kind: str
    status: str
    country: str
    activities: frozenset = frozenset()
    identifiers: tuple = ()                # identifier types held ("eori", ...)
    certifies_in: frozenset = frozenset()
    role: str | None = None                # authorities: CCA, BCP, ...
    competence: frozenset = frozenset()
    code: str | None = None
    procedure: str | None = None           # control bodies: compliance | equivalence
    name: str = ""


def organisations_named(boxes: dict) -> set[str]:
    found = {org for org in (
        (boxes.get(box) or {}).get(name) for box, name in PARTY_FIELDS.values()) if org}
    for line in boxes.get("box13") or []:
        found |= {line.get("producer"), line.get("producer_control_body")} - {None}
    return found


def unknown_organisations(boxes: dict, known: dict) -> dict:
    """Fields naming an organisation that is not in the directory."""
    errors = {}
    for box, name in PARTY_FIELDS.values():
        org = (boxes.get(box) or {}).get(name)
        if org and org not in known:
            errors[f"boxes.{box}.{name}"] = N_("This organisation is not in the directory.")
    for i, line in enumerate(boxes.get("box13") or []):
        for name in ("producer", "producer_control_body"):
            if line.get(name) and line[name] not in known:
                errors[f"boxes.box13.{i}.{name}"] = N_("This organisation is not in the directory.")
    return errors


def check_named(boxes: dict, orgs: dict, given, draft: bool) -> None:
    """400 naming each field of the boxes `given` that names an organisation it may not. A draft
    may name any organisation of the directory (submit and issue check the rest); once it has
    left `draft`, every edit meets the rules of submit and issue (party_problems)."""
    if draft:
        problems = {k: v for k, v in unknown_organisations(boxes, orgs).items()
                    if k.split(".")[1] in set(given)}
    else:
        problems = party_problems(boxes, orgs, given)
    if problems:
        raise Invalid(problems)


# --- derived boxes --------------------------------------------------------------------------

def procedure(issuer: OrgFacts | None, export_country: str | None, equivalent: frozenset) -> str | None:
    """Box 2: `equivalence` for a body of a third country recognised as equivalent certifying
    goods exported from that country (or a body the reference data says is recognised so),
    `compliance` otherwise."""
    if issuer is None:
        return None
    if issuer.procedure in PROCEDURES:
        return issuer.procedure
    if export_country and issuer.country == export_country and export_country in equivalent:
        return "equivalence"
    return "compliance"


def derive(boxes: dict, orgs: dict, equivalent: frozenset = frozenset()) -> dict:
    """Boxes 2, 5 and 10 from the others, and box 8's default (the exporter's country)."""
    producers = []
    for line in boxes.get("box13") or []:
        pair = {"producer": line.get("producer"), "control_body": line.get("producer_control_body")}
        if pair["producer"] and pair not in producers:
            producers.append(pair)
    consignee = orgs.get((boxes.get("box12") or {}).get("first_consignee"))
    batches = (boxes.get("box12") or {}).get("release_by_batches")
    derived = dict(boxes)
    derived["box5"] = producers
    derived["box10"] = {"country_of_destination": consignee.country if consignee and not batches
                        else None}
    exporter = orgs.get((boxes.get("box4") or {}).get("exporter"))
    box8 = dict(boxes.get("box8") or {"country_of_export": None})
    if not box8.get("country_of_export") and exporter is not None:
        box8["country_of_export"] = exporter.country
    derived["box8"] = box8
    issuer = orgs.get((boxes.get("box1") or {}).get("issuer"))
    derived["box2"] = {"procedure": procedure(issuer, box8.get("country_of_export"), equivalent)}
    return derived


def several_origins_for_one_lot(boxes: dict) -> bool:
    """Seed 003 box 7: several countries of origin for a single lot from a single producer is
    not permitted (TRACES does not stop it; the page warns)."""
    lines = boxes.get("box13") or []
    lots = {(line.get("lot"), line.get("producer")) for line in lines}
    return len((boxes.get("box7") or {}).get("countries_of_origin") or []) > 1 and len(lots) == 1


# --- before submit and issue ----------------------------------------------------------------

MANDATORY = (("box1", "issuer"), ("box4", "exporter"), ("box7", "countries_of_origin"),
             ("box8", "country_of_export"), ("box9", "member_state"), ("box9", "authority"),
             ("box11", "importer"), ("box16", "gross_weight"))
LINE_MANDATORY = ("cn_code", "trade_name", "packages", "net_weight", "unit", "producer",
                  "producer_control_body")


def check_complete(boxes: dict, orgs: dict) -> None:
    """Every mandatory box filled (1, 4, 7, 8, 9, 11, 12 or batches, 13, 16) and every
    organisation named valid and of the right kind; 400 naming the boxes otherwise."""
    errors = {}
    required = N_("This box is mandatory.")
    for box, name in MANDATORY:
        if not (boxes.get(box) or {}).get(name):
            errors[f"boxes.{box}.{name}"] = required
    box12 = boxes.get("box12") or {}
    if not box12.get("first_consignee") and not box12.get("release_by_batches"):
        errors["boxes.box12"] = N_("Name the first consignee or choose release by batches.")
    lines = boxes.get("box13") or []
    if not lines:
        errors["boxes.box13"] = N_("Add at least one product.")
    for i, line in enumerate(lines):
        for name in LINE_MANDATORY:
            if line.get(name) in (None, ""):
                errors[f"boxes.box13.{i}.{name}"] = required
    errors.update({k: v for k, v in party_problems(boxes, orgs).items() if k not in errors})
    if errors:
        raise Invalid(errors, N_("Some boxes are missing or not valid."))


# --- who each box may name (SPEC 3) ---------------------------------------------------------
# Each rule takes the organisation named and the COI's boxes, and says what is wrong (or None).

def _issuer(org: OrgFacts, boxes: dict):
    export_country = (boxes.get("box8") or {}).get("country_of_export")
    if org.kind != CONTROL_BODY:
        return N_("The issuer is a control body or control authority.")
    if export_country and org.certifies_in and export_country not in org.certifies_in:
        return N_("This control body does not certify in the country of export.")
    return None


def _operator(org: OrgFacts, boxes: dict):
    return None if org.kind == OPERATOR else N_("Choose an operator.")


def _importer(org: OrgFacts, boxes: dict):
    if org.kind != OPERATOR:
        return N_("Choose an operator.")
    if ORGANIC_IMPORTER not in org.activities:
        return N_("The importer must have the organic importer activity.")
    if EORI not in org.identifiers:
        return N_("The importer must have an EORI number.")
    return None


def _verifying_authority(org: OrgFacts, boxes: dict):
    member = (boxes.get("box9") or {}).get("member_state")
    if org.kind == AUTHORITY and org.country == member and org.role != "BCP" and (
            org.code == f"{member}-CCA" or "organic" in org.competence):
        return None
    return N_("Choose the competent authority of the member state of clearance.")


def _border_control_post(org: OrgFacts, boxes: dict):
    member = (boxes.get("box9") or {}).get("member_state")
    if org.kind == AUTHORITY and org.role == "BCP" and org.country == member:
        return None
    return N_("Choose a border control post of the member state of clearance.")


def _control_body(org: OrgFacts, boxes: dict):
    return None if org.kind == CONTROL_BODY else N_("Choose a control body.")


# (box, field) naming an organisation -> its rule; the same at submit, at issue and at every
# later edit of the box.
PARTY_RULES = {
    ("box1", "issuer"): _issuer,
    ("box4", "exporter"): _operator,
    ("box9", "authority"): _verifying_authority,
    ("box9", "border_control_post"): _border_control_post,
    ("box11", "importer"): _importer,
    ("box12", "first_consignee"): _operator,
    ("rfl", "organisation"): _operator,
}
LINE_RULES = {"producer": _operator, "producer_control_body": _control_body}
# A box whose rule reads another box: changing that one checks this one again.
READS = {"box8": ("box1",)}
SAME_ORGANISATION = N_("This organisation is already another party of this certificate, which "
                       "it may not be at the same time.")


def party_problems(boxes: dict, orgs: dict, given=None) -> dict:
    """What is wrong with the organisations the boxes `given` (all boxes when None) name: not in
    the directory, not valid, not of the kind the box takes (PARTY_RULES), or already named for a
    party that must be another organisation (coi.SEPARATE). `boxes` is the whole COI as it would
    be; `orgs` the facts of the organisations it names. Field -> message."""
    checked = set(boxes) if given is None else set(given).union(
        *(READS.get(box, ()) for box in given))
    errors = {k: v for k, v in unknown_organisations(boxes, orgs).items()
              if k.split(".")[1] in checked}

    def check(path: str, org_id, rule):
        org = orgs.get(org_id) if org_id else None
        if org is None or path in errors:
            return
        message = N_("This organisation is not valid yet.") if org.status != VALID else rule(org, boxes)
        if message:
            errors[path] = message

    for (box, field), rule in PARTY_RULES.items():
        if box in checked:
            check(f"boxes.{box}.{field}", (boxes.get(box) or {}).get(field), rule)
    if "box13" in checked:
        for i, line in enumerate(boxes.get("box13") or []):
            for field, rule in LINE_RULES.items():
                check(f"boxes.box13.{i}.{field}", line.get(field), rule)
    for party in apart(parties_of(boxes)):
        box, field = PARTY_FIELDS[party]
        if box in checked:
            errors.setdefault(f"boxes.{box}.{field}", SAME_ORGANISATION)
    return errors


def quantities_only_changed(old_lines: list, new_lines: list) -> bool:
    """True when box 13 keeps its lines and only their packages and net weights differ."""
    if len(old_lines) != len(new_lines):
        return False
    return all({k: v for k, v in a.items() if k not in QUANTITIES}
               == {k: v for k, v in b.items() if k not in QUANTITIES}
               for a, b in zip(old_lines, new_lines))


# --- quantities of extracts -----------------------------------------------------------------

def milli(value: str | None) -> int:
    """A weight as an integer number of thousandths, for exact sums and conditional writes."""
    try:
        return int(Decimal(value or "0") * 1000)
    except InvalidOperation:
        return 0


def from_milli(value: int) -> str:
    return f"{Decimal(value) / 1000:.3f}"


def changes(before: dict, after: dict) -> dict:
    """box -> {"old", "new"} for every box whose value differs."""
    return {box: {"old": before.get(box), "new": after.get(box)}
            for box in sorted(set(before) | set(after)) if before.get(box) != after.get(box)}
