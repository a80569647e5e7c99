"""Every minute (and locally every few seconds): the webhook queue's messages that are due,
each handled (an event fanned out to its endpoints, or one delivery attempt) and then removed.
A message whose handling fails stays in the queue and comes back after its visibility timeout;
on AWS, after five receipts it moves to the dead-letter queue (deploy/template.py)."""
import logging
from datetime import datetime

from ..delivery import queue
from ..services import webhooks

log = logging.getLogger("traces")
MOST_BATCHES = 20           # at most 200 messages a run: the next run goes on


def run(now: datetime) -> int:
    handled = 0
    for _ in range(MOST_BATCHES):
        messages = queue.receive()
        if not messages:
            break
        for message, receipt in messages:
            try:
                webhooks.handle(message, now)
            except Exception:  # logged; the message comes back, at least once
                log.exception("webhook message failed: it will be received again")
                continue
            queue.done(receipt)
            handled += 1
    return handled
