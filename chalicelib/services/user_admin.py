"""The authority back office (SPEC 1.5): accounts of the caller's jurisdiction only."""
from datetime import datetime

from pynamodb.exceptions import TransactWriteError

from .. import reference
from ..domain import accounts as rules
from ..domain import jurisdiction as places
from ..domain import normalise, registration
from ..domain.errors import Conflict, Forbidden, Invalid, N_, NotFound
from ..mail import mailer
from ..store import audit, base
from ..store import authorisations as auth
from ..store import organisations as orgs
from ..store.accounts import ACTIVE, Account, in_jurisdiction, search_text, status_actions
from .directory import index_fields
from .profile import EDITABLE, mail_suppressed, profile_actions, profile_changes  # noqa: F401 - EDITABLE for the API
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
            "mail_suppressed": mail_suppressed(account),
            "language": account.language, "notification_format": account.notification_format,
            "phone": account.phone, "fax": account.fax, "additional_info": account.additional_info,
            "organisation_id": account.organisation_id, "authority_id": account.authority_id,
            "confirmed_at": _iso(account.confirmed_at), "validated_at": _iso(account.validated_at),
            "last_login_at": _iso(account.last_login_at),
            "secret_question_id": account.secret_question_id,
            "second_factors": sorted(value["kind"] for value in account.factors.values())}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


SEARCH_FIELDS = ("status", "email", "name", "postal_code", "organisation", "cursor")
PAGE_SIZE = 50            # accounts shown per page
EVALUATED_PER_PAGE = 300  # accounts one request reads before the text filter: a rare word
                          # takes several pages (each with its cursor), never the whole authority


def search(current: Current, filters: dict):
    """(a page of the accounts that match, the cursor of the next page or None)."""
    status = filters.get("status") or None
    if status and status not in rules.STATUSES:
        raise Invalid({"status": N_("This value is not one of the choices.")})
    words = []
    for field in ("email", "name", "postal_code", "organisation"):
        value = filters.get(field) or ""
        if len(value) > 100:
            raise Invalid({field: N_("This value is too long.")})
        words += value.casefold().split()
    try:
        page = in_jurisdiction(jurisdiction(current), status, words, filters.get("cursor"),
                               EVALUATED_PER_PAGE, PAGE_SIZE)
    except ValueError:
        raise Invalid({"cursor": N_("This value is not valid.")}) from None
    return [summary(a) for a in page.items], page.cursor


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


def reset_second_factor(current: Current, now: datetime) -> str:
    """SPEC 1.9: every factor and recovery code removed, every session ended; the person enrols
    again at the next login."""
    account = target(current)
    after = _write(account, "reset_second_factor", current, now, [
        Account.second_factors.set({}), Account.factors_version.add(1), Account.recovery_codes.remove(),
        Account.recovery_codes_used.remove(), Account.recovery_codes_created_at.remove(),
        Account.session_generation.add(1)])
    mailer.send(account.email, "second_factor_reset", account.language, account.notification_format,
                name=account.first_name)
    return after


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


ORGANISATION_FIELDS = ("name", "address", "postal_code", "city")


def organisation_changes(account: Account, value) -> dict:
    """Edits of the organisation described at registration (SPEC 1.5 "organisation details").
    Its postal code may change only within the same authority's area: the account would
    otherwise leave the jurisdiction of the person editing it."""
    if not isinstance(value, dict) or not value:
        raise Invalid({"organisation": N_("This value is not valid.")})
    form = registration.FieldCollector()
    for field in sorted(set(value) - set(ORGANISATION_FIELDS)):
        form.fail(f"organisation.{field}", N_("This field is not expected."))
    changes = {field: form.check(f"organisation.{field}", normalise.text, value[field],
                                 required=True, max_length=200)
               for field in ("name", "address", "city") if field in value}
    if "postal_code" in value:
        code = form.check("organisation.postal_code", normalise.postal_code, value["postal_code"])
        if code and places.competent_authority(
                account.country, code, reference.departement_authorities(),
                reference.authority_codes()) != account.authority_id:
            form.fail("organisation.postal_code", N_("This postal code is in another authority's area."))
        changes["postal_code"] = code
    form.raise_if_any()
    return changes


def save(current: Current, data: dict, now: datetime) -> dict:
    """Personal fields, and the details of an organisation still waiting for its validation
    (one of the directory's, already valid, is edited in the directory)."""
    account = target(current)
    data = dict(data)
    org_changes = organisation_changes(account, data.pop("organisation")) if "organisation" in data else {}
    changes = profile_changes(data) if data or not org_changes else {}
    actions = profile_actions(account, changes) if changes else []
    extra = None
    if org_changes:
        organisation = orgs.Organisation(account.organisation_id, kind=orgs.OPERATOR,
                                         name=org_changes.get("name", account.organisation_name),
                                         country=account.country,
                                         city=org_changes.get("city", account.city))
        Org = orgs.Organisation
        org_actions = [getattr(Org, field).set(v) for field, v in org_changes.items()] + \
            index_fields(organisation)
        account.organisation_name, account.city = organisation.name, organisation.city
        account.postal_code = org_changes.get("postal_code", account.postal_code)
        actions += [Account.organisation_name.set(account.organisation_name),
                    Account.city.set(account.city), Account.postal_code.set(account.postal_code),
                    Account.search_text.set(search_text(account))]

        def extra(tx):
            tx.update(Org(account.organisation_id), actions=org_actions,
                      condition=Org.status == orgs.REQUESTED)
    try:
        _write(account, "save", current, now, actions, extra=extra,
               fields=",".join(sorted([*changes, *(f"organisation.{f}" for f in org_changes)])))
    except Conflict as conflict:
        # Writes: 0 account, 1 audit, 2 the organisation (see _write).
        cause = conflict.__cause__
        if isinstance(cause, TransactWriteError) and 2 in base.cancelled_at(cause):
            raise Conflict(N_("This organisation is in the directory: edit it there."),
                           code="organisation_in_directory") from None
        raise
    return details(account)
