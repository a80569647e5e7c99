"""Table `audit`: the trail of every state change (who, what, when, before/after)."""
import uuid
from datetime import datetime

from pynamodb.attributes import MapAttribute, UnicodeAttribute
from pynamodb.models import Model

from .stage import meta


class AuditRecord(Model):
    Meta = meta("audit")

    subject = UnicodeAttribute(hash_key=True)      # "account#<id>", "organisation#<id>"...
    at_id = UnicodeAttribute(range_key=True)       # ISO time + "#" + random, in order
    actor = UnicodeAttribute()                     # account id, or "system", or "self"
    action = UnicodeAttribute()
    before = UnicodeAttribute(null=True)
    after = UnicodeAttribute(null=True)
    details = MapAttribute(default=dict)


def record(subject: str, actor: str, action: str, now: datetime, before=None, after=None,
           **details) -> AuditRecord:
    """A new audit record, to be saved in the same transaction as the change it describes."""
    return AuditRecord(subject, f"{now.isoformat()}#{uuid.uuid4().hex[:8]}", actor=actor,
                       action=action, before=before, after=after,
                       details={k: str(v) for k, v in details.items() if v is not None})


def trail(subject: str) -> list[AuditRecord]:
    return list(AuditRecord.query(subject))


def page(subject: str, start: dict | None, limit: int):
    """One page of a subject's trail, oldest first: (records, the key to continue from)."""
    results = AuditRecord.query(subject, limit=limit, last_evaluated_key=start)
    found = list(results)
    return found, results.last_evaluated_key
