"""E-mails after a COI's transition, to the people of the parties it concerns."""


from ...domain import coi as rules
from ...mail import mailer
from ...store import authorisations as roles_store
from ...store.accounts import Account
from ...store.cois import Coi


EVENTS = {"submit": "submitted", "issue": "issued", "verify": "verified", "sign": "signed",
          "replace": "replaced", "irregularity": "irregularity", "delete": "deleted",
          "deplete": "depleted"}


def recipients(organisations) -> list[Account]:
    """The people holding a valid role in `organisations`: one Query each, one BatchGet."""
    ids = {a.account_id for org in sorted(set(organisations)) for a in roles_store.holders(org)}
    return [a for a in Account.batch_get(sorted(ids)) if a.status == "valid"] if ids else []


def notify(coi: Coi, action: str, status_after: str, actor: Account | None) -> None:
    """After the write: an e-mail to each person of the parties the transition concerns, in
    their language and format, with the link to the COI's page."""
    named = rules.parties_of(coi.boxes)
    organisations = {named[p] for p in rules.notified(action, status_after) if p in named}
    for person in recipients(organisations):
        if actor is not None and person.id == actor.id:
            continue
        mailer.send(person.email, "coi_event", person.language, person.notification_format,
                    name=person.first_name, event=EVENTS[action], number=coi.number or "",
                    status=status_after, coi_id=coi.id, reason=coi.irregularity or "")
