"""Table `outbox`: what must follow a committed change (an e-mail to the parties, a check that
depends on it), written in the change's own transaction so that it is never lost. The request
that committed delivers it at once and removes it; what it could not deliver waits in the
sparse `due` index until the `deliver_outbox` job delivers it (SPEC 5: retried apart)."""
import uuid
from datetime import datetime, timedelta

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from .stage import meta

WAITING = "waiting"
# The job leaves an item to the request that wrote it for this long (it delivers at once).
GRACE = timedelta(minutes=1)


class Due(GlobalSecondaryIndex):
    class Meta:
        index_name = "due"
        projection = AllProjection()

    queue = UnicodeAttribute(hash_key=True)         # WAITING
    due_at = UnicodeAttribute(range_key=True)       # ISO time + "#" + id


class OutboxItem(Model):
    Meta = meta("outbox")

    id = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute()                       # what to do: services/outbox.py KINDS
    payload = JSONAttribute()
    queue = UnicodeAttribute(default=WAITING)
    due_at = UnicodeAttribute()
    attempts = NumberAttribute(default=0)

    due = Due()


def _due_key(at: datetime, item_id: str) -> str:
    return f"{at.isoformat()}#{item_id}"


def new(kind: str, payload: dict, now: datetime) -> OutboxItem:
    """An item to save in the transaction of the change it follows."""
    item_id = uuid.uuid4().hex
    return OutboxItem(item_id, kind=kind, payload=payload, due_at=_due_key(now + GRACE, item_id))


def due(now: datetime, limit: int) -> list[OutboxItem]:
    """The oldest items due by `now`: one Query of at most `limit` items."""
    return list(OutboxItem.due.query(WAITING, OutboxItem.due_at <= _due_key(now, "~"), limit=limit))


def done(item: OutboxItem) -> None:
    item.delete()


def postpone(item: OutboxItem, until: datetime) -> None:
    item.update(actions=[OutboxItem.attempts.add(1), OutboxItem.due_at.set(_due_key(until, item.id))],
                condition=OutboxItem.id.exists())
