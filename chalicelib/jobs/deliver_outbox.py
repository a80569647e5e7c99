"""Every minute: deliver what committed changes left in the outbox (SPEC 5: e-mails and checks
that follow a change are retried apart, never lost)."""
from datetime import datetime

from ..services import outbox


def run(now: datetime) -> int:
    return outbox.deliver_due(now)
