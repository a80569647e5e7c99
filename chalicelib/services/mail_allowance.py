"""The per-address limit on e-mails that anyone can trigger for an account (resend confirmation,
forgotten password, registration attempts): at most `mail_per_hour` in a sliding hour window.
Returned as update actions and a condition, to ride on the write that goes with the mail."""
from datetime import datetime, timedelta

from ..config import settings
from ..domain import normalise
from ..store.accounts import Account, find_by_email

WINDOW = timedelta(hours=1)


def allowance(account: Account, now: datetime, status: str | None = None):
    """(actions, condition) for one more e-mail, or None when the address is at its limit (or
    the account is not in `status`). The condition pins the window as read, so two concurrent
    requests cannot both pass, and the status, so the mail matches the account's state."""
    if status is not None and account.status != status:
        return None
    start, count = account.mail_window_start, account.mail_window_count or 0
    if start is None or now - start >= WINDOW:
        actions = [Account.mail_window_start.set(now), Account.mail_window_count.set(1)]
    elif count < settings.mail_per_hour:
        actions = [Account.mail_window_count.set(count + 1)]
    else:
        return None
    pinned = (Account.mail_window_start.does_not_exist() if start is None
              else (Account.mail_window_start == start) & (Account.mail_window_count == count))
    return actions, pinned & (Account.status == status) if status else pinned


def by_address(email: str) -> Account | None:
    """The account of a typed e-mail address, or None (also for one that is not an address)."""
    try:
        return find_by_email(normalise.email_key(normalise.email(email)))
    except normalise.FieldError:
        return None
