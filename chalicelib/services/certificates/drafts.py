"""Creating a COI and editing its boxes (POST /api/cois, PATCH /api/cois/{id})."""
import uuid
from datetime import datetime


from ...domain import coi as rules
from ...domain import coi_boxes as boxes_rules
from ...domain import coi_parties, coi_table
from ...domain.errors import Conflict, Forbidden, Invalid, N_
from ...store.accounts import Account
from ...store.cois import Coi
from .. import directory
from ..sessions import Current
from .access import Access, load
from .extracts import extract_deltas, reserve
from .views import names, view
from .writes import STALE, check_boxes, history_record, save, version_of, with_derived


def _creator(account: Account, boxes: dict, found: dict) -> tuple[str, str, dict]:
    """(organisation, party, boxes) of a new COI: the caller's organisation named on it as
    importer, exporter, RFL or issuer (and of that kind), or pre-filled in box 11, 4 or 1 where
    it fits."""
    mine = set(account.roles)

    def may(org_id, party: str) -> bool:
        org = found.get(org_id)
        return org is not None and org_id in mine and org.status == "valid" \
            and rules.may_create_as(party, org.kind)

    named = rules.parties_of(boxes)
    for party in rules.CREATORS:
        if may(named.get(party), party):
            return named[party], party, boxes
    for party in (rules.IMPORTER, rules.EXPORTER, rules.ISSUER):
        box, field = rules.PARTY_FIELDS[party]
        activity = coi_table.BY_NAME[box].field(field).activity   # the activity its box asks for
        for org_id in sorted(mine):
            if may(org_id, party) and not named.get(party) and (
                    activity is None or activity in (found[org_id].activities or ())):
                return org_id, party, {**boxes, box: {**(boxes.get(box) or {}), field: org_id}}
    raise Forbidden(N_("Only an importer, an exporter, a person responsible for the load or a "
                       "control body named on the certificate may create it."))


def create(current: Current, data: dict, now: datetime) -> dict:
    """POST /api/cois: a draft of the caller's organisation (any subset of the boxes)."""
    given = check_boxes(data.get("boxes") or {})
    account = current.account
    found = directory.named(coi_parties.organisations_named(given) | set(account.roles))
    organisation, party, given = _creator(account, given, found)
    coi = Coi(uuid.uuid4().hex, status=rules.DRAFT, version=1, created_by_organisation=organisation,
              created_as=party, created_by=account.id, created_at=now, updated_at=now)
    coi.boxes = with_derived(None, given, found)
    coi.names = names({k: v for k, v in found.items()
                        if k in coi_parties.organisations_named(coi.boxes)})
    record = history_record(coi.id, account, organisation, "create", now, None, rules.DRAFT,
                      boxes_rules.changes({}, {k: v for k, v in coi.boxes.items() if v}))
    save(coi, record, now, None)
    return view(coi, Access(current, coi).allowed)


def _not_editable(access: Access, given: dict) -> list[str]:
    edit = access.allowed.edit
    refused = []
    for box, value in given.items():
        if box in edit:
            continue
        if box == "box13" and rules.BOX13_QUANTITIES <= edit and boxes_rules.quantities_only_changed(
                access.coi.boxes.get("box13") or [], value):
            continue
        refused.append(box)
    return sorted(refused)


def _box_not_editable(boxes: list[str]) -> Forbidden:
    error = Forbidden(N_("You may not change these boxes in this status: {boxes}."),
                      code="box_not_editable", boxes=", ".join(boxes))
    error.extra = {"boxes": boxes}
    return error


def _keeps_creator(coi: Coi, after: dict) -> None:
    """A draft (not an extract, which an authority may split) keeps its creating organisation
    among its parties: 400 on the fields that named it."""
    if coi.status != rules.DRAFT or coi.is_extract or \
            rules.keeps_creator(after, coi.created_by_organisation):
        return
    named = rules.parties_of(coi.boxes)
    fields = [rules.PARTY_FIELDS[p] for p in rules.CREATORS
              if named.get(p) == coi.created_by_organisation] or [rules.PARTY_FIELDS[coi.created_as]]
    raise Invalid({f"boxes.{box}.{field}": N_(
        "Your organisation created this draft: it stays named on it as importer, exporter, "
        "responsible for the load or issuer.") for box, field in fields})


def update(current: Current, coi: Coi | None, data: dict, now: datetime) -> dict:
    """PATCH /api/cois/{id}: the boxes given, each replaced whole, if the caller may edit them in
    this status (403 `box_not_editable` naming the others; nothing changes)."""
    access = load(current, coi)
    version = version_of(data)
    given = check_boxes(data.get("boxes"))
    refused = _not_editable(access, given)
    if refused:
        raise _box_not_editable(refused)
    if version != coi.version:
        raise Conflict(STALE, code="stale_version")
    found = directory.named(coi_parties.organisations_named({**coi.boxes, **given}))
    before = coi.boxes
    after = with_derived(coi, given, found)
    _keeps_creator(coi, after)
    changed = boxes_rules.changes(before, after)
    if not changed:
        return view(coi, access.allowed)
    deltas = extract_deltas(coi, before, after)
    coi.boxes, coi.names = after, names(found)
    coi.version, coi.updated_at = version + 1, now
    record = history_record(coi.id, current.account, access.acting_organisation(), "edit", now,
                      coi.status, coi.status, changed)
    save(coi, record, now, (coi.status, version),
          (lambda tx: reserve(tx, coi.extract_of, deltas, coi.base_lines)) if deltas else None)
    return view(coi, Access(current, coi).allowed)
