"""Customs (SPEC 3.3): a COI checked by its number, and its quantities written off against
declarations. Only customs of the COI's member state see it (404 to everyone else). Each
write-off is one transaction (services/certificates/writes.save) conditional on the version
read: when two declarations arrive at once, the second finds the COI changed, reads it again
and is judged against what the first left, so that the write-offs never pass a line. The rules
are the domain's (domain/customs.py)."""
from datetime import datetime

from ...domain import coi as coi_rules
from ...domain import customs as rules
from ...domain.errors import Conflict, NotFound
from ...store import cois as store
from ...store.cois import Coi
from .. import coi_notices, outbox
from ..sessions import Current
from .writes import STALE, events, history_record, save, webhook

ATTEMPTS = 4       # reads of a COI that other write-offs keep changing, before a 409


def _found(current: Current, number: str) -> tuple[Coi, str]:
    """The COI of `number` and the customs organisation the caller acts through on it."""
    coi = store.by_number(number) if coi_rules.is_number(number) else None
    return _facing(current, coi)


def _facing(current: Current, coi: Coi | None) -> tuple[Coi, str]:
    member_state = ((coi.boxes.get("box9") or {}).get("member_state") if coi else None) or ""
    organisation = rules.organisation_for(current.account.roles, member_state)
    if organisation is None or coi_rules.private(coi.status, coi.number):
        raise NotFound(rules.NO_SUCH)
    return coi, organisation


def written_off_view(found: dict) -> dict:
    return {"mrn": found["mrn"], "status": found["status"], "organisation": found["organisation"],
            "at": found["at"], "cancelled_at": found.get("cancelled_at"), "lines": found["lines"]}


def view(coi: Coi) -> dict:
    write_offs = coi.write_offs or []
    return {"number": coi.number, "status": coi.status, "is_extract": bool(coi.is_extract),
            "releasable": rules.releasable(coi.status, bool(coi.is_extract)),
            "lines": rules.lines_view(coi.boxes.get("box13") or [], write_offs),
            "write_offs": [written_off_view(w) for w in reversed(write_offs)]}


def check(current: Current, number: str) -> dict:
    """GET /api/customs/cois/{number}."""
    coi, _ = _found(current, number)
    return view(coi)


def _again(current: Current, coi: Coi) -> Coi:
    return _facing(current, store.get_current(coi.id))[0]


def write_off(current: Current, number: str, data: dict, now: datetime) -> dict:
    """POST /api/customs/cois/{number}/write-offs: the write-off (the first one again for the
    same MRN and lines)."""
    coi, organisation = _found(current, number)
    mrn = rules.declaration(data.get("mrn"))
    lines = rules.requested(coi.boxes.get("box13") or [], data.get("lines"))
    for _ in range(ATTEMPTS):
        write_offs = coi.write_offs or []
        first = rules.find(write_offs, mrn)
        if first is not None:
            if rules.same_request(first, lines):
                return written_off_view(first)
            raise rules.mrn_reused()
        if not rules.releasable(coi.status, bool(coi.is_extract)):
            raise rules.not_releasable()
        made = rules.write_off(coi.boxes.get("box13") or [], write_offs, mrn, lines, organisation, now)
        try:
            _save(current, coi, organisation, [*write_offs, made], "write_off", now, mrn)
            return written_off_view(made)
        except Conflict:
            coi = _again(current, coi)
    raise Conflict(STALE, code="stale_version")


def cancel(current: Current, number: str, mrn_value: str, now: datetime) -> dict:
    """DELETE /api/customs/cois/{number}/write-offs/{mrn}: the declaration is invalidated, its
    quantities go back to the COI."""
    coi, organisation = _found(current, number)
    mrn = rules.declaration(mrn_value)
    for _ in range(ATTEMPTS):
        write_offs, cancelled, changed = rules.cancel(coi.write_offs or [], mrn, now)
        if not changed:
            return written_off_view(cancelled)
        try:
            _save(current, coi, organisation, write_offs, "write_off_cancelled", now, mrn)
            return written_off_view(cancelled)
        except Conflict:
            coi = _again(current, coi)
    raise Conflict(STALE, code="stale_version")


def _save(current: Current, coi: Coi, organisation: str, write_offs: list, action: str, now: datetime,
          mrn: str) -> None:
    """The COI with its new write-offs, `depleted` once every line is written off (and back to
    its status when quantities return), with its history record and what must follow: the
    importer's e-mail and the `coi.written_off` event of a write-off, those of a depletion."""
    before, version = coi.status, int(coi.version)
    lines = coi.boxes.get("box13") or []
    coi.status, coi.written_off_from = rules.status_after(
        coi.status, coi.written_off_from, rules.all_written_off(lines, write_offs))
    coi.write_offs, coi.version, coi.updated_at = write_offs, version + 1, now
    account = current.account
    record = history_record(coi.id, account, organisation, action, now, before, coi.status, mrn=mrn,
                            lines=rules.summary(write_offs, mrn))
    follow_up = []
    if action == "write_off":
        follow_up += [outbox.item("coi_event", {**coi_notices.event(coi, action, coi.status, account.id),
                                                "mrn": mrn}, now), *webhook(coi, action, now)]
    if coi.status == coi_rules.DEPLETED and before != coi_rules.DEPLETED:
        follow_up += events(coi, "deplete", coi.status, account, now)
    save(coi, record, now, (before, version), None, follow_up)
