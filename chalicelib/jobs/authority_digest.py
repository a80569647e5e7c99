"""Hourly: one "User creation requests" e-mail to each person of each authority that has
confirmed requests waiting (SPEC 1.4), naming every request with its own link."""
from datetime import datetime
from itertools import groupby

from ..mail import mailer
from ..store import authorisations
from ..store.accounts import Account, pending_requests


def run(now: datetime) -> int:
    sent = 0
    pending = pending_requests()   # sorted by authority, then by confirmation time
    for authority_id, group in groupby(pending, key=lambda a: a.authority_id):
        requests = [{"id": a.id, "email": a.email, "name": f"{a.first_name} {a.last_name}",
                     "organisation": a.organisation_name} for a in group]
        holder_ids = [h.account_id for h in authorisations.holders(authority_id)]
        for person in Account.batch_get(holder_ids) if holder_ids else []:
            if person.status != "valid" or person.locked:
                continue
            mailer.send(person.email, "user_creation_requests", person.language,
                        person.notification_format, requests=requests, count=len(requests))
            sent += 1
    return sent
