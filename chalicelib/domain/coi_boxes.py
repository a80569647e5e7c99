"""The boxes of the COI (SPEC 3.1, seed 003 §3.1) as a whole: the check of the boxes a client
writes (each field by the rule of its kind in the box table, coi_table.py), the derived boxes
(2, 5, 10), and the checks made before a COI is submitted or issued. Plain Python: the
organisations named are passed in as facts (coi_parties.py)."""
from dataclasses import dataclass

from . import coi_table
from .coi import DERIVED, SIGNATURES
from .coi_parties import OrgFacts, party_problems
from .coi_table import BY_NAME, WRITTEN
from .coi_values import rule
from .errors import Invalid, N_
from .normalise import FieldError
from .vocabulary import PROCEDURES

QUANTITIES = ("packages", "net_weight")


# --- whole boxes ----------------------------------------------------------------------------

@dataclass(frozen=True)
class BoxReference:
    countries: frozenset


def _one(box: coi_table.Box, value, rules: dict, errors: dict, prefix: str):
    """One set of fields: of an object box (a field left out takes its blank value) or of one
    line of a box of lines (a field left out is empty)."""
    if value is None:
        value = {}
    if not isinstance(value, dict):
        errors[prefix] = N_("This value is not valid.")
        return None
    out = {}
    for unknown in sorted(set(value) - set(rules)):
        errors[f"{prefix}.{unknown}"] = N_("This field is not expected.")
    for field in box.fields:
        raw = value.get(field.name, None if box.lines else field.blank())
        try:
            out[field.name] = rules[field.name](raw)
        except FieldError as error:
            errors[f"{prefix}.{field.name}"] = str(error)
    return out


def _lines(box: coi_table.Box, value, rules: dict, errors: dict, prefix: str):
    if value is None:
        value = []
    if not isinstance(value, list) or len(value) > box.lines:
        errors[prefix] = N_("This value is not valid.")
        return None
    return [_one(box, line, rules, errors, f"{prefix}.{i}") for i, line in enumerate(value)]


def check_boxes(boxes, ref: BoxReference) -> dict:
    """The boxes a client sent, each whole and normalised; 400 naming every field in error as
    `boxes.<box>.<field>` (or `boxes.<box>.<line>.<field>`). Derived boxes and signatures are
    never written by a client."""
    if not isinstance(boxes, dict):
        raise Invalid({"boxes": N_("This value is not valid.")})
    errors, out = {}, {}
    for name, value in boxes.items():
        prefix = f"boxes.{name}"
        box = BY_NAME.get(name)
        if box is None or box.derived:
            errors[prefix] = N_("This box is filled in by the system.") \
                if name in DERIVED + SIGNATURES else N_("This field is not expected.")
            continue
        rules = {f.name: rule(f, ref.countries) for f in box.fields}
        found = (_lines if box.lines else _one)(box, value, rules, errors, prefix)
        if found is not None or not box.lines:
            out[name] = found
    box12 = out.get("box12")
    if box12 and box12.get("first_consignee") and box12.get("release_by_batches"):
        errors["boxes.box12"] = N_("Name a first consignee or choose release by batches, not both.")
    if errors:
        raise Invalid(errors)
    return out


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

def check_complete(boxes: dict, orgs: dict) -> None:
    """Every mandatory box filled (1, 4, 7, 8, 9, 11, 12 or batches, 13, 16) and every
    organisation named valid and of the right kind; 400 naming the boxes otherwise."""
    errors = {}
    required = N_("This box is mandatory.")
    for box in WRITTEN:
        for name in () if box.lines else coi_table.required(box.name):
            if not (boxes.get(box.name) or {}).get(name):
                errors[f"boxes.{box.name}.{name}"] = required
    box12 = boxes.get("box12") or {}
    if not box12.get("first_consignee") and not box12.get("release_by_batches"):
        errors["boxes.box12"] = N_("Name the first consignee or choose release by batches.")
    lines = boxes.get("box13") or []
    if not lines:
        errors["boxes.box13"] = N_("Add at least one product.")
    for i, line in enumerate(lines):
        for name in coi_table.required("box13"):
            if line.get(name) in (None, ""):
                errors[f"boxes.box13.{i}.{name}"] = required
    errors.update({k: v for k, v in party_problems(boxes, orgs).items() if k not in errors})
    if errors:
        raise Invalid(errors, N_("Some boxes are missing or not valid."))


def quantities_only_changed(old_lines: list, new_lines: list) -> bool:
    """True when box 13 keeps its lines and only their packages and net weights differ."""
    if len(old_lines) != len(new_lines):
        return False
    return all({k: v for k, v in a.items() if k not in QUANTITIES}
               == {k: v for k, v in b.items() if k not in QUANTITIES}
               for a, b in zip(old_lines, new_lines))


def changes(before: dict, after: dict) -> dict:
    """box -> {"old", "new"} for every box whose value differs."""
    return {box: {"old": before.get(box), "new": after.get(box)}
            for box in sorted(set(before) | set(after)) if before.get(box) != after.get(box)}
