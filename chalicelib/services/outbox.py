"""What follows a committed change (SPEC 5): delivered right after the commit by the request that
made it, and retried apart by the `deliver_outbox` job when that fails. A failure here never
turns the committed change into an error; an item stays until it is delivered (at least once)."""
import importlib
import logging
from datetime import datetime, timedelta

from ..store import outbox as store
from ..store.outbox import OutboxItem

log = logging.getLogger("traces")
# kind -> (module, function) that delivers its payload; imported when an item of it is delivered.
KINDS = {
    "coi_event": ("chalicelib.services.coi_notices", "send"),
    "coi_depletion": ("chalicelib.services.certificates.extracts", "deplete_if_nothing_remains"),
    "webhook_event": ("chalicelib.services.webhooks", "publish"),
}
PER_RUN = 25                        # items one run of the job delivers (bounded reads)
LONGEST_WAIT = timedelta(hours=1)   # between two attempts, after the first ones


def item(kind: str, payload: dict, now: datetime) -> OutboxItem:
    """An item to save in the change's transaction (`tx.save(item)`)."""
    if kind not in KINDS:
        raise ValueError(f"no delivery for {kind}")
    return store.new(kind, payload, now)


def _deliver(found: OutboxItem, now: datetime) -> None:
    module, function = KINDS[found.kind]
    getattr(importlib.import_module(module), function)(found.payload, now)
    store.done(found)


def deliver(items, now: datetime) -> None:
    """Right after the commit: each item delivered and removed; one that fails is logged and left
    for the job."""
    for found in items:
        try:
            _deliver(found, now)
        except Exception:  # the change is committed; the job delivers it later
            log.warning("outbox item %s (%s) left for the job", found.id, found.kind, exc_info=True)


def deliver_due(now: datetime) -> int:
    """The job: the items due, oldest first; one that fails again waits longer (1, 2, 4... minutes,
    at most an hour) and is never dropped. Returns how many were delivered."""
    delivered = 0
    for found in store.due(now, PER_RUN):
        try:
            _deliver(found, now)
            delivered += 1
        except Exception:  # retried at the next run
            log.warning("outbox item %s (%s) failed again", found.id, found.kind, exc_info=True)
            wait = min(timedelta(minutes=2 ** min(int(found.attempts), 10)), LONGEST_WAIT)
            store.postpone(found, now + wait)
    return delivered
