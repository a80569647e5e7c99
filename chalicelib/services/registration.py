"""Registration (SPEC 1.1) and e-mail confirmation (SPEC 1.2)."""
import uuid
from collections.abc import Callable
from datetime import datetime

from pynamodb.exceptions import TransactWriteError, UpdateError

from .. import reference
from ..config import settings
from ..domain import accounts as rules
from ..domain import jurisdiction, normalise, registration
from ..domain.errors import Expired, Invalid, N_, NotFound
from ..mail import mailer
from ..store import audit, base, faults
from ..store import organisations as orgs
from ..store.accounts import PENDING, Account, EmailClaim, find_by_email, search_text, status_actions
from ..store.authorisations import REQUESTED, Authorisation
from ..store.tokens import CONFIRMATION, Token
from . import credentials
from .mail_allowance import allowance, by_address
from .directory import competent_of, index_fields


def register(data: dict, now: datetime, check_code: Callable[[], None] | None = None) -> None:
    """Creates the account (status new), its organisation request and a confirmation link, in one
    transaction guarded by the e-mail claim. A known e-mail changes nothing and its owner gets a
    notice instead: the caller cannot tell the two apart."""
    form, organisation, new_organisation = check_form(data, now, check_code)
    authority_id = jurisdiction.competent_authority(
        organisation.country, organisation.postal_code or "", reference.departement_authorities(),
        reference.authority_codes())
    account_id, authorisation_id = uuid.uuid4().hex, uuid.uuid4().hex
    password_hash = credentials.hash_password(form.password)
    answer_hash = credentials.hash_answer(form.secret_answer)
    key = normalise.email_key(form.email)
    account = Account(
        account_id, email=form.email, email_key=key, status=rules.NEW, first_name=form.first_name,
        last_name=form.last_name, language=form.language,
        notification_format=form.notification_format, phone=form.phone or None,
        fax=form.fax or None, additional_info=form.additional_info or None,
        secret_question_id=form.secret_question_id, secret_answer_hash=answer_hash,
        password_hash=password_hash, password_history=[password_hash], created_at=now,
        organisation_id=organisation.id, organisation_name=organisation.name,
        registration_authorisation_id=authorisation_id, postal_code=organisation.postal_code or "",
        city=organisation.city or "", country=organisation.country, authority_id=authority_id,
        role_kind=organisation.kind,
        expects_administrator=new_organisation or not organisation.administrator_count)
    account.status_created = f"{rules.NEW}#{now.isoformat()}"
    account.search_text = search_text(account)
    request = Authorisation(authorisation_id, account_id=account_id, organisation_id=organisation.id,
                            role_kind=organisation.kind, status=REQUESTED, email=form.email,
                            phone=form.phone or None, created_at=now.isoformat(),
                            status_created=f"{REQUESTED}#{now.isoformat()}",
                            competent_id=competent_of(organisation))
    token = credentials.new_token()
    try:
        with base.transaction() as tx:
            tx.save(EmailClaim(key, account_id=account_id),
                    condition=EmailClaim.email.does_not_exist())
            tx.save(account)
            tx.save(request)
            if new_organisation:
                tx.save(organisation)
            tx.save(_confirmation(token, account_id, now))
            tx.save(audit.record(f"account#{account_id}", "self", "register", now, after=rules.NEW))
    except TransactWriteError as error:
        if 0 not in base.cancelled_at(error):
            raise
        _notify_existing(key, now)
        return
    _send_confirmation(account, token)


def check_form(data: dict, now: datetime, check_code: Callable[[], None] | None = None):
    """Every rule of the registration form and the anti-automation code at once (Invalid),
    writing nothing; returns the form and its organisation (and whether it is new).

    `check_code` is the anti-automation check when it is on. It runs on every attempt, whatever
    the fields hold (so a code serves once, right or wrong), and its error comes in the same
    answer as every field's: the person corrects the whole form in one round."""
    problems = {}
    form = organisation = new_organisation = None
    try:
        form = registration.parse(data, reference.secret_question_ids(), reference.country_codes())
        organisation, new_organisation = _organisation(form, now)
    except Invalid as error:
        problems.update(error.fields)
    if check_code is not None:
        try:
            check_code()
        except Invalid as error:
            problems.update(error.fields)
    if problems:
        raise Invalid(problems)
    return form, organisation, new_organisation


def _organisation(form, now: datetime):
    """The organisation picked from the directory, or a new one in status `requested`."""
    if form.organisation_id:
        organisation = orgs.get(form.organisation_id)
        if organisation is None or organisation.status != orgs.VALID:
            raise Invalid({"organisation": N_("This organisation is not in the directory.")})
        if organisation.kind != orgs.OPERATOR:
            # Authorities and control bodies do not self-register (SPEC 9): their people are
            # created by the administration, then ask for further roles once logged in.
            raise Invalid({"organisation": N_("Only operators register here; authorities and "
                                              "control bodies get their accounts from the "
                                              "administration.")})
        return organisation, False
    new = form.new_organisation
    organisation_id = uuid.uuid4().hex
    organisation = orgs.Organisation(
        organisation_id, kind=orgs.OPERATOR, status=orgs.REQUESTED, name=new.name,
        country=new.country, city=new.city, postal_code=new.postal_code, address=new.address,
        created_at=now, created_by=None)
    index_fields(organisation)
    return organisation, True


def _confirmation(token: str, account_id: str, now: datetime) -> Token:
    expires = now + settings.confirmation_ttl
    return Token(credentials.token_hash(token), kind=CONFIRMATION, account_id=account_id,
                 expires_at=expires, ttl=expires + settings.confirmation_ttl)


def _send_confirmation(account: Account, token: str) -> None:
    mailer.send(account.email, "confirmation_request", account.language,
                account.notification_format, name=account.first_name, token=token,
                minutes=int(settings.confirmation_ttl.total_seconds() // 60))


def _notify_existing(key: str, now: datetime) -> None:
    """Someone tried to register an address that has an account: tell its owner (rate-limited),
    at the address the owner registered."""
    account = find_by_email(key)
    if account is None or account.status == rules.DELETED or not _take_allowance(account, now):
        return
    mailer.send(account.email, "registration_attempt", account.language,
                account.notification_format, name=account.first_name)


def _take_allowance(account: Account, now: datetime, *more_actions) -> bool:
    granted = allowance(account, now)
    if granted is None:
        return False
    actions, condition = granted
    try:
        account.update(actions=[*actions, *more_actions], condition=condition)
    except UpdateError as error:
        faults.only_condition(error)
        return False
    return True


def peek(token: str, now: datetime) -> dict:
    """What the confirmation page shows before the person presses Confirm (GET does not confirm)."""
    account = Account.get(_token(token, now).account_id)
    return {"email": account.email, "first_name": account.first_name,
            "last_name": account.last_name, "status": account.status}


def confirm(token: str, now: datetime) -> str:
    """new -> confirmed, exactly once: the token is deleted in the same transaction, conditional on
    the account still being new."""
    item = _token(token, now)
    account = Account.get(item.account_id)
    try:
        with base.transaction() as tx:
            tx.delete(item, condition=Token.token_hash.exists())
            tx.update(account, actions=[
                *status_actions(account, rules.CONFIRMED), Account.confirmed_at.set(now),
                Account.queue.set(PENDING),
                Account.authority_since.set(f"{account.authority_id}#{now.isoformat()}"),
            ], condition=Account.status == rules.NEW)
            tx.save(audit.record(f"account#{item.account_id}", "self", "confirm", now,
                                 before=rules.NEW, after=rules.CONFIRMED))
    except TransactWriteError:
        raise NotFound(N_("This link is not valid, or has already been used."),
                       code="invalid_token") from None
    return rules.CONFIRMED


def _token(token: str, now: datetime) -> Token:
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        raise Invalid({"token": N_("This link is not valid, or has already been used.")})
    try:
        item = Token.get(credentials.token_hash(token))
    except Token.DoesNotExist:
        item = None
    if item is None or item.kind != CONFIRMATION:
        raise NotFound(N_("This link is not valid, or has already been used."), code="invalid_token")
    if now >= item.expires_at:
        raise Expired(N_("This link has expired. Ask for a new one."), code="link_expired")
    return item


def resend(email: str, now: datetime) -> None:
    """A new confirmation link for an account still `new`. Unknown or other addresses: nothing,
    and the same answer."""
    account = by_address(email)
    granted = account and allowance(account, now, rules.NEW)
    if not granted:
        return
    actions, condition = granted
    token = credentials.new_token()
    try:
        with base.transaction() as tx:
            tx.update(account, actions=actions, condition=condition)
            tx.save(_confirmation(token, account.id, now))
    except TransactWriteError:
        return
    _send_confirmation(account, token)
