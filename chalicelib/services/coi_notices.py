"""The e-mails of a COI's transitions (SPEC 3, 4): each person of the parties a transition
concerns, in their language and format, with the link to the COI's page. Sent from the outbox
(services/outbox.py) after the transition committed."""
from datetime import datetime

from ..domain import coi as rules
from ..mail import mailer
from ..store import authorisations as roles_store
from ..store.accounts import Account

EVENTS = {"submit": "submitted", "issue": "issued", "verify": "verified", "sign": "signed",
          "replace": "replaced", "irregularity": "irregularity", "delete": "deleted",
          "deplete": "depleted", "write_off": "written_off"}


def event(coi, action: str, status_after: str, actor_id: str | None) -> dict:
    """What the e-mails of a transition need, fixed when it commits (the outbox's payload)."""
    return {"coi_id": coi.id, "number": coi.number or "", "action": action, "status": status_after,
            "parties": rules.parties_of(coi.boxes), "actor": actor_id,
            "reason": coi.irregularity or ""}


def recipients(organisations) -> list[Account]:
    """The people holding a valid role in `organisations`: one Query each, one BatchGet."""
    ids = {a.account_id for org in sorted(set(organisations)) for a in roles_store.holders(org)}
    return [a for a in Account.batch_get(sorted(ids)) if a.status == "valid"] if ids else []


def send(payload: dict, now: datetime) -> None:
    """An e-mail to each person of the parties `payload`'s transition concerns, but its actor."""
    named = payload["parties"]
    organisations = {named[p] for p in rules.notified(payload["action"], payload["status"])
                     if p in named}
    for person in recipients(organisations):
        if person.id == payload["actor"]:
            continue
        mailer.send(person.email, "coi_event", person.language, person.notification_format,
                    name=person.first_name, event=EVENTS[payload["action"]],
                    number=payload["number"], status=payload["status"], coi_id=payload["coi_id"],
                    reason=payload["reason"], mrn=payload.get("mrn", ""))
