"""The organisations a COI names (SPEC 3): the facts the rules need of each, and who each field
of the box table (coi_table.py) may name. Plain Python: the organisations are passed in as facts."""
from dataclasses import dataclass

from .coi import PARTY_FIELDS, apart, parties_of
from .coi_table import ORGANISATION, WRITTEN
from .errors import Invalid, N_
from .organisations import AUTHORITY, CONTROL_BODY, EORI, OPERATOR, ORGANIC_IMPORTER, VALID

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



def named_fields(boxes: dict):
    """(path, organisation, box, field) of each field of the boxes that names an organisation."""
    for box in WRITTEN:
        fields = [f.name for f in box.fields if f.kind == ORGANISATION]
        value = boxes.get(box.name)
        if not fields or not value:
            continue
        items = enumerate(value) if box.lines else [(None, value)]
        for i, item in items:
            prefix = f"boxes.{box.name}" if i is None else f"boxes.{box.name}.{i}"
            for name in fields:
                if item.get(name):
                    yield f"{prefix}.{name}", item[name], box.name, name


def organisations_named(boxes: dict) -> set[str]:
    return {org for _, org, _, _ in named_fields(boxes)}


def unknown_organisations(boxes: dict, known: dict) -> dict:
    """Fields naming an organisation that is not in the directory."""
    return {path: N_("This organisation is not in the directory.")
            for path, org, _, _ in named_fields(boxes) if org not in known}


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
RULES = {
    ("box1", "issuer"): _issuer,
    ("box4", "exporter"): _operator,
    ("box9", "authority"): _verifying_authority,
    ("box9", "border_control_post"): _border_control_post,
    ("box11", "importer"): _importer,
    ("box12", "first_consignee"): _operator,
    ("rfl", "organisation"): _operator,
    ("box13", "producer"): _operator,
    ("box13", "producer_control_body"): _control_body,
}
# A box whose rule reads another box: changing that one checks this one again.
READS = {"box8": ("box1",)}
SAME_ORGANISATION = N_("This organisation is already another party of this certificate, which "
                       "it may not be at the same time.")


def party_problems(boxes: dict, orgs: dict, given=None) -> dict:
    """What is wrong with the organisations the boxes `given` (all boxes when None) name: not in
    the directory, not valid, not of the kind the box takes (RULES), or already named for a
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

    for path, org_id, box, field in named_fields(boxes):
        if box in checked:
            check(path, org_id, RULES[(box, field)])
    for party in apart(parties_of(boxes)):
        box, field = PARTY_FIELDS[party]
        if box in checked:
            errors.setdefault(f"boxes.{box}.{field}", SAME_ORGANISATION)
    return errors

