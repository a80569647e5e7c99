"""The certificate of inspection (SPEC 3, seed 003 §3): statuses, transitions and the "who may
modify the COI" matrix as tables, and the one function that reads them. No AWS, no clock."""
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from . import normalise
from .coi_table import BOXES, WRITTEN, party_fields
from .errors import Conflict, Forbidden, Invalid, N_
from .vocabulary import (BASE_FOR_EXTRACT, CHECKED, CONSIGNEE, CONTROL_BODY, DELETED,  # noqa: F401 - the rules' words
                         DEPLETED, DRAFT, ENTRY, EXPORTER, IMPORTER, IRREGULARITY, ISSUED, ISSUER,
                         LIST_ROLES, NEW, NOT_RELEASED, OPERATOR, PARTIES, RELEASED_CONVENTIONAL,
                         REPLACED, RFL, SIGNED, STATUSES, VERIFIER, VERIFY_OUTCOMES)

# Where each party is named on the COI: (box, field), from the box table.
PARTY_FIELDS = party_fields()
# Who may create a COI (SPEC 3.1): an importer, exporter, RFL or control body (the issuer), each
# an organisation of that kind; a first consignee or an authority may not.
CREATORS = {IMPORTER: OPERATOR, EXPORTER: OPERATOR, RFL: OPERATOR, ISSUER: CONTROL_BODY}
# The parties that control the others (issue, verify): SPEC 3 keeps each apart from every other
# party, so that no organisation, and no person, issues or verifies what it imports, exports,
# carries or receives, nor verifies what it issued. The operators (importer, RFL, exporter, first
# consignee) may be one company.
CONTROLLING = (ISSUER, VERIFIER, ENTRY)
SEPARATE = frozenset(frozenset((controlling, other)) for controlling in CONTROLLING
                     for other in PARTY_FIELDS if other != controlling)

# --- boxes ----------------------------------------------------------------------------------
# Boxes a client writes, and those computed from the others (the box table, coi_table.py).
WRITABLE = tuple(box.name for box in WRITTEN)
DERIVED = tuple(box.name for box in BOXES if box.derived)
SIGNATURES = ("box18", "box20", "box21")           # written by issue, verify and sign
ALL = frozenset(WRITABLE)
# Partial rights on box 13: the quantities of the existing lines, nothing else.
BOX13_QUANTITIES = frozenset({"box13.packages", "box13.net_weight"})
LATER = frozenset({"box17", "documents"})          # "completed later, before arrival"
# What an extract's creator may change (SPEC 3: the splitting operator, box 9, box 12 and the
# quantities of each line), plus transport and documents.
EXTRACT_EDIT = frozenset({"rfl", "box9", "box12"}) | BOX13_QUANTITIES | LATER

# --- the matrix (seed 003 §3.3, SPEC 3) -----------------------------------------------------
# (status, party) -> (boxes that party may edit, actions it may take). Anything not here is
# refused. In `draft` only the organisation that created the draft sees and acts on it.
F = frozenset   # short, so that the matrix reads as a table
MATRIX = {
    (DRAFT, IMPORTER):  (ALL, F({"submit", "delete"})),
    (DRAFT, RFL):       (ALL, F({"submit", "delete"})),
    (DRAFT, EXPORTER):  (ALL, F({"submit", "delete"})),
    (DRAFT, ISSUER):    (ALL, F({"issue", "delete"})),

    (NEW, IMPORTER):    (F({"box9", "box12"}) | LATER, F()),
    (NEW, RFL):         (F({"box9", "box12"}) | LATER, F()),
    (NEW, EXPORTER):    (LATER, F()),
    (NEW, ISSUER):      (ALL, F({"issue"})),

    (ISSUED, IMPORTER): (F({"box9", "box12", "rfl"}) | LATER, F()),
    (ISSUED, RFL):      (F({"box9", "box12", "rfl"}) | LATER, F()),
    (ISSUED, EXPORTER): (LATER, F()),
    (ISSUED, ISSUER):   (F({"box9", "box14", "box16"}) | BOX13_QUANTITIES | LATER, F({"replace"})),
    (ISSUED, VERIFIER): (F({"box12"}), F({"verify"})),
    (ISSUED, ENTRY):    (F({"box12"}), F({"verify"})),

    (CHECKED, VERIFIER):  (F(), F({"delete"})),
    (CHECKED, ENTRY):     (F(), F({"delete", "irregularity"})),
    (CHECKED, CONSIGNEE): (F(), F({"sign"})),

    (SIGNED, IMPORTER): (F(), F({"irregularity"})),
    (SIGNED, RFL):      (F(), F({"irregularity"})),
    (SIGNED, ENTRY):    (F(), F({"irregularity"})),

    (BASE_FOR_EXTRACT, IMPORTER): (F(), F({"extracts"})),
    (BASE_FOR_EXTRACT, RFL):      (F(), F({"extracts"})),
    (BASE_FOR_EXTRACT, VERIFIER): (F(), F({"extracts", "deplete"})),
    (BASE_FOR_EXTRACT, ENTRY):    (F(), F({"extracts", "deplete", "irregularity"})),
}
# An extract's draft: its creator (who split the base) edits what EXTRACT_EDIT says and submits;
# after that an extract follows the matrix like any COI.
EXTRACT_DRAFT = (EXTRACT_EDIT, F({"submit", "delete"}))

# --- transitions ----------------------------------------------------------------------------
# (status, action) -> new status. `replace` and `extracts` leave the COI as it is and create
# another one. The store writes each change conditionally on the old status and version.
TRANSITIONS = {
    (DRAFT, "submit"): NEW,
    (DRAFT, "issue"): ISSUED,
    (NEW, "issue"): ISSUED,
    (CHECKED, "sign"): SIGNED,
    (ISSUED, "replace"): ISSUED,
    (BASE_FOR_EXTRACT, "extracts"): BASE_FOR_EXTRACT,
    (BASE_FOR_EXTRACT, "deplete"): DEPLETED,
    (CHECKED, "irregularity"): IRREGULARITY,
    (SIGNED, "irregularity"): IRREGULARITY,
    (BASE_FOR_EXTRACT, "irregularity"): IRREGULARITY,
    (DRAFT, "delete"): DELETED,
    (CHECKED, "delete"): DELETED,
}
# An extract is issued by its base's control body already: submitting it makes it `issued`,
# ready for the authority's verification.
EXTRACT_TRANSITIONS = {(DRAFT, "submit"): ISSUED}
# verify: the outcomes that release nothing as organic say why (box 20).
NEEDS_REASON = ("released_conventional", "not_released")
REASON_LENGTH = 1000
# A draft nobody touched for this long is removed by DynamoDB's TTL (SPEC 6), unless it holds
# something: an extract's quantities on its base, or a replacement the old COI waits for.
DRAFT_LIFETIME = timedelta(days=90)
ACTIONS = ("submit", "issue", "verify", "sign", "replace", "extracts", "deplete", "irregularity",
           "delete")


@dataclass(frozen=True)
class Allowed:
    edit: frozenset
    actions: frozenset

    def as_json(self) -> dict:
        return {"edit": sorted(self.edit), "actions": sorted(self.actions)}


NOTHING = Allowed(frozenset(), frozenset())


def allowed(status: str, parties, is_extract: bool = False) -> Allowed:
    """What a person acting as `parties` may edit and do in `status`: the union over the
    parties. For a draft, `parties` must already be limited to the creating organisation's."""
    if is_extract and status == DRAFT:
        return Allowed(*EXTRACT_DRAFT) if parties else NOTHING
    edit, actions = set(), set()
    for party in parties:
        boxes, acts = MATRIX.get((status, party), (frozenset(), frozenset()))
        edit |= boxes
        actions |= acts
    return Allowed(frozenset(edit), frozenset(actions))


def check_action(status: str, parties, action: str, is_extract: bool = False) -> None:
    """Refuses an action these parties may not take now: 409 wrong_state to a party of the COI
    when the status allows that action to nobody (no transition from it), 403 when another
    party could take it in this status or when the caller is no party."""
    if action in allowed(status, parties, is_extract).actions:
        return
    if parties and (status, action) not in TRANSITIONS and not (
            action == "verify" and status == ISSUED):
        raise Conflict(N_("This action is not possible for a certificate in this status."),
                       code="wrong_state")
    raise Forbidden(N_("You may not take this action on this certificate."))


def next_status(status: str, action: str, outcome: str | None = None,
                is_extract: bool = False) -> str:
    if action == "verify" and status == ISSUED:
        return VERIFY_OUTCOMES[outcome]
    found = (EXTRACT_TRANSITIONS if is_extract else {}).get((status, action)) \
        or TRANSITIONS.get((status, action))
    if found is None:
        raise Conflict(N_("This action is not possible for a certificate in this status."),
                       code="wrong_state")
    return found


def parties_of(boxes: dict) -> dict[str, str]:
    """party -> the organisation named for it on the COI (parties not named are left out)."""
    found = {}
    for party, (box, field) in PARTY_FIELDS.items():
        value = (boxes.get(box) or {}).get(field)
        if value:
            found[party] = value
    return found


def may_create_as(party: str, kind: str) -> bool:
    """Whether an organisation of `kind` may create a COI acting as `party`."""
    return CREATORS.get(party) == kind


def keeps_creator(boxes: dict, created_by_organisation: str) -> bool:
    """A draft keeps its creating organisation among its parties (as one of the CREATORS), so
    that nobody creates a COI through a party they then remove."""
    return created_by_organisation in {org for party, org in parties_of(boxes).items()
                                       if party in CREATORS}


def list_words(parties) -> set[str]:
    """The words of the list's role filter (LIST_ROLES) that `parties` answer to."""
    return {word for word, covered in LIST_ROLES.items() if set(covered) & set(parties)}


def private(status: str, number: str | None) -> bool:
    """A draft, or a draft deleted before it ever left `draft`, is its creating organisation's
    alone."""
    return status == DRAFT or (status == DELETED and number is None)


def clashing(parties) -> set[str]:
    """The parties among `parties` that SEPARATE keeps apart from another one of them."""
    parties = set(parties)
    return {party for party in parties
            if any(frozenset((party, other)) in SEPARATE for other in parties - {party})}


def apart(named: dict[str, str]) -> set[str]:
    """The parties of `named` (party -> organisation) whose organisation is also named for a
    party SEPARATE keeps apart from them."""
    by_organisation: dict[str, set] = {}
    for party, org in named.items():
        by_organisation.setdefault(org, set()).add(party)
    return set().union(*map(clashing, by_organisation.values()))


def acting_as(boxes: dict, person_organisations, is_private: bool, created_by_organisation: str,
              created_as: str) -> set[str]:
    """The parties a person acts as: those named on the COI for an organisation where the person
    holds a valid role. A draft is its creating organisation's alone; that organisation acts at
    least as the party it created the draft as, even if it is no longer named. A person who
    would act as two parties SEPARATE keeps apart acts as neither controlling one."""
    person_organisations = set(person_organisations)
    if is_private:
        if created_by_organisation not in person_organisations:
            return set()
        return {created_as} | {p for p, org in parties_of(boxes).items()
                               if org == created_by_organisation}
    acting = {p for p, org in parties_of(boxes).items() if org in person_organisations}
    return acting - (clashing(acting) & set(CONTROLLING))


def visible_to(is_private: bool, acting: set, person_organisations,
               created_by_organisation: str) -> bool:
    """A draft is visible to its creating organisation only; later, to every party."""
    if is_private:
        return created_by_organisation in set(person_organisations)
    return bool(acting)


def notified(action: str, status_after: str) -> tuple:
    """Which parties hear of a transition (SPEC 3): submit -> issuer; issue -> importer, RFL and
    the authorities; verify -> importer, RFL, first consignee, issuer; a write-off by customs
    (SPEC 3.3) -> the importer; the rest -> everyone."""
    if action == "submit" and status_after == NEW:
        return (ISSUER,)
    if action in ("issue", "submit"):
        return (IMPORTER, RFL, VERIFIER, ENTRY)
    if action == "verify":
        return (IMPORTER, RFL, CONSIGNEE, ISSUER)
    if action == "write_off":
        return (IMPORTER,)
    return PARTIES


def expires(status: str, is_extract: bool, replaces: str | None, now: datetime) -> datetime | None:
    """When a COI in `status` expires if nobody touches it again: only plain drafts do."""
    if status != DRAFT or is_extract or replaces:
        return None
    return now + DRAFT_LIFETIME


# --- numbers ------------------------------------------------------------------------------
# COI.EU.<member state of clearance (box 9)>.<year>.<7 digits>, given when a COI first leaves
# `draft`, from one sequence per member state and year.
NUMBER = re.compile(r"^COI\.EU\.[A-Z]{2}\.\d{4}\.\d{7}$")
LAST_SEQUENCE = 9_999_999


def number(member_state: str, year: int, sequence: int) -> str:
    if sequence > LAST_SEQUENCE:
        raise Conflict(N_("No certificate number is left for this year."), code="numbers_exhausted")
    return f"COI.EU.{member_state}.{year}.{sequence:07d}"


def is_number(text: str) -> bool:
    return bool(NUMBER.match(text))


# --- verification (box 20) ------------------------------------------------------------------

def verification(boxes: dict, outcome, reason) -> tuple[str, str | None]:
    """The outcome and reason of a verification, checked against the COI's boxes: 400 naming
    the field (a reason is needed when nothing is released as organic; release for extracts
    needs box 12 to say release by batches)."""
    if outcome not in VERIFY_OUTCOMES:
        raise Invalid({"outcome": N_("This value is not one of the choices.")})
    try:
        reason = normalise.multiline(reason, max_length=REASON_LENGTH) or None
    except normalise.FieldError as error:
        raise Invalid({"reason": str(error)}) from None
    if outcome in NEEDS_REASON and not reason:
        raise Invalid({"reason": N_("Give the reason.")})
    if outcome == "released_for_extracts" and not (boxes.get("box12") or {}).get("release_by_batches"):
        raise Invalid({"outcome": N_("Release for extracts needs box 12 to say release by batches.")})
    return outcome, reason
