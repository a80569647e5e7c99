"""Login and locking (SPEC 1.6)."""
from datetime import datetime

from pynamodb.exceptions import TransactWriteError, UpdateError

from ..domain import accounts as rules
from ..domain.errors import Forbidden, InvalidCredentials, N_
from ..mail import mailer
from ..store import audit, base, faults
from ..store.accounts import ACTIVE, Account
from . import credentials, sessions
from .mail_allowance import by_address

INVALID = N_("The e-mail address or the password is not correct.")


def log_in(email: str, password: str, now: datetime):
    """(cookie, session, account). Unknown e-mail, wrong password, locked, refused and deleted
    accounts all answer the same, after the same two hash verifications."""
    account = by_address(email)
    password_ok = credentials.verify_password(account and account.password_hash, password)
    temporary_ok = credentials.verify_password(
        account and rules.is_temporary_password_valid(account.temporary_password_expires, now)
        and account.temporary_password_hash, password)
    if account is None:
        raise InvalidCredentials(INVALID)
    outcome = rules.login_outcome(account.status, account.locked, password_ok, temporary_ok,
                                  password_retired=account.must_change_password)
    if outcome.count_failure:
        record_failure(account, now)
    if outcome.error == "account_not_valid":
        raise Forbidden(N_("Your account is not yet validated."), code="account_not_valid")
    if outcome.error:
        raise InvalidCredentials(INVALID)
    generation = account.session_generation or 0
    cookie, session = sessions.new_session(account, now, outcome.must_change_password, generation)
    actions = [Account.failed_logins.set(0), Account.last_login_at.set(now),
               Account.active_since.set(now.isoformat())]
    condition = Account.status == rules.VALID
    if outcome.must_change_password:
        # The temporary password opens one session; it can no longer log in, but its hash stays
        # until the change so that the new password can be compared with it.
        actions += [Account.must_change_password.set(True),
                    Account.temporary_password_expires.remove()]
        condition &= Account.temporary_password_hash == account.temporary_password_hash
    else:
        condition &= Account.locked_reason.does_not_exist()
    if outcome.unlock:
        actions += [Account.locked_reason.remove()]
    actions += [Account.activity.set(ACTIVE)]
    try:
        with base.transaction() as tx:
            tx.update(account, actions=actions, condition=condition)
            tx.save(session)
            if outcome.unlock:
                tx.save(audit.record(f"account#{account.id}", account.id, "unlock", now,
                                     before="locked", after=rules.VALID, by="temporary_password"))
    except TransactWriteError:
        raise InvalidCredentials(INVALID) from None
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
