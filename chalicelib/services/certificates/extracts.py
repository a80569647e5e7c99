"""Extracts (SPEC 3): an extract takes quantities from lines of its base; what extracts hold is
written on the base with conditional updates, so that the sum never passes a line even when two
extracts are made at once. A base whose lines are wholly held becomes `depleted`. The rules of
the quantities are the domain's (domain/extracts.py); here are the writes."""
import uuid
from datetime import datetime

from pynamodb.exceptions import TransactWriteError

from ...domain import coi as rules
from ...domain import coi_parties, coi_values
from ...domain import extracts as quantities
from ...domain.errors import Conflict, Invalid, N_
from ...store import base
from ...store import cois as store
from ...store.cois import Coi, CoiParty
from .. import directory, outbox
from .access import Access
from .views import names, remaining
from .writes import check_boxes, events, history_record, save, webhook, with_derived

REQUEST_FIELDS = {"version", "lines", "box9", "box12"}
TAKERS = (rules.IMPORTER, rules.RFL, rules.VERIFIER, rules.ENTRY)     # who splits, first found


def extract_deltas(coi: Coi, before: dict, after: dict) -> list[tuple[int, int, int]]:
    """For an extract, (base line, packages, thousandths) by which its quantities change."""
    if not coi.is_extract:
        return []
    return quantities.changed(coi.base_lines or [], before.get("box13") or [], after.get("box13") or [])


def reserve(tx, base_id: str, deltas: list, totals: list, extra_actions=()) -> None:
    """Moves what extracts hold on the base's lines by `deltas`, on the condition that no line
    then holds more than its quantity (and that the base still takes extracts when they grow)."""
    by_line = {t["line"]: t for t in totals}
    actions, condition = list(extra_actions), None
    for line, packages, weight in deltas:
        actions += [Coi.reserved_packages[line].set(Coi.reserved_packages[line] + packages),
                    Coi.reserved_weight[line].set(Coi.reserved_weight[line] + weight)]
        if packages > 0 or weight > 0:
            clause = (Coi.reserved_packages[line] <= by_line[line]["packages"] - packages) & \
                     (Coi.reserved_weight[line] <= by_line[line]["weight"] - weight) & \
                     (Coi.status == rules.BASE_FOR_EXTRACT)
            condition = clause if condition is None else condition & clause
    tx.update(Coi(base_id), actions=actions + [Coi.version.add(1)],
              condition=condition if condition is not None else Coi.id.exists())


def _boxes_of(base_coi: Coi, lines: list[dict], given: dict) -> dict:
    """An extract's boxes: the base's, with the lines taken, their share of the gross weight,
    no national reference, and box 9 and 12 as given."""
    base_lines = base_coi.boxes.get("box13") or []
    taken = [{**base_lines[item["line"]], "packages": item.get("packages"), "net_weight": item["net_weight"]}
             for item in lines]
    copied = {k: v for k, v in base_coi.boxes.items() if k in rules.WRITABLE}
    copied.update({"box13": taken, "box16": {"gross_weight": quantities.gross_share(base_coi.boxes, taken),
                                             "unit": "kg"}, "box3": {"national_reference": None}})
    return {**copied, **given}


def extract(access: Access, data: dict, now: datetime) -> Coi:
    base_coi, account = access.coi, access.current.account
    unknown = set(data) - REQUEST_FIELDS
    if unknown:
        raise Invalid({name: N_("This field is not expected.") for name in unknown})
    given = check_boxes({k: v for k, v in data.items() if k in ("box9", "box12")})
    base_lines = base_coi.boxes.get("box13") or []
    lines = quantities.requested(base_lines, data.get("lines"))
    quantities.check_within(lines, remaining(base_coi))
    party = next(p for p in TAKERS if p in access.acting)
    organisation = access.organisation_for(party)
    copied = _boxes_of(base_coi, lines, given)
    found = directory.named(coi_parties.organisations_named(copied))
    made = Coi(uuid.uuid4().hex, status=rules.DRAFT, version=1, is_extract=True,
               extract_of=base_coi.id, created_by_organisation=organisation, created_as=party,
               created_by=account.id, created_at=now, updated_at=now)
    made.boxes = with_derived(None, copied, found)
    made.boxes["box18"] = base_coi.boxes.get("box18")      # issued with its base
    made.names = names(found)
    made.base_lines = quantities.totals(base_lines, lines)
    record = history_record(made.id, account, organisation, "create", now, None, rules.DRAFT,
                            extract_of=base_coi.number or base_coi.id)
    base_record = history_record(base_coi.id, account, organisation, "extracts", now, base_coi.status,
                                 base_coi.status, extract=made.id)

    def writes(tx):
        reserve(tx, base_coi.id, quantities.taken(lines), made.base_lines,
                [Coi.extracts.set(Coi.extracts.append([made.id])), Coi.updated_at.set(now)])
        tx.save(base_record)

    depletion = outbox.item("coi_depletion", {"base": base_coi.id}, now)
    try:
        save(made, record, now, None, writes, [depletion, *webhook(made, "extracts", now)])
    except Conflict as conflict:
        raise quantities.quantity_exceeded() from conflict
    return made


def deplete_if_nothing_remains(payload: dict, now: datetime) -> None:
    """After an extract (from the outbox): a base whose every line is wholly held by extracts
    becomes `depleted`. One conditional write, so that two extracts taking the last quantities
    at once still deplete it; its e-mails go through the outbox in the same transaction."""
    base_coi = store.get(payload["base"])
    if base_coi is None:
        return
    lines = base_coi.boxes.get("box13") or []
    condition = Coi.status == rules.BASE_FOR_EXTRACT
    for i, line in enumerate(lines):
        condition &= Coi.reserved_weight[i] >= coi_values.milli(line.get("net_weight"))
    base_coi.status, base_coi.updated_at = rules.DEPLETED, now
    base_coi.version = int(base_coi.version) + 1
    notices = events(base_coi, "deplete", rules.DEPLETED, None, now)
    try:
        with base.transaction() as tx:
            tx.update(Coi(base_coi.id), actions=[Coi.status.set(rules.DEPLETED), Coi.version.add(1),
                                                 Coi.updated_at.set(now)], condition=condition)
            for org in base_coi.listed_for or ():
                tx.update(CoiParty(org, store.party_sort(base_coi)), actions=[
                    CoiParty.status.set(rules.DEPLETED),
                    CoiParty.organisation_status.set(f"{org}#{rules.DEPLETED}")])
            tx.save(history_record(base_coi.id, None, None, "deplete", now, rules.BASE_FOR_EXTRACT,
                                   rules.DEPLETED, reason="nothing remains"))
            for notice in notices:
                tx.save(notice)
    except TransactWriteError:
        return   # something remains (or the base moved on): nothing to do
    outbox.deliver(notices, now)


def release_extract(access: Access, now: datetime):
    """Deleting an extract gives its quantities back to its base."""
    coi = access.coi
    if not coi.is_extract:
        return None
    deltas = quantities.released(coi.base_lines or [], coi.boxes.get("box13") or [])
    return lambda tx: reserve(tx, coi.extract_of, deltas, coi.base_lines)
