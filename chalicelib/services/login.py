"""Login (SPEC 1.6): the password, then the second step (SPEC 1.9) where the person has one."""
from datetime import datetime

from pynamodb.exceptions import TransactWriteError

from ..domain import accounts as rules
from ..domain.errors import Forbidden, InvalidCredentials, N_
from . import credentials, second_factor, second_step
from .attempts import INVALID, open_session, record_failure
from .mail_allowance import by_address


def log_in(email: str, password: str, now: datetime):
    """(cookie, session, account), or a second_step.Pending when the person has a second factor
    (SPEC 1.9: the password alone opens no session). Unknown e-mail, wrong password, locked,
    refused and deleted accounts all answer the same, after the same one hash verification: what
    was typed is checked against the temporary password's hash if it has a temporary password's
    shape, else against the password's."""
    account = by_address(email)
    temporary = credentials.is_temporary_password(password)
    stored = ((account and rules.is_temporary_password_valid(account.temporary_password_expires, now)
               and account.temporary_password_hash) if temporary else (account and account.password_hash))
    verified = credentials.verify_password(stored, password)
    password_ok, temporary_ok = (False, verified) if temporary else (verified, False)
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
    pending = second_step.begin(account, outcome.must_change_password, outcome.unlock, now)
    if pending:
        return pending
    try:
        return open_session(account, now, outcome.must_change_password, outcome.unlock,
                            must_enrol=second_factor.needs_enrolment(account))
    except TransactWriteError:
        raise InvalidCredentials(INVALID) from None
