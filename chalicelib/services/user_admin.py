"""The authority back office (SPEC 1.5): accounts of the caller's jurisdiction only."""
from datetime import datetime

from pynamodb.exceptions import TransactWriteError

from ..domain import accounts as rules
from ..domain import normalise
from ..domain.errors import Conflict, Forbidden, Invalid, N_, NotFound
from ..mail import mailer
from ..store import audit, base
from ..store import authorisations as auth
from ..store import organisations as orgs
from ..store.accounts import ACTIVE, Account, in_jurisdiction, status_actions
from .profile import EDITABLE, profile_actions, profile_changes  # noqa: F401 - EDITABLE for the API
from .recovery import send_temporary_password, temporary_password_actions
from .sessions import Current

STATE_CHANGED = N_("This account changed meanwhile; reload it.")


def jurisdiction(current: Current) -> list[str]:
    """The authorities the caller acts for; a person with no valid authority role may not enter."""
    ids = [org for org, kind in current.account.roles.items() if kind == orgs.AUTHORITY]
    if not ids:
        raise Forbidden(N_("This page is for competent authorities."))
    return ids


def target(current: Current) -> Account:
    """The account the request is about, if it is in the caller's jurisdiction (else 404)."""
    account = current.others[0] if current.others else None
    if account is None or account.authority_id not in jurisdiction(current):
        raise NotFound(N_("There is no such account."))
    return account


def summary(account: Account) -> dict:
    return {"id": account.id, "email": account.email, "first_name": account.first_name,
            "last_name": account.last_name, "country": account.country,
            "postal_code": account.postal_code, "city": account.city,
            "organisation": account.organisation_name, "status": account.status,
            "locked": account.locked, "created_at": account.created_at.isoformat()}


def details(account: Account) -> dict:
    """Everything but the secrets."""
    return {**summary(account), "locked_reason": account.locked_reason,
            "language": account.language, "notification_format": account.notification_format,
            "phone": account.phone, "fax": account.fax, "additional_info": account.additional_info,
            "organisation_id": account.organisation_id, "authority_id": account.authority_id,
            "confirmed_at": _iso(account.confirmed_at), "validated_at": _iso(account.validated_at),
            "last_login_at": _iso(account.last_login_at),
            "secret_question_id": account.secret_question_id}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


SEARCH_FIELDS = ("status", "email", "name", "postal_code", "organisation")


def search(current: Current, filters: dict) -> list[dict]:
    status = filters.get("status") or None
    if status and status not in rules.STATUSES:
        raise Invalid({"status": N_("This value is not one of the choices.")})
    words = []
    for field in ("email", "name", "postal_code", "organisation"):
        value = filters.get(field) or ""
        if len(value) > 100:
            raise Invalid({field: N_("This value is too long.")})
        words += value.casefold().split()
    return [summary(a) for a in in_jurisdiction(jurisdiction(current), status, words)]


def _write(account: Account, action: str, current: Current, now: datetime, actions: list,
           condition=None, extra=None, **details):
    """One transaction: the account change (conditional on the status it had), its audit record,
    and whatever else `extra(tx)` adds. Conflict if the account changed meanwhile."""
    before = account.status
    after = rules.next_status(before, action, account.locked)
    check = (Account.status == before) & (Account.authority_id == account.authority_id)
    try:
        with base.transaction() as tx:
            tx.update(account, actions=actions,
                      condition=check & condition if condition is not None else check)
            tx.save(audit.record(f"account#{account.id}", current.account.id, action, now,
                                 before=before, after=after, **details))
            if extra:
                extra(tx)
    except TransactWriteError as error:
        raise Conflict(STATE_CHANGED, code="wrong_state") from error
    return after


def activate(current: Current, now: datetime) -> str:
    """confirmed -> valid; the registration's authorisation request becomes valid in the same
    step (and a new organisation with it); the organisation's first valid person becomes its
    administrator."""
    account = target(current)
    rules.next_status(account.status, "activate")
    try:
        return _activate(account, current, now, administrator=account.expects_administrator)
    except Conflict as conflict:
        # The hint about the organisation's administrators was stale: decide the other way.
        cause = conflict.__cause__
        # Writes: 0 account, 1 its audit, 2 the request, 3 the organisation (see _activate).
        if not isinstance(cause, TransactWriteError) or 3 not in base.cancelled_at(cause):
            raise
        return _activate(account, current, now, administrator=not account.expects_administrator)


def _activate(account: Account, current: Current, now: datetime, administrator: bool) -> str:
    org_id, request_id = account.organisation_id, account.registration_authorisation_id
    Org = orgs.Organisation
    request = auth.Authorisation(request_id)

    def grant(tx):
        tx.update(request, actions=[
            auth.Authorisation.status.set(auth.VALID), auth.Authorisation.administrator.set(administrator),
            auth.Authorisation.decided_at.set(now), auth.Authorisation.decided_by.set(current.account.id),
            auth.Authorisation.status_created.set(f"{auth.VALID}#{now.isoformat()}")],
            condition=auth.Authorisation.status == auth.REQUESTED)
        count = Org.administrator_count
        tx.update(Org(org_id), actions=[Org.status.set(orgs.VALID)]
                  + ([count.set(count + 1)] if administrator else []),
                  condition=Org.status.is_in(orgs.REQUESTED, orgs.VALID) & (
                      (count == 0) | count.does_not_exist() if administrator else count > 0))
        tx.save(audit.record(f"authorisation#{request_id}", current.account.id, "validate", now,
                             before=auth.REQUESTED, after=auth.VALID, administrator=administrator))

    after = _write(account, "activate", current, now, [
        *status_actions(account, rules.VALID), Account.validated_at.set(now),
        Account.activity.set(ACTIVE), Account.active_since.set(now.isoformat()),
        Account.queue.remove(), Account.authority_since.remove(),
        Account.valid_roles[org_id].set(account.role_kind),
        *([Account.administers.add({org_id})] if administrator else []),
    ], extra=grant)
    mailer.send(account.email, "account_activated", account.language, account.notification_format,
                name=account.first_name, email=account.email)
    return after


def refuse(current: Current, reason, now: datetime) -> str:
    account = target(current)
    try:
        reason = normalise.multiline(reason, max_length=1000)
    except normalise.FieldError as error:
        raise Invalid({"reason": str(error)}) from None
    if not reason:
        raise Invalid({"reason": N_("This field is required.")})
    request = auth.Authorisation(account.registration_authorisation_id)

    def reject(tx):
        tx.update(request, actions=[auth.Authorisation.status.set(auth.REJECTED),
                                    auth.Authorisation.decided_at.set(now),
                                    auth.Authorisation.decided_by.set(current.account.id),
                                    auth.Authorisation.status_created.set(f"{auth.REJECTED}#{now.isoformat()}")],
                  condition=auth.Authorisation.status == auth.REQUESTED)

    after = _write(account, "refuse", current, now, [
        *status_actions(account, rules.REFUSED), Account.queue.remove(), Account.authority_since.remove(),
    ], extra=reject, reason=reason)
    mailer.send(account.email, "account_refused", account.language, account.notification_format,
                name=account.first_name, reason=reason)
    return after


def reset_password(current: Current, now: datetime) -> None:
    """A temporary password e-mailed to the person (the authority never sees it); every session
    ends; at the forced change the person may choose a new secret question."""
    account = target(current)
    temporary, actions = temporary_password_actions(now)
    _write(account, "reset_password", current, now, [
        *actions, Account.may_choose_secret_question.set(True), Account.session_generation.add(1)])
    send_temporary_password(account, temporary)


def unlock(current: Current, now: datetime) -> str:
    account = target(current)
    return _write(account, "unlock", current, now, [
        Account.locked_reason.remove(), Account.failed_logins.set(0), Account.activity.set(ACTIVE),
        Account.active_since.set(now.isoformat())], condition=Account.locked_reason.exists())


def delete(current: Current, now: datetime) -> None:
    """Final. The e-mail claim and the audit trail stay, so the address stays reserved."""
    account = target(current)
    _write(account, "delete", current, now, [
        *status_actions(account, rules.DELETED), Account.queue.remove(), Account.activity.remove(),
        Account.authority_since.remove(), Account.session_generation.add(1)])


def save(current: Current, data: dict, now: datetime) -> dict:
    account = target(current)
    changes = profile_changes(data)
    _write(account, "save", current, now, profile_actions(account, changes),
           fields=",".join(sorted(changes)))
    return details(account)
