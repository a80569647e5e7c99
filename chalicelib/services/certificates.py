"""Certificates of inspection (SPEC 3): create, read, edit by boxes, the transitions, extracts,
replacements, the lists, the history, the PDF and the public verification. Each write is one
transaction: the COI (conditional on its status and version), its list items, the other COI it
touches (a replaced COI, the base of an extract, with conditions on the quantities) and the
history record. What follows a commit (e-mails, a base's depletion) is an outbox item written in
the same transaction and delivered after it (services/outbox.py)."""
import json
import re
import uuid
from datetime import datetime, timedelta

from pynamodb.exceptions import TransactWriteError

from .. import reference
from ..config import settings
from ..domain import coi as rules
from ..domain import coi_boxes as boxes_rules
from ..domain import normalise
from ..domain.errors import Conflict, Forbidden, Invalid, N_, NotFound, TooManyRequests
from ..store import audit, base, paging
from ..store import cois as store
from ..store.accounts import Account
from ..store.cois import Coi, CoiParty
from . import coi_notices, directory, outbox, webhooks
from .sessions import Current

STALE = N_("Someone changed this certificate meanwhile; reload it.")
_ID = re.compile(r"^[0-9a-f]{32}$")
_NUMBER = re.compile(r"^COI\.EU\.[A-Z]{2}\.\d{4}\.\d{7}$")
PUBLIC_PER_MINUTE = 30        # public verifications per client and minute (SPEC 3.1: 429 past it)


def check_boxes(boxes) -> dict:
    """The boxes a client sent, each whole and normalised (400 naming every field in error)."""
    return boxes_rules.check_boxes(boxes, boxes_rules.BoxReference(countries=reference.country_codes()))


def valid_id(coi_id: str) -> bool:
    return bool(_ID.match(coi_id or ""))


# --- who acts ------------------------------------------------------------------------------

class Access:
    """A person facing a COI: the parties they act as and what the matrix allows them."""

    def __init__(self, current: Current, coi: Coi):
        self.current, self.coi = current, coi
        self.organisations = set(current.account.roles)
        private = rules.private(coi.status, coi.number)
        self.acting = rules.acting_as(coi.boxes, self.organisations, private,
                                      coi.created_by_organisation, coi.created_as)
        if not rules.visible_to(private, self.acting, self.organisations,
                                coi.created_by_organisation):
            raise NotFound(N_("There is no such certificate."))
        self.allowed = rules.allowed(coi.status, self.acting, bool(coi.is_extract))
        if coi.replaced_by:   # a replacement is under way: the old COI is no longer edited
            self.allowed = rules.Allowed(frozenset(), self.allowed.actions - {"replace"})

    def organisation_for(self, *parties: str) -> str:
        """The organisation through which the person acts as one of `parties`."""
        if rules.private(self.coi.status, self.coi.number):
            return self.coi.created_by_organisation
        named = rules.parties_of(self.coi.boxes)
        return next(named[p] for p in parties if p in self.acting and p in named)

    def acting_organisation(self) -> str:
        return self.organisation_for(*rules.PARTIES)


def load(current: Current, coi: Coi | None) -> Access:
    if coi is None:
        raise NotFound(N_("There is no such certificate."))
    return Access(current, coi)


# --- what the API shows --------------------------------------------------------------------

def view(coi: Coi, allowed: rules.Allowed) -> dict:
    return {"id": coi.id, "number": coi.number, "status": coi.status, "version": int(coi.version),
            "created_by_organisation": coi.created_by_organisation,
            "created_at": coi.created_at.isoformat(), "updated_at": coi.updated_at.isoformat(),
            "issued_at": coi.issued_at.isoformat() if coi.issued_at else None,
            "replaces": coi.replaces, "replaced_by": coi.replaced_by,
            "extract_of": coi.extract_of, "extracts": list(coi.extracts or []),
            "irregularity": coi.irregularity, "allowed": allowed.as_json(),
            "boxes": coi.boxes, "organisations": coi.names or {},
            "warnings": ["several_origins_for_one_lot"]
            if boxes_rules.several_origins_for_one_lot(coi.boxes) else [],
            "remaining": _remaining(coi)}


def _remaining(coi: Coi) -> list | None:
    """For a base of extracts: what remains of each line of box 13."""
    if coi.reserved_weight is None:
        return None
    lines = coi.boxes.get("box13") or []
    return [{"line": i, "packages": int(line.get("packages") or 0) - int(coi.reserved_packages[i]),
             "net_weight": boxes_rules.from_milli(
                 boxes_rules.milli(line.get("net_weight")) - int(coi.reserved_weight[i])),
             "unit": line.get("unit")}
            for i, line in enumerate(lines)]


def read(current: Current, coi: Coi | None) -> dict:
    access = load(current, coi)
    return view(access.coi, access.allowed)


# --- writing -------------------------------------------------------------------------------

def _person(account: Account) -> str:
    return f"{account.first_name} {account.last_name}"


def _names(found: dict) -> dict:
    return {o.id: {"name": o.name, "country": o.country, "code": o.code, "city": o.city,
                   "kind": o.kind} for o in found.values()}


def _listing(coi: Coi) -> dict[str, set]:
    """list key -> the parties its organisation is on this COI, for the organisations whose lists
    show it (a draft: its creating organisation only): the organisation's own key, and one key
    per role it holds (store.list_key), for the list filtered by role."""
    named = rules.parties_of(coi.boxes)
    found: dict[str, set] = {}
    if rules.private(coi.status, coi.number):
        found[coi.created_by_organisation] = {coi.created_as} | {
            p for p, org in named.items() if org == coi.created_by_organisation}
    else:
        for party, org in named.items():
            found.setdefault(org, set()).add(party)
    return {**found, **{store.list_key(org, word): parties for org, parties in found.items()
                        for word in rules.list_words(parties)}}


def relist(coi: Coi) -> bool:
    """Writes a COI's list items again as `_listing` says, the role items included, if they
    differ (`dev.admin migrate-coi-lists`, for COIs made before the lists by role); conditional
    on its version: a COI changed meanwhile was listed by its change. True when rewritten."""
    if set(_listing(coi)) == set(coi.listed_for or ()):
        return False
    try:
        with base.transaction() as tx:
            actions = _list_writes(tx, coi, coi.updated_at)     # the same expiry as its last write
            tx.update(Coi(coi.id), actions=actions, condition=Coi.version == coi.version)
    except TransactWriteError:
        return False
    return True


def _summary(coi: Coi) -> dict:
    names = coi.names or {}
    named = rules.parties_of(coi.boxes)
    lines = coi.boxes.get("box13") or []
    first = lines[0] if lines else {}
    return {**{party: (names.get(org) or {}).get("name", org) for party, org in named.items()},
            "product": " ".join(filter(None, [first.get("cn_code"), first.get("trade_name")])) or None,
            "lines": len(lines)}


def _list_writes(tx, coi: Coi, now: datetime) -> list:
    """Puts the list items of the organisations the COI shows for, deletes the others; returns
    the actions that record them on the COI."""
    listing = _listing(coi)
    sort = store.party_sort(coi)
    summary = _summary(coi)
    coi.expires_at = rules.expires(coi.status, bool(coi.is_extract), coi.replaces, now)
    for org, parties in listing.items():
        tx.save(CoiParty(org, sort, coi_id=coi.id, status=coi.status,
                         organisation_status=f"{org}#{coi.status}", roles=set(parties),
                         number=coi.number, summary=summary, updated_at=now,
                         expires_at=coi.expires_at))
    for org in set(coi.listed_for or ()) - set(listing):
        tx.delete(CoiParty(org, sort))
    coi.listed_for = set(listing)
    return [Coi.listed_for.set(set(listing))]


def _history(coi_id: str, account: Account, organisation: str | None, action: str, now: datetime,
             before: str | None, after: str | None, changes: dict | None = None, **details):
    return audit.record(f"coi#{coi_id}", account.id if account else "system", action, now,
                        before=before, after=after, organisation=organisation,
                        person=_person(account) if account else None,
                        changes=json.dumps(changes, sort_keys=True) if changes else None, **details)


def _save(coi: Coi, record, now: datetime, expected: tuple | None, extra=None,
          follow_up=()) -> None:
    """One transaction: the COI as it is now (conditional on the status and version it was read
    in, or new), its list items, the history record, `extra(tx)` writes and the outbox items of
    what must follow (e-mails...), delivered once it commits. A refused condition is a 409; a
    backend fault (store.faults) is no conflict and passes through (503, nothing written)."""
    try:
        with base.transaction() as tx:
            _list_writes(tx, coi, now)
            if expected is None:
                tx.save(coi, condition=Coi.id.does_not_exist())
            else:
                status, version = expected
                tx.save(coi, condition=(Coi.status == status) & (Coi.version == version))
            tx.save(record)
            if extra:
                extra(tx)
            for item in follow_up:
                tx.save(item)
    except TransactWriteError as error:
        raise Conflict(STALE, code="stale_version") from error
    outbox.deliver(follow_up, now)


def _events(coi: Coi, action: str, status_after: str, actor: Account | None, now: datetime) -> list:
    """The outbox items of a transition: its e-mails, and its webhook event."""
    return [outbox.item("coi_event", coi_notices.event(coi, action, status_after,
                                                       actor.id if actor else None), now),
            *_webhook(coi, action, now)]


def _webhook(coi: Coi, action: str, now: datetime) -> list:
    """The outbox item of the webhook event of `action` on `coi` (SPEC 5.1), for the
    organisations the COI shows for; none for an action without an event."""
    found = webhooks.event(action, {"id": coi.id, "number": coi.number, "status": coi.status,
                                    "version": int(coi.version)}, set(_listing(coi)), now)
    return [outbox.item("webhook_event", found, now)] if found else []


def _with_derived(coi: Coi, given: dict, found: dict) -> dict:
    """The COI's boxes with `given` replaced whole, derived ones recomputed; 400 when a box names
    an organisation it may not (boxes_rules.check_named: in a draft, one not in the directory)."""
    facts = {org_id: directory.facts(org) for org_id, org in found.items()}
    writable = {k: v for k, v in (coi.boxes if coi else boxes_rules.empty_boxes()).items()
                if k in rules.WRITABLE}
    derived = boxes_rules.derive({**writable, **given}, facts, reference.equivalent_countries())
    if coi and "box8" not in given and (coi.boxes.get("box8") or {}).get("country_of_export"):
        derived["box8"] = coi.boxes["box8"]     # a typed country of export stays as typed
    boxes_rules.check_named(derived, facts, given, draft=coi is None or coi.status == rules.DRAFT)
    for box in rules.SIGNATURES:
        derived[box] = coi.boxes.get(box) if coi else None
    return derived


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
    fits = ((rules.IMPORTER, "box11", "importer", lambda o: "organic_importer" in (o.activities or ())),
            (rules.EXPORTER, "box4", "exporter", lambda o: "organic_exporter" in (o.activities or ())),
            (rules.ISSUER, "box1", "issuer", lambda o: True))
    for party, box, field, fit in fits:
        for org_id in sorted(mine):
            if may(org_id, party) and fit(found[org_id]) and not named.get(party):
                return org_id, party, {**boxes, box: {**(boxes.get(box) or {}), field: org_id}}
    raise Forbidden(N_("Only an importer, an exporter, a person responsible for the load or a "
                       "control body named on the certificate may create it."))


def create(current: Current, data: dict, now: datetime) -> dict:
    """POST /api/cois: a draft of the caller's organisation (any subset of the boxes)."""
    given = check_boxes(data.get("boxes") or {})
    account = current.account
    found = directory.named(boxes_rules.organisations_named(given) | set(account.roles))
    organisation, party, given = _creator(account, given, found)
    coi = Coi(uuid.uuid4().hex, status=rules.DRAFT, version=1, created_by_organisation=organisation,
              created_as=party, created_by=account.id, created_at=now, updated_at=now)
    coi.boxes = _with_derived(None, given, found)
    coi.names = _names({k: v for k, v in found.items()
                        if k in boxes_rules.organisations_named(coi.boxes)})
    record = _history(coi.id, account, organisation, "create", now, None, rules.DRAFT,
                      boxes_rules.changes({}, {k: v for k, v in coi.boxes.items() if v}))
    _save(coi, record, now, None)
    return view(coi, Access(current, coi).allowed)


def _version(data: dict) -> int:
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise Invalid({"version": N_("This field is required.")})
    return version


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
    version = _version(data)
    given = check_boxes(data.get("boxes"))
    refused = _not_editable(access, given)
    if refused:
        raise _box_not_editable(refused)
    if version != coi.version:
        raise Conflict(STALE, code="stale_version")
    found = directory.named(boxes_rules.organisations_named({**coi.boxes, **given}))
    before = coi.boxes
    after = _with_derived(coi, given, found)
    _keeps_creator(coi, after)
    changed = boxes_rules.changes(before, after)
    if not changed:
        return view(coi, access.allowed)
    deltas = _extract_deltas(coi, before, after)
    coi.boxes, coi.names = after, _names(found)
    coi.version, coi.updated_at = version + 1, now
    record = _history(coi.id, current.account, access.acting_organisation(), "edit", now,
                      coi.status, coi.status, changed)
    _save(coi, record, now, (coi.status, version),
          (lambda tx: _reserve(tx, coi.extract_of, deltas, coi.base_lines)) if deltas else None)
    return view(coi, Access(current, coi).allowed)


# --- extracts: quantities held on the base ---------------------------------------------------

def _extract_deltas(coi: Coi, before: dict, after: dict) -> list[tuple[int, int, int]]:
    """For an extract, (base line, packages, thousandths) by which its quantities change."""
    if not coi.is_extract:
        return []
    deltas = []
    for position, taken in enumerate(coi.base_lines or []):
        old = (before.get("box13") or [])[position]
        new = (after.get("box13") or [])[position]
        packages = int(new.get("packages") or 0) - int(old.get("packages") or 0)
        weight = boxes_rules.milli(new.get("net_weight")) - boxes_rules.milli(old.get("net_weight"))
        if packages or weight:
            deltas.append((taken["line"], packages, weight))
    return deltas


def _reserve(tx, base_id: str, deltas: list, totals: list, extra_actions=()) -> None:
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


def _quantity_exceeded() -> Conflict:
    return Conflict(N_("The quantities asked for are more than what remains of the consignment."),
                    code="quantity_exceeded")


def _extract_lines(base: Coi, lines) -> list[dict]:
    """The lines of an extract request: each a line of the base, once, with a quantity that
    remains (the write checks it again against the database)."""
    base_lines = base.boxes.get("box13") or []
    if not isinstance(lines, list) or not lines or len(lines) > len(base_lines):
        raise Invalid({"lines": N_("Choose at least one line of the certificate.")})
    errors, out, seen = {}, [], set()
    for i, item in enumerate(lines):
        if not isinstance(item, dict) or set(item) - {"line", "packages", "net_weight"}:
            errors[f"lines.{i}"] = N_("This value is not valid.")
            continue
        line = item.get("line")
        if not isinstance(line, int) or isinstance(line, bool) or not 0 <= line < len(base_lines) \
                or line in seen:
            errors[f"lines.{i}.line"] = N_("Choose a line of the certificate.")
            continue
        seen.add(line)
        for name, rule in (("packages", boxes_rules.count), ("net_weight", boxes_rules.weight)):
            try:
                item[name] = rule(item.get(name))
            except normalise.FieldError as error:
                errors[f"lines.{i}.{name}"] = str(error)
        if item.get("net_weight") is None and f"lines.{i}.net_weight" not in errors:
            errors[f"lines.{i}.net_weight"] = N_("This field is required.")
        out.append(item)
    if errors:
        raise Invalid(errors)
    remaining = {r["line"]: r for r in _remaining(base)}
    for item in out:
        left = remaining[item["line"]]
        if (item.get("packages") or 0) > left["packages"] or \
                boxes_rules.milli(item["net_weight"]) > boxes_rules.milli(left["net_weight"]):
            raise _quantity_exceeded()
    return out


def _extract(access: Access, data: dict, now: datetime) -> Coi:
    base_coi, account = access.coi, access.current.account
    unknown = set(data) - {"version", "lines", "box9", "box12"}
    if unknown:
        raise Invalid({name: N_("This field is not expected.") for name in unknown})
    given = check_boxes({k: v for k, v in data.items() if k in ("box9", "box12")})
    lines = _extract_lines(base_coi, data.get("lines"))
    party = next(p for p in (rules.IMPORTER, rules.RFL, rules.VERIFIER, rules.ENTRY)
                 if p in access.acting)
    organisation = access.organisation_for(party)
    base_lines = base_coi.boxes.get("box13") or []
    taken = [{**base_lines[item["line"]], "packages": item.get("packages"),
              "net_weight": item["net_weight"]} for item in lines]
    share = sum(boxes_rules.milli(t["net_weight"]) for t in taken) / max(
        1, sum(boxes_rules.milli(line.get("net_weight")) for line in base_lines))
    gross = boxes_rules.milli((base_coi.boxes.get("box16") or {}).get("gross_weight"))
    copied = {k: v for k, v in base_coi.boxes.items() if k in rules.WRITABLE}
    copied.update({"box13": taken, "box16": {"gross_weight": boxes_rules.from_milli(
        round(gross * share)) if gross else None, "unit": "kg"}, "box3": {"national_reference": None}})
    copied.update(given)
    found = directory.named(boxes_rules.organisations_named(copied))
    extract = Coi(uuid.uuid4().hex, status=rules.DRAFT, version=1, is_extract=True,
                  extract_of=base_coi.id, created_by_organisation=organisation, created_as=party,
                  created_by=account.id, created_at=now, updated_at=now)
    extract.boxes = _with_derived(None, copied, found)
    extract.boxes["box18"] = base_coi.boxes.get("box18")      # issued with its base
    extract.names = _names(found)
    extract.base_lines = [{"line": item["line"],
                           "packages": int(base_lines[item["line"]].get("packages") or 0),
                           "weight": boxes_rules.milli(base_lines[item["line"]].get("net_weight"))}
                          for item in lines]
    deltas = [(item["line"], int(item.get("packages") or 0), boxes_rules.milli(item["net_weight"]))
              for item in lines]
    record = _history(extract.id, account, organisation, "create", now, None, rules.DRAFT,
                      extract_of=base_coi.number or base_coi.id)
    base_record = _history(base_coi.id, account, organisation, "extracts", now, base_coi.status,
                           base_coi.status, extract=extract.id)

    def writes(tx):
        _reserve(tx, base_coi.id, deltas, extract.base_lines,
                 [Coi.extracts.set(Coi.extracts.append([extract.id])), Coi.updated_at.set(now)])
        tx.save(base_record)

    depletion = outbox.item("coi_depletion", {"base": base_coi.id}, now)
    try:
        _save(extract, record, now, None, writes, [depletion, *_webhook(extract, "extracts", now)])
    except Conflict as conflict:
        raise _quantity_exceeded() from conflict
    return extract


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
        condition &= Coi.reserved_weight[i] >= boxes_rules.milli(line.get("net_weight"))
    base_coi.status, base_coi.updated_at = rules.DEPLETED, now
    base_coi.version = int(base_coi.version) + 1
    notices = _events(base_coi, "deplete", rules.DEPLETED, None, now)
    try:
        with base.transaction() as tx:
            tx.update(Coi(base_coi.id), actions=[Coi.status.set(rules.DEPLETED), Coi.version.add(1),
                                                 Coi.updated_at.set(now)], condition=condition)
            for org in base_coi.listed_for or ():
                tx.update(CoiParty(org, store.party_sort(base_coi)), actions=[
                    CoiParty.status.set(rules.DEPLETED),
                    CoiParty.organisation_status.set(f"{org}#{rules.DEPLETED}")])
            tx.save(_history(base_coi.id, None, None, "deplete", now, rules.BASE_FOR_EXTRACT,
                             rules.DEPLETED, reason="nothing remains"))
            for notice in notices:
                tx.save(notice)
    except TransactWriteError:
        return   # something remains (or the base moved on): nothing to do
    outbox.deliver(notices, now)


# --- transitions ---------------------------------------------------------------------------

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
    version = _version(data)
    if version != coi.version:
        raise Conflict(STALE, code="stale_version")
    if action == "extracts":
        extract = _extract(access, data, now)
        return view(extract, Access(current, extract).allowed), 201
    if action == "replace":
        _only(data)
        replacement = _replace(access, now)
        return view(replacement, Access(current, replacement).allowed), 201
    before = coi.status
    change = TRANSITION_STEPS[action](access, data, now)
    after = coi.status
    coi.version, coi.updated_at = version + 1, now
    record = _history(coi.id, current.account, access.acting_organisation(), action, now, before,
                      after, change.pop("changes", None), **change)
    extra = _EXTRA_WRITES.get(action)
    _save(coi, record, now, (before, version), extra(access, now) if extra else None,
          _events(coi, action, after, current.account, now))
    return view(coi, Access(current, coi).allowed), 200


def _only(data: dict, *fields: str) -> dict:
    unknown = set(data) - {"version", *fields}
    if unknown:
        raise Invalid({name: N_("This field is not expected.") for name in sorted(unknown)})
    return data


def _signature(access: Access, now: datetime, *parties: str) -> dict:
    return {"signed_by": _person(access.current.account),
            "organisation": access.organisation_for(*parties), "at": now.isoformat()}


def _certify(access: Access, data: dict, now: datetime, action: str) -> dict:
    """submit and issue: every mandatory box and organisation checked; the number given when
    the COI first leaves `draft`; issue signs box 18."""
    _only(data)
    coi = access.coi
    found = directory.named(boxes_rules.organisations_named(coi.boxes))
    facts = {k: directory.facts(v) for k, v in found.items()}
    boxes = boxes_rules.derive(dict(coi.boxes), facts, reference.equivalent_countries())
    boxes_rules.check_complete(boxes, facts)
    after = rules.next_status(coi.status, action, is_extract=bool(coi.is_extract))
    if after == rules.ISSUED and action == "issue":
        boxes["box18"] = _signature(access, now, rules.ISSUER)
    if coi.number is None:
        member = boxes["box9"]["member_state"]
        sequence = store.next_number(member, now.year)
        if sequence > 9_999_999:
            raise Conflict(N_("No certificate number is left for this year."), code="numbers_exhausted")
        coi.number = f"COI.EU.{member}.{now.year}.{sequence:07d}"
    if after == rules.ISSUED:
        coi.issued_at = now
    changed = boxes_rules.changes(coi.boxes, boxes)
    coi.boxes, coi.names, coi.status = boxes, _names(found), after
    return {"changes": changed, "number": coi.number}


def _verify(access: Access, data: dict, now: datetime) -> dict:
    _only(data, "outcome", "reason")
    coi = access.coi
    outcome = data.get("outcome")
    if outcome not in rules.VERIFY_OUTCOMES:
        raise Invalid({"outcome": N_("This value is not one of the choices.")})
    try:
        reason = normalise.multiline(data.get("reason"), max_length=1000) or None
    except normalise.FieldError as error:
        raise Invalid({"reason": str(error)}) from None
    if outcome in rules.NEEDS_REASON and not reason:
        raise Invalid({"reason": N_("Give the reason.")})
    if outcome == "released_for_extracts" and not (coi.boxes.get("box12") or {}).get("release_by_batches"):
        raise Invalid({"outcome": N_("Release for extracts needs box 12 to say release by batches.")})
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
    _only(data)
    coi = access.coi
    box21 = _signature(access, now, rules.CONSIGNEE)
    coi.status = rules.next_status(coi.status, "sign")
    changes = {"box21": {"old": coi.boxes.get("box21"), "new": box21}}
    coi.boxes = {**coi.boxes, "box21": box21}
    return {"changes": changes}


def _irregularity(access: Access, data: dict, now: datetime) -> dict:
    _only(data, "description")
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
        _only(data)
        access.coi.status = rules.next_status(access.coi.status, action)
        return {}
    return step


TRANSITION_STEPS = {
    "submit": lambda a, d, n: _certify(a, d, n, "submit"),
    "issue": lambda a, d, n: _certify(a, d, n, "issue"),
    "verify": _verify, "sign": _sign, "irregularity": _irregularity,
    "deplete": _simple("deplete"), "delete": _simple("delete"),
}


def _release_extract(access: Access, now: datetime):
    """Deleting an extract gives its quantities back to its base."""
    coi = access.coi
    if not coi.is_extract:
        return None
    lines = coi.boxes.get("box13") or []
    deltas = [(taken["line"], -int(lines[i].get("packages") or 0),
               -boxes_rules.milli(lines[i].get("net_weight")))
              for i, taken in enumerate(coi.base_lines or [])]
    return lambda tx: _reserve(tx, coi.extract_of, deltas, coi.base_lines)


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
        tx.save(_history(old.id, access.current.account, access.acting_organisation(), "replaced",
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
        tx.save(_history(coi.replaces, access.current.account, access.acting_organisation(),
                         "replacement_deleted", now, rules.ISSUED, rules.ISSUED, replacement=coi.id))

    return writes


def _on_delete(access: Access, now: datetime):
    """What deleting a COI frees: an extract's quantities on its base, a replaced COI."""
    found = [w for w in (_release_extract(access, now), _freed_on_delete(access, now)) if w]
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
    record = _history(new.id, account, organisation, "create", now, None, rules.DRAFT,
                      replaces=old.number or old.id)
    old_version = int(old.version)

    def writes(tx):
        tx.update(Coi(old.id), actions=[Coi.replaced_by.set(new.id), Coi.version.add(1),
                                        Coi.updated_at.set(now)],
                  condition=(Coi.status == rules.ISSUED) & (Coi.version == old_version)
                  & Coi.replaced_by.does_not_exist())
        tx.save(_history(old.id, account, organisation, "replace", now, old.status, old.status,
                         replaced_by=new.id))

    old.replaced_by = new.id
    _save(new, record, now, None, writes, _events(old, "replace", old.status, account, now))
    return new


# --- lists and history ---------------------------------------------------------------------

LIST_FIELDS = ("status", "role", "number", "cursor")


def _cursor_in(value: str, pattern: str) -> str:
    """The sort key a cursor of a list holds (a string matching `pattern`); 400 for any other."""
    try:
        sort = paging.from_cursor(value)
    except ValueError:
        sort = None
    if not isinstance(sort, str) or not re.fullmatch(pattern, sort):
        raise Invalid({"cursor": N_("This value is not valid.")})
    return sort


def _cursor_out(sort: str | None) -> str | None:
    return paging.to_cursor(sort) if sort else None


LISTED_SORT = r"\d{4}-\d\d-\d\dT[\d:.+]+#[0-9a-f]{32}"     # created#coi of coi_parties
HISTORY_SORT = r"\d{4}-\d\d-\d\dT[\d:.+]+#[0-9a-f]{1,64}"  # at#id of the audit trail
HISTORY_PAGE = 100


def _list_item(item: CoiParty) -> dict:
    return {"id": item.coi_id, "number": item.number, "status": item.status,
            "created_at": item.sort.split("#")[0], "updated_at": item.updated_at.isoformat(),
            "roles": sorted(item.roles or ()), "parties": {
                k: v for k, v in (item.summary or {}).items() if k in rules.PARTIES},
            "product": (item.summary or {}).get("product"),
            "lines": (item.summary or {}).get("lines", 0)}


def search(current: Current, params: dict) -> dict:
    """GET /api/cois: the COIs where the caller's organisations are parties (drafts: those of
    their organisation), newest first, at most 50 a page. One Query per organisation of the
    caller (usually one), on its list key for the role asked (every item read is shown); the
    cursor is the last position shown."""
    status, role = params.get("status") or None, params.get("role") or None
    problems = {}
    if status and status not in rules.STATUSES:
        problems["status"] = N_("This value is not one of the choices.")
    if role and role not in rules.LIST_ROLES:
        problems["role"] = N_("This value is not one of the choices.")
    number = (params.get("number") or "").strip().upper()
    if number and len(number) > 40:
        problems["number"] = N_("This value is too long.")
    if problems:
        raise Invalid(problems)
    organisations = sorted(current.account.roles)
    if number:
        found = store.by_number(number) if _NUMBER.match(number) else None
        if found is None:
            return {"items": [], "next": None}
        try:
            access = Access(current, found)
        except NotFound:
            return {"items": [], "next": None}
        if (status and found.status != status) or (role and not set(rules.LIST_ROLES[role]) & access.acting):
            return {"items": [], "next": None}
        item = CoiParty(access.acting_organisation() if access.acting else found.created_by_organisation,
                        store.party_sort(found), coi_id=found.id, status=found.status,
                        roles=access.acting or {found.created_as}, number=found.number,
                        summary=_summary(found), updated_at=found.updated_at)
        return {"items": [_list_item(item)], "next": None}
    below = _cursor_in(params["cursor"], LISTED_SORT) if params.get("cursor") else None
    items, frontier = [], None
    for org in organisations[:20]:
        page, last = store.of_organisation(org, status, role, below, store.PAGE_SIZE)
        items += page
        if last:
            frontier = max(frontier or "", last)
    seen, shown = set(), []
    for item in sorted(items, key=lambda i: i.sort, reverse=True):
        if frontier and item.sort < frontier:
            break
        if item.coi_id not in seen:
            seen.add(item.coi_id)
            shown.append(item)
    if len(shown) > store.PAGE_SIZE:
        shown = shown[:store.PAGE_SIZE]
        frontier = shown[-1].sort
    return {"items": [_list_item(i) for i in shown], "next": _cursor_out(frontier)}


def history(current: Current, coi: Coi | None, params: dict) -> dict:
    """GET /api/cois/{id}/history: who, organisation, when, action, and each box's old and new
    value; oldest first, 100 a page."""
    access = load(current, coi)
    start = None
    if params.get("cursor"):
        start = {"subject": {"S": f"coi#{coi.id}"},
                 "at_id": {"S": _cursor_in(params["cursor"], HISTORY_SORT)}}
    records, last = audit.page(f"coi#{access.coi.id}", start, HISTORY_PAGE)
    items = []
    for record in records:
        details = record.details.as_dict() if hasattr(record.details, "as_dict") \
            else dict(record.details or {})
        items.append({"at": record.at_id.split("#")[0], "person": details.pop("person", None),
                      "organisation": details.pop("organisation", None), "action": record.action,
                      "status": {"old": record.before, "new": record.after},
                      "changes": json.loads(details.pop("changes", None) or "{}"),
                      "details": details})
    return {"items": items, "next": _cursor_out(last["at_id"]["S"] if last else None)}


# --- PDF and public verification ------------------------------------------------------------

def verify_url(number: str, language: str) -> str:
    from urllib.parse import quote

    return f"{settings.site_url}/{language}/verify.html?number={quote(number)}"


def pdf(current: Current, coi: Coi | None, language: str) -> bytes:
    from ..documents import coi_pdf

    access = load(current, coi)
    shown = view(access.coi, access.allowed)
    url = verify_url(coi.number, language) if coi.number else settings.site_url
    return coi_pdf.render(shown, coi.names or {}, language, url)


def public(number: str, client: str, now: datetime) -> dict:
    """GET /api/public/cois/{number}: the status and a summary, nothing about persons; at most
    PUBLIC_PER_MINUTE requests per client and minute."""
    window = now.strftime("%Y%m%d%H%M")
    if not store.count_request(f"public#{client}#{window}", now + timedelta(minutes=2),
                               PUBLIC_PER_MINUTE):
        raise TooManyRequests(N_("Too many requests; wait a minute and try again."))
    number = (number or "").strip().upper()
    coi = store.by_number(number) if _NUMBER.match(number) else None
    if coi is None or coi.status == rules.DRAFT:
        raise NotFound(N_("There is no certificate with this number."))
    names = coi.names or {}
    issuer = (coi.boxes.get("box1") or {}).get("issuer")
    return {"number": coi.number, "status": coi.status,
            "issued_at": coi.issued_at.isoformat() if coi.issued_at else None,
            "issuer": {"name": (names.get(issuer) or {}).get("name"),
                       "code": (names.get(issuer) or {}).get("code")} if issuer else None,
            "country_of_export": (coi.boxes.get("box8") or {}).get("country_of_export"),
            "member_state": (coi.boxes.get("box9") or {}).get("member_state"),
            "products": [{"cn_code": line.get("cn_code"), "net_weight": line.get("net_weight"),
                          "unit": line.get("unit")} for line in coi.boxes.get("box13") or []]}
