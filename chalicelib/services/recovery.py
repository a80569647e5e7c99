"""Password recovery and change (SPEC 1.7)."""
from datetime import datetime

from pynamodb.exceptions import TransactWriteError, UpdateError

from .. import reference
from ..config import settings
from ..domain import accounts as rules
from ..domain import registration
from ..domain.errors import Conflict, Invalid, N_
from ..mail import mailer
from ..store import audit, base, faults
from ..store.accounts import Account
from ..store.sessions import Session
from . import attempts, credentials
from .mail_allowance import allowance, by_address
from .sessions import Current

HISTORY = 3


def temporary_password_actions(now: datetime):
    """(temporary password, update actions that store its hash) for a new temporary password."""
    temporary = credentials.temporary_password()
    return temporary, [Account.temporary_password_hash.set(credentials.hash_password(temporary)),
                       Account.temporary_password_expires.set(now + settings.temporary_password_ttl)]


def forgot(email: str, now: datetime) -> None:
    """Always the same answer. A valid or locked account gets a temporary password by e-mail; the
    old password keeps working until the temporary one is used."""
    account = by_address(email)
    temporary, actions = temporary_password_actions(now)   # hashed even for nobody: same timing
    granted = account and allowance(account, now, rules.VALID)
    if not granted:
        return
    window, condition = granted
    try:
        account.update(actions=actions + window, condition=condition)
    except UpdateError as error:
        faults.only_condition(error)
        return
    send_temporary_password(account, temporary)


def send_temporary_password(account: Account, temporary: str) -> None:
    """The *Password reset* e-mail, for the recovery flow and the authority's reset alike."""
    mailer.send(account.email, "password_reset", account.language, account.notification_format,
                name=account.first_name, email=account.email, temporary_password=temporary,
                hours=int(settings.temporary_password_ttl.total_seconds() // 3600))


def change_password(current: Current, data: dict, now: datetime) -> None:
    """The forced change after a temporary password, or a voluntary change (which also asks the
    current password). Both ask the new password twice and the secret answer; after an authority
    reset the person may instead choose a new secret question and answer."""
    account, session = current.account, current.session
    forced = session.must_change_password
    form = registration.FieldCollector()
    new = registration.new_password(form, data, "new_password", "new_password_confirmation", account.email)
    # After an authority reset the person may choose a new question (having forgotten the
    # answer); one who sends no question answers the current one, as after a recovery.
    choose_question = (account.may_choose_secret_question and forced
                       and data.get("secret_question_id") not in (None, ""))
    if choose_question:
        question = form.check("secret_question_id", registration.secret_question,
                              data.get("secret_question_id"), reference.secret_question_ids())
        answer = form.check("secret_answer", registration.secret_answer, data.get("secret_answer"))
    elif not isinstance(data.get("secret_answer"), str) or not data["secret_answer"].strip():
        form.fail("secret_answer", N_("This field is required."))
    if not forced and not isinstance(data.get("current_password"), str):
        form.fail("current_password", N_("This field is required."))
    form.raise_if_any()
    # Who is asking: the current password (voluntary) and the secret answer; a wrong one counts
    # as a failed login.
    if not forced and not credentials.verify_password(account.password_hash, data["current_password"]):
        attempts.record_failure(account, now)
        raise Invalid({"current_password": N_("The current password is not correct.")})
    if not choose_question and not credentials.verify_answer(account.secret_answer_hash, data["secret_answer"]):
        attempts.record_failure(account, now)
        raise Invalid({"secret_answer": N_("This answer is not correct.")})
    previous = [account.temporary_password_hash, *(account.password_history or [])[-HISTORY:]]
    if any(credentials.verify_password(h, new) for h in previous if h):
        raise Invalid({"new_password": N_("Choose a password you have not used recently.")})
    new_hash = credentials.hash_password(new)
    actions = [Account.password_hash.set(new_hash),
               Account.password_history.set([*(account.password_history or []), new_hash][-HISTORY:]),
               Account.temporary_password_hash.remove(), Account.temporary_password_expires.remove(),
               Account.must_change_password.set(False), Account.may_choose_secret_question.set(False),
               Account.failed_logins.set(0), Account.session_generation.add(1)]
    if choose_question:
        actions += [Account.secret_question_id.set(question),
                    Account.secret_answer_hash.set(credentials.hash_answer(answer))]
    generation = (account.session_generation or 0) + 1
    try:
        with base.transaction() as tx:
            tx.update(account, actions=actions,
                      condition=Account.session_generation == account.session_generation)
            # This session lives on; every other one ends with the old generation.
            tx.update(session, actions=[Session.generation.set(generation),
                                        Session.must_change_password.set(False)])
            tx.save(audit.record(f"account#{account.id}", account.id, "change_password", now,
                                 forced=forced))
    except TransactWriteError:
        raise Conflict(N_("Your account changed meanwhile; log in again."), code="stale") from None
    mailer.send(account.email, "credential_changed", account.language,
                account.notification_format, name=account.first_name)
