"""How a COI is written: one transaction with its list items and history record, conditional
on the status and version it was read in (a stale write is a 409). What follows a commit
(e-mails, a base's depletion) is an outbox item written in the same transaction and delivered
after it (services/outbox.py)."""
import json
from datetime import datetime

from pynamodb.exceptions import TransactWriteError

from ... import reference
from ...domain import coi as rules
from ...domain import coi_boxes as boxes_rules
from ...domain import coi_parties, coi_table
from ...domain.errors import Conflict, Invalid, N_
from ...store import audit, base
from ...store import cois as store
from ...store.accounts import Account
from ...store.cois import Coi, CoiParty
from .. import coi_notices, directory, outbox, webhooks
from .views import summary


STALE = N_("Someone changed this certificate meanwhile; reload it.")


def check_boxes(boxes) -> dict:
    """The boxes a client sent, each whole and normalised (400 naming every field in error)."""
    return boxes_rules.check_boxes(boxes, boxes_rules.BoxReference(countries=reference.country_codes()))


def person(account: Account) -> str:
    return f"{account.first_name} {account.last_name}"


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


def _list_writes(tx, coi: Coi, now: datetime) -> list:
    """Puts the list items of the organisations the COI shows for, deletes the others; returns
    the actions that record them on the COI."""
    listing = _listing(coi)
    sort = store.party_sort(coi)
    shown = summary(coi)
    coi.expires_at = rules.expires(coi.status, bool(coi.is_extract), coi.replaces, now)
    for org, parties in listing.items():
        tx.save(CoiParty(org, sort, coi_id=coi.id, status=coi.status,
                         organisation_status=f"{org}#{coi.status}", roles=set(parties),
                         number=coi.number, summary=shown, updated_at=now,
                         expires_at=coi.expires_at))
    for org in set(coi.listed_for or ()) - set(listing):
        tx.delete(CoiParty(org, sort))
    coi.listed_for = set(listing)
    return [Coi.listed_for.set(set(listing))]


def history_record(coi_id: str, account: Account, organisation: str | None, action: str, now: datetime,
             before: str | None, after: str | None, changes: dict | None = None, **details):
    return audit.record(f"coi#{coi_id}", account.id if account else "system", action, now,
                        before=before, after=after, organisation=organisation,
                        person=person(account) if account else None,
                        changes=json.dumps(changes, sort_keys=True) if changes else None, **details)


def save(coi: Coi, record, now: datetime, expected: tuple | None, extra=None,
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


def events(coi: Coi, action: str, status_after: str, actor: Account | None, now: datetime) -> list:
    """The outbox items of a transition: its e-mails, and its webhook event."""
    return [outbox.item("coi_event", coi_notices.event(coi, action, status_after,
                                                       actor.id if actor else None), now),
            *webhook(coi, action, now)]


def webhook(coi: Coi, action: str, now: datetime) -> list:
    """The outbox item of the webhook event of `action` on `coi` (SPEC 5.1), for the
    organisations the COI shows for; none for an action without an event."""
    found = webhooks.event(action, {"id": coi.id, "number": coi.number, "status": coi.status,
                                    "version": int(coi.version)}, set(_listing(coi)), now)
    return [outbox.item("webhook_event", found, now)] if found else []


def with_derived(coi: Coi, given: dict, found: dict) -> dict:
    """The COI's boxes with `given` replaced whole, derived ones recomputed; 400 when a box names
    an organisation it may not (coi_parties.check_named: in a draft, one not in the directory)."""
    facts = {org_id: directory.facts(org) for org_id, org in found.items()}
    writable = {k: v for k, v in (coi.boxes if coi else coi_table.empty_boxes()).items()
                if k in rules.WRITABLE}
    derived = boxes_rules.derive({**writable, **given}, facts, reference.equivalent_countries())
    if coi and "box8" not in given and (coi.boxes.get("box8") or {}).get("country_of_export"):
        derived["box8"] = coi.boxes["box8"]     # a typed country of export stays as typed
    coi_parties.check_named(derived, facts, given, draft=coi is None or coi.status == rules.DRAFT)
    for box in rules.SIGNATURES:
        derived[box] = coi.boxes.get(box) if coi else None
    return derived


def version_of(data: dict) -> int:
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise Invalid({"version": N_("This field is required.")})
    return version


def only(data: dict, *fields: str) -> dict:
    unknown = set(data) - {"version", *fields}
    if unknown:
        raise Invalid({name: N_("This field is not expected.") for name in sorted(unknown)})
    return data
