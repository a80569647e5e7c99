"""What a login attempt ends in (SPEC 1.6, 1.9): a session opened, a failure counted, a lock.
Shared by the password step (login.py), the second step (second_step.py) and recovery."""
from datetime import datetime

from pynamodb.exceptions import TransactWriteError, UpdateError

from ..domain import accounts as rules
from ..domain.errors import N_
from ..mail import mailer
from ..store import audit, base, faults
from ..store.accounts import ACTIVE, Account
from . import sessions

INVALID = N_("The e-mail address or the password is not correct.")


def open_session(account: Account, now: datetime, must_change_password: bool, unlock: bool,
                 actions=(), condition=None, extra=None, must_enrol=False):
    """(cookie, session, account): the session a completed login opens, in one transaction with
    the account's login fields (failure count reset) and what the second step adds (`actions` and
    `condition` on the account, `extra(tx)` first in the transaction; `must_enrol`: the session
    may only enrol a second factor). TransactWriteError if the account changed meanwhile."""
    generation = account.session_generation or 0
    cookie, session = sessions.new_session(account, now, must_change_password, generation,
                                           must_enrol=must_enrol)
    actions = [*actions, Account.failed_logins.set(0), Account.last_login_at.set(now),
               Account.active_since.set(now.isoformat())]
    condition = (Account.status == rules.VALID) & condition if condition is not None else Account.status == rules.VALID
    if must_change_password:
        # The temporary password opens one session; it can no longer log in, but its hash stays
        # until the change so that the new password can be compared with it.
        actions += [Account.must_change_password.set(True),
                    Account.temporary_password_expires.remove()]
        condition &= Account.temporary_password_hash == account.temporary_password_hash
    else:
        condition &= Account.locked_reason.does_not_exist()
    if unlock:
        actions += [Account.locked_reason.remove()]
    actions += [Account.activity.set(ACTIVE)]
    with base.transaction() as tx:
        if extra:
            extra(tx)
        tx.update(account, actions=actions, condition=condition)
        tx.save(session)
        if unlock:
            tx.save(audit.record(f"account#{account.id}", account.id, "unlock", now,
                                 before="locked", after=rules.VALID, by="temporary_password"))
    return cookie, session, account


def record_failure(account: Account, now: datetime) -> None:
    """Counts one failed attempt atomically; the attempt that reaches the limit locks the account
    (exactly one request sees the count reach it, however many run at once)."""
    try:
        account.update(actions=[Account.failed_logins.add(1)],
                       condition=(Account.status == rules.VALID) & Account.locked_reason.does_not_exist())
    except UpdateError as error:
        faults.only_condition(error)
        return
    if account.failed_logins == rules.MAX_FAILED_LOGINS:
        lock(account, rules.LOCK_FAILED_LOGINS, now, actor="system")


def lock(account: Account, reason: str, now: datetime, actor: str, condition=None) -> bool:
    """Sets the lock flag (ending every session) and tells the person. False if someone else
    locked it first or the account is no longer valid."""
    check = (Account.status == rules.VALID) & Account.locked_reason.does_not_exist()
    try:
        with base.transaction() as tx:
            tx.update(account, actions=[Account.locked_reason.set(reason), Account.activity.remove(),
                                        Account.session_generation.add(1)],
                      condition=check & condition if condition is not None else check)
            tx.save(audit.record(f"account#{account.id}", actor, "lock", now, before=rules.VALID,
                                 after="locked", reason=reason))
    except TransactWriteError:
        return False
    mailer.send(account.email, "account_locked", account.language, account.notification_format,
                name=account.first_name, reason=reason)
    return True
