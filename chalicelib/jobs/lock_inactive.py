"""Daily: lock the accounts with no login for more than three months (SPEC 1.6). Reads only the
stale accounts, through the sparse `activity` index; running it twice changes nothing."""
from datetime import datetime

from ..config import settings
from ..domain import accounts as rules
from ..services import attempts
from ..store.accounts import Account, stale_since


def run(now: datetime) -> int:
    cutoff = rules.inactivity_cutoff(now, settings.inactivity_limit_days).isoformat()
    locked = 0
    for account in stale_since(cutoff):
        # The condition re-checks the staleness: a login since the index was read wins.
        if attempts.lock(account, rules.LOCK_INACTIVITY, now, actor="system",
                      condition=Account.active_since < cutoff):
            locked += 1
    return locked
