"""The per-address limit on e-mails that anyone can trigger for an account (resend confirmation,
forgotten password, registration attempts): at most `mail_per_hour` in a sliding hour window.
Returned as update actions and a condition, to ride on the write that goes with the mail."""
from datetime import datetime, timedelta

from ..config import settings
from ..store.accounts import Account

WINDOW = timedelta(hours=1)


def allowance(account: Account, now: datetime):
    """(actions, condition) for one more e-mail, or None when the address is at its limit.
    The condition pins the window as read, so two concurrent requests cannot both pass."""
    start, count = account.mail_window_start, account.mail_window_count or 0
    if start is None or now - start >= WINDOW:
        actions = [Account.mail_window_start.set(now), Account.mail_window_count.set(1)]
    elif count < settings.mail_per_hour:
        actions = [Account.mail_window_count.set(count + 1)]
    else:
        return None
    pinned = (Account.mail_window_start.does_not_exist() if start is None
              else Account.mail_window_start == start)
    return actions, pinned & (Account.mail_window_count == count) if start else pinned
