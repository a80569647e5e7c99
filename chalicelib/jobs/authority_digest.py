"""Hourly digests (SPEC 1.4 and 4). Authorities are not notified request by request:
- one "User creation requests" e-mail to each person of each authority that has confirmed
  account requests waiting, naming every request with its own link;
- one "Role requests to validate" e-mail to each person who may decide role requests waiting
  for them (the people of the competent authority or control body, or the organisation's
  administrators).
A failed run is retried (twice, by Lambda) with the same event: each send is claimed for the run
first, so a retry after a partial send sends only what is missing."""
from datetime import datetime, timedelta
from itertools import groupby

from ..mail import mailer
from ..store import authorisations
from ..store.cois import claim, release
from ..store.accounts import Account, pending_requests

ADMINISTRATORS = "admins:"


def _recipients(validator_id: str, template: str) -> list[Account]:
    """The valid, unlocked people who decide for `validator_id` and receive this digest."""
    if validator_id.startswith(ADMINISTRATORS):
        holders = [h for h in authorisations.holders(validator_id[len(ADMINISTRATORS):]) if h.administrator]
    else:
        holders = authorisations.holders(validator_id)
    ids = sorted({h.account_id for h in holders})
    people = Account.batch_get(ids) if ids else []
    return [p for p in people if p.status == "valid" and not p.locked
            and template not in (p.muted_notifications or ())]


def _send(groups, template: str, run: str, now: datetime) -> int:
    sent = 0
    for validator_id, requests in groups:
        for person in _recipients(validator_id, template):
            key = f"digest#{run}#{template}#{person.id}"
            if not claim(key, now + timedelta(days=2)):
                continue
            try:
                mailer.send(person.email, template, person.language, person.notification_format,
                            requests=requests, count=len(requests))
            except Exception:
                release(key)
                raise
            sent += 1
    return sent


def run(now: datetime, scheduled: str | None = None) -> int:
    """Sends the digests of the run scheduled at `scheduled` (the event's time; by default the
    hour of `now`)."""
    run_id = scheduled or now.strftime("%Y-%m-%dT%H")
    accounts = ((authority_id, [{"id": a.id, "email": a.email, "name": f"{a.first_name} {a.last_name}",
                                 "organisation": a.organisation_name} for a in group])
                # sorted by authority, then by confirmation time
                for authority_id, group in groupby(pending_requests(), key=lambda a: a.authority_id))
    roles = ((validator_id, [{"id": r.id, "email": r.requester_email, "name": r.requester_name,
                              "organisation": r.organisation_name} for r in group])
             for validator_id, group in groupby(authorisations.waiting_requests(),
                                                key=lambda r: r.validator_id))
    return _send(accounts, "user_creation_requests", run_id, now) + _send(roles, "role_requests", run_id, now)
