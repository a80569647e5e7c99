"""The COI's actions (POST /api/cois/{id}/<action>): submit, issue, verify, sign, irregularity,
deplete, delete, extracts and replace, each one transaction, e-mails after it commits."""
import uuid
from datetime import datetime


from ... import reference
from ...domain import coi as rules
from ...domain import coi_boxes as boxes_rules
from ...domain import coi_parties
from ...domain import normalise
from ...domain.errors import Conflict, Invalid, N_
from ...store import cois as store
from ...store.cois import Coi, CoiParty
from .. import directory
from ..sessions import Current
from .access import Access, load
from .extracts import extract, release_extract
from .views import names, view
from .writes import STALE, events, history_record, only, person, save, version_of


def permitted(current: Current, coi: Coi | None, action: str) -> Access:
    """The caller facing `coi`, if the matrix lets them `action` it (403), in its status (409);
    asked before what they sent is read, so that who may not act learns nothing more."""
    access = load(current, coi)
    rules.check_action(coi.status, access.acting, action, bool(coi.is_extract))
    return access


def act(access: Access, action: str, data: dict, now: datetime) -> tuple[dict, int]:
    """POST /api/cois/{id}/<action> by a caller `permitted` to: (the COI, HTTP status). The
    version decides whether they still can (409)."""
    current, coi = access.current, access.coi
    version = version_of(data)
    if version != coi.version:
        raise Conflict(STALE, code="stale_version")
    if action == "extracts":
        made = extract(access, data, now)
        return view(made, Access(current, made).allowed), 201
    if action == "replace":
        only(data)
        replacement = _replace(access, now)
        return view(replacement, Access(current, replacement).allowed), 201
    before = coi.status
    change = TRANSITION_STEPS[action](access, data, now)
    after = coi.status
    coi.version, coi.updated_at = version + 1, now
    record = history_record(coi.id, current.account, access.acting_organisation(), action, now, before,
                      after, change.pop("changes", None), **change)
    extra = _EXTRA_WRITES.get(action)
    save(coi, record, now, (before, version), extra(access, now) if extra else None,
         events(coi, action, after, current.account, now))
    return view(coi, Access(current, coi).allowed), 200


def _signature(access: Access, now: datetime, *parties: str) -> dict:
    return {"signed_by": person(access.current.account),
            "organisation": access.organisation_for(*parties), "at": now.isoformat()}


def _certify(access: Access, data: dict, now: datetime, action: str) -> dict:
    """submit and issue: every mandatory box and organisation checked; the number given when
    the COI first leaves `draft`; issue signs box 18."""
    only(data)
    coi = access.coi
    found = directory.named(coi_parties.organisations_named(coi.boxes))
    facts = {k: directory.facts(v) for k, v in found.items()}
    boxes = boxes_rules.derive(dict(coi.boxes), facts, reference.equivalent_countries())
    boxes_rules.check_complete(boxes, facts)
    after = rules.next_status(coi.status, action, is_extract=bool(coi.is_extract))
    if after == rules.ISSUED and action == "issue":
        boxes["box18"] = _signature(access, now, rules.ISSUER)
    if coi.number is None:
        member = boxes["box9"]["member_state"]
        coi.number = rules.number(member, now.year, store.next_number(member, now.year))
    if after == rules.ISSUED:
        coi.issued_at = now
    changed = boxes_rules.changes(coi.boxes, boxes)
    coi.boxes, coi.names, coi.status = boxes, names(found), after
    return {"changes": changed, "number": coi.number}


def _verify(access: Access, data: dict, now: datetime) -> dict:
    only(data, "outcome", "reason")
    coi = access.coi
    outcome, reason = rules.verification(coi.boxes, data.get("outcome"), data.get("reason"))
    box20 = {"outcome": outcome, "reason": reason,
             **_signature(access, now, rules.VERIFIER, rules.ENTRY)}
    coi.status = rules.next_status(coi.status, "verify", outcome)
    if coi.status == rules.BASE_FOR_EXTRACT:
        count = len(coi.boxes.get("box13") or [])
        coi.reserved_packages, coi.reserved_weight = [0] * count, [0] * count
    changes = {"box20": {"old": coi.boxes.get("box20"), "new": box20}}
    coi.boxes = {**coi.boxes, "box20": box20}
    return {"changes": changes, "outcome": outcome}


def _sign(access: Access, data: dict, now: datetime) -> dict:
    only(data)
    coi = access.coi
    box21 = _signature(access, now, rules.CONSIGNEE)
    coi.status = rules.next_status(coi.status, "sign")
    changes = {"box21": {"old": coi.boxes.get("box21"), "new": box21}}
    coi.boxes = {**coi.boxes, "box21": box21}
    return {"changes": changes}


def _irregularity(access: Access, data: dict, now: datetime) -> dict:
    only(data, "description")
    try:
        description = normalise.multiline(data.get("description"), max_length=2000)
    except normalise.FieldError as error:
        raise Invalid({"description": str(error)}) from None
    if not description:
        raise Invalid({"description": N_("Describe the irregularity.")})
    access.coi.irregularity = description
    access.coi.status = rules.next_status(access.coi.status, "irregularity")
    return {"description": description}


def _simple(action: str):
    def step(access: Access, data: dict, now: datetime) -> dict:
        only(data)
        access.coi.status = rules.next_status(access.coi.status, action)
        return {}
    return step


TRANSITION_STEPS = {
    "submit": lambda a, d, n: _certify(a, d, n, "submit"),
    "issue": lambda a, d, n: _certify(a, d, n, "issue"),
    "verify": _verify, "sign": _sign, "irregularity": _irregularity,
    "deplete": _simple("deplete"), "delete": _simple("delete"),
}


def _replaced_on_issue(access: Access, now: datetime):
    """Issuing a replacement makes the COI it replaces `replaced`, if that one is still issued."""
    coi = access.coi
    if not coi.replaces:
        return None
    old = store.get(coi.replaces)
    if old is None:
        return None

    def writes(tx):
        tx.update(Coi(old.id), actions=[Coi.status.set(rules.REPLACED), Coi.version.add(1)],
                  condition=(Coi.status == rules.ISSUED) & (Coi.replaced_by == coi.id))
        for org in old.listed_for or ():
            tx.update(CoiParty(org, store.party_sort(old)), actions=[
                CoiParty.status.set(rules.REPLACED),
                CoiParty.organisation_status.set(f"{org}#{rules.REPLACED}")])
        tx.save(history_record(old.id, access.current.account, access.acting_organisation(), "replaced",
                         now, rules.ISSUED, rules.REPLACED, replaced_by=coi.id))

    return writes


def _freed_on_delete(access: Access, now: datetime):
    """Deleting a replacement's draft (never issued) leaves the COI it would have replaced
    `issued` and as usable as before (SPEC 3: replaced only when the replacement is issued)."""
    coi = access.coi
    if not coi.replaces or coi.issued_at is not None:
        return None

    def writes(tx):
        tx.update(Coi(coi.replaces), actions=[Coi.replaced_by.remove(), Coi.version.add(1),
                                              Coi.updated_at.set(now)],
                  condition=Coi.replaced_by == coi.id)
        tx.save(history_record(coi.replaces, access.current.account, access.acting_organisation(),
                               "replacement_deleted", now, rules.ISSUED, rules.ISSUED, replacement=coi.id))

    return writes


def _on_delete(access: Access, now: datetime):
    """What deleting a COI frees: an extract's quantities on its base, a replaced COI."""
    found = [w for w in (release_extract(access, now), _freed_on_delete(access, now)) if w]
    if not found:
        return None
    return lambda tx: [writes(tx) for writes in found]


_EXTRA_WRITES = {"delete": _on_delete, "issue": _replaced_on_issue}


def _replace(access: Access, now: datetime) -> Coi:
    """A new draft of the issuer, a copy of the COI linked both ways; the old one becomes
    `replaced` when the new one is issued."""
    old, account = access.coi, access.current.account
    organisation = access.organisation_for(rules.ISSUER)
    new = Coi(uuid.uuid4().hex, status=rules.DRAFT, version=1, created_by_organisation=organisation,
              created_as=rules.ISSUER, created_by=account.id, created_at=now, updated_at=now,
              replaces=old.id, names=old.names)
    new.boxes = {**old.boxes, "box18": None, "box20": None, "box21": None}
    record = history_record(new.id, account, organisation, "create", now, None, rules.DRAFT,
                      replaces=old.number or old.id)
    old_version = int(old.version)

    def writes(tx):
        tx.update(Coi(old.id), actions=[Coi.replaced_by.set(new.id), Coi.version.add(1),
                                        Coi.updated_at.set(now)],
                  condition=(Coi.status == rules.ISSUED) & (Coi.version == old_version)
                  & Coi.replaced_by.does_not_exist())
        tx.save(history_record(old.id, account, organisation, "replace", now, old.status, old.status,
                         replaced_by=new.id))

    old.replaced_by = new.id
    save(new, record, now, None, writes, events(old, "replace", old.status, account, now))
    return new
