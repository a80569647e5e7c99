"""Authorisations (SPEC 2.2): a person asks for a role in an organisation; a validator validates,
rejects, suspends or reinstates it, or grants the administrator flag; the person may withdraw a
request. Every decision is one transaction: the authorisation (conditional on its status), the
person's account (valid roles, administered organisations), the organisation (its status and
administrator count) and an audit record."""
import re
import uuid
from datetime import datetime

from pynamodb.exceptions import TransactWriteError

from ..domain import authorisations as rules
from ..domain import normalise
from ..domain import organisations as org_rules
from ..domain.errors import Conflict, Invalid, N_, NotFound
from ..domain.registration import FieldCollector
from ..mail import mailer
from ..store import audit, base, paging
from ..store import authorisations as store
from ..store import organisations as orgs
from ..store.accounts import Account
from ..store.authorisations import Authorisation
from ..store.organisations import Organisation
from .directory import competent_of
from .sessions import Current

CONTACT_FIELDS = ("message", "email", "phone")
REQUEST_FIELDS = ("organisation_id",) + CONTACT_FIELDS
STATE_CHANGED = N_("This role changed meanwhile; reload it.")
_ID = re.compile(r"^[0-9a-f]{32}$")


def contact_fields(value) -> dict:
    """The optional message, e-mail and phone of a request (SPEC 2.2)."""
    if not isinstance(value, dict):
        raise Invalid({"request": N_("This value is not valid.")})
    form = FieldCollector()
    for unknown in sorted(set(value) - set(CONTACT_FIELDS)):
        form.fail(unknown, N_("This field is not expected."))
    found = {
        "message": form.check("message", normalise.multiline, value.get("message"), max_length=1000),
        "email": form.check("email", lambda v: normalise.email(v) if v not in (None, "") else "",
                            value.get("email")),
        "phone": form.check("phone", normalise.phone, value.get("phone")),
    }
    form.raise_if_any()
    return found


def check_kind(account: Account, kind: str) -> None:
    rules.check_role_kind(account.role_kind, bool(account.roles or account.requested_roles), kind)


def _may_not_ask_again(account: Account, organisation_id: str) -> None:
    if organisation_id in account.requested_roles or organisation_id in account.roles:
        raise Conflict(N_("You already have a role or a request in this organisation."),
                       code="already_requested")


def new_request(account: Account, organisation: Organisation, contact: dict, now: datetime,
                competent_id: str | None = None):
    """The request and the writes that record it (for the caller's transaction): the
    authorisation, the account's open request (the condition refuses a second one and a second
    role type, even when two requests race) and the audit record."""
    competent = competent_id or organisation.authority_id
    request = Authorisation(
        uuid.uuid4().hex, account_id=account.id, organisation_id=organisation.id,
        role_kind=organisation.kind, status=rules.REQUESTED, administrator=False,
        message=contact.get("message") or None, email=contact.get("email") or None,
        phone=contact.get("phone") or None, created_at=now.isoformat(),
        status_created=f"{rules.REQUESTED}#{now.isoformat()}", competent_id=competent,
        validator_id=org_rules.validator_of_request(organisation.id, organisation.administrators,
                                                    competent),
        organisation_name=organisation.name, organisation_kind=organisation.kind,
        requester_name=f"{account.first_name} {account.last_name}", requester_email=account.email)
    if request.validator_id:
        request.queue, request.validator_since = rules.REQUESTED, f"{request.validator_id}#{request.created_at}"
    kind_unchanged = Account.role_kind == account.role_kind if account.role_kind \
        else Account.role_kind.does_not_exist()

    def writes(tx):
        tx.save(request, condition=Authorisation.id.does_not_exist())
        tx.update(account, actions=[Account.role_requests[organisation.id].set(request.id),
                                    Account.role_kind.set(organisation.kind)],
                  condition=(Account.status == "valid")
                  & Account.role_requests[organisation.id].does_not_exist()
                  & Account.valid_roles[organisation.id].does_not_exist() & kind_unchanged)
        tx.save(audit.record(f"authorisation#{request.id}", account.id, "request", now,
                             after=rules.REQUESTED, organisation=organisation.id))

    return request, writes


def acknowledge(account: Account, request: Authorisation) -> None:
    mailer.send(account.email, "authorisation_requested", account.language,
                account.notification_format, name=account.first_name,
                organisation=request.organisation_name)


def request(current: Current, data: dict, now: datetime) -> dict:
    """POST /api/authorisations: a role in an organisation of the directory."""
    contact = contact_fields({k: v for k, v in data.items() if k != "organisation_id"})
    organisation_id = data.get("organisation_id")
    organisation = orgs.get(organisation_id) if isinstance(organisation_id, str) \
        and 0 < len(organisation_id) <= 64 else None
    if organisation is None:
        raise NotFound(N_("This organisation is not in the directory."))
    account = current.account
    check_kind(account, organisation.kind)
    _may_not_ask_again(account, organisation.id)
    competent = competent_of(organisation)
    found, writes = new_request(account, organisation, contact, now, competent)
    try:
        with base.transaction() as tx:
            writes(tx)
            tx.condition_check(Organisation, organisation.id,
                               condition=Organisation.status.is_in(org_rules.REQUESTED, org_rules.VALID))
    except TransactWriteError as error:
        if 1 in base.cancelled_at(error):
            raise Conflict(N_("You already have a role or a request in this organisation."),
                           code="already_requested") from None
        raise Conflict(N_("This organisation changed meanwhile; reload it."), code="stale") from error
    acknowledge(account, found)
    return {"id": found.id, "status": found.status}


def view(found: Authorisation, organisation: Organisation | None = None) -> dict:
    return {"id": found.id, "organisation_id": found.organisation_id,
            "organisation_name": found.organisation_name or (organisation.name if organisation else None),
            "organisation_kind": found.organisation_kind or found.role_kind,
            "city": organisation.city if organisation else None,
            "postal_code": organisation.postal_code if organisation else None,
            "country": organisation.country if organisation else None,
            "role_kind": found.role_kind, "status": found.status,
            "administrator": bool(found.administrator), "message": found.message,
            "email": found.email, "phone": found.phone, "created_at": found.created_at,
            "decided_at": found.decided_at.isoformat() if found.decided_at else None,
            "reason": found.reason, "account_id": found.account_id,
            "requester_name": found.requester_name, "requester_email": found.requester_email}


def _with_organisations(found: list[Authorisation]) -> list[dict]:
    """The authorisations with their organisations' place (one BatchGet)."""
    ids = list({a.organisation_id for a in found})
    by_id = {o.id: o for o in Organisation.batch_get(ids)} if ids else {}
    return [view(a, by_id.get(a.organisation_id)) for a in found]


def mine(current: Current) -> dict:
    found = store.of_account(current.account.id)
    counts = {status: 0 for status in rules.STATUSES}
    for item in found:
        counts[item.status] = counts.get(item.status, 0) + 1
    return {"items": _with_organisations(found), "counts": counts}


# What a validator lists: the requests to decide, or the roles to suspend or reinstate.
LISTED = (store.REQUESTED, store.VALID, store.SUSPENDED)
PAGE_SIZE = 50   # roles read and shown per request


def pending(current: Current, status: str | None = None, cursor: str | None = None):
    """A page of the roles in `status` (default: requested) that the caller may decide on: those
    of the organisations they administer, then those routed to an authority or control body they
    hold a valid role in, at most PAGE_SIZE read per request. (items, cursor of the next page)."""
    status = status or store.REQUESTED
    if status not in LISTED:
        raise Invalid({"status": N_("This value is not one of the choices.")})
    account = current.account
    administered = sorted(account.administered)
    validating = [o for o, kind in sorted(account.roles.items())
                  if kind in (org_rules.AUTHORITY, org_rules.CONTROL_BODY)]

    def keep(found: Authorisation, source) -> bool:
        # Requests made at registration have no validator: the account's validation decides
        # them. A role routed to the caller's authority in an organisation they administer is
        # listed once, with that organisation.
        return (found.account_id != account.id and bool(found.validator_id or status != store.REQUESTED)
                and not (source.index is Authorisation.by_validator and found.organisation_id in administered))

    try:
        page = paging.read(store.to_decide(administered, validating, status), cursor, PAGE_SIZE,
                           PAGE_SIZE, keep=keep)
    except ValueError:
        raise Invalid({"cursor": N_("This value is not valid.")}) from None
    return [view(a) for a in page.items], page.cursor


# --- decisions ------------------------------------------------------------------------------

def load(authorisation_id: str, authenticate, actor_id: str | None):
    """The authorisation, then the caller and the person concerned in one read. `authenticate`
    (api.security.current bound to the request) answers 401 before anyone learns what exists."""
    found = store.get(authorisation_id) if _ID.match(authorisation_id or "") else None
    if found is None:
        authenticate()
        raise NotFound(N_("There is no such role."))
    if actor_id == found.account_id:
        current = authenticate()
        return current, found, current.account
    current = authenticate(found.account_id)
    return current, found, current.others[0]


def _authorisation_actions(found: Authorisation, after: str, actor_id: str, now: datetime,
                           reason: str | None) -> list:
    A = Authorisation
    actions = [A.status.set(after), A.status_created.set(f"{after}#{found.created_at}"),
               A.decided_at.set(now), A.decided_by.set(actor_id)]
    if reason:
        actions.append(A.reason.set(reason))
    if after != rules.REQUESTED:
        actions += [A.queue.remove(), A.validator_since.remove()]  # off the digest's queue
    return actions


def _reason(data: dict) -> str | None:
    try:
        return normalise.multiline(data.get("reason"), max_length=1000) or None
    except normalise.FieldError as error:
        raise Invalid({"reason": str(error)}) from None


def decide(current: Current, found: Authorisation, requester: Account | None, action: str,
           data: dict, now: datetime) -> dict:
    """validate | reject | suspend | reinstate | withdraw."""
    actor = current.account
    reason = _reason(data)
    rules.check_may_decide(actor.id, found.account_id, actor.administered, actor.roles,
                           found.organisation_id, found.competent_id, action)
    before = found.status
    after = rules.next_status(before, action)
    if requester is None:
        raise NotFound(N_("There is no such role."))
    if action == "validate":
        # The first person validated in an organisation becomes its administrator; a request
        # routed to the administrators finds some (the condition on the count checks the guess).
        guess = not (found.validator_id or "").startswith("admins:")
        try:
            administrator = _decide(actor, found, requester, action, after, now, reason, guess)
        except Conflict as conflict:
            cause = conflict.__cause__
            if not isinstance(cause, TransactWriteError) or 2 not in base.cancelled_at(cause):
                raise
            administrator = _decide(actor, found, requester, action, after, now, reason, not guess)
    else:
        administrator = _decide(actor, found, requester, action, after, now, reason,
                                bool(found.administrator))
    _notify(requester, found, action, reason, administrator)
    return {"id": found.id, "status": after, "administrator": administrator}


def _decide(actor: Account, found: Authorisation, requester: Account, action: str, after: str,
            now: datetime, reason: str | None, administrator: bool) -> bool:
    """One transaction. Writes: 0 the authorisation, 1 the account, 2 the organisation (when it
    changes), then the audit record."""
    A, Org = Authorisation, Organisation
    org_id, kind = found.organisation_id, found.role_kind
    auth_actions = _authorisation_actions(found, after, actor.id, now, reason)
    account_actions, org_actions, org_condition = [], [], None
    count = Org.administrator_count
    if action in ("validate", "reinstate"):
        account_actions += [Account.valid_roles[org_id].set(kind), Account.role_kind.set(kind),
                            Account.role_requests[org_id].set(found.id)]
        if action == "validate":
            auth_actions.append(A.administrator.set(administrator))
            org_actions.append(Org.status.set(org_rules.VALID))
            org_condition = Org.status.is_in(org_rules.REQUESTED, org_rules.VALID) & (
                ((count == 0) | count.does_not_exist()) if administrator else (count > 0))
        else:
            org_condition = Org.id.exists()
        if administrator:
            account_actions.append(Account.administers.add({org_id}))
            org_actions.append(Org.administrator_count.add(1))
    elif action == "suspend":
        account_actions += [Account.valid_roles[org_id].remove(), Account.session_generation.add(1)]
        if administrator:
            account_actions.append(Account.administers.delete({org_id}))
            org_actions.append(Org.administrator_count.add(-1))
            org_condition = count > 0
    elif action == "reject":
        account_actions += [Account.role_requests[org_id].remove(), Account.session_generation.add(1)]
    elif action == "withdraw":
        account_actions.append(Account.role_requests[org_id].remove())
    try:
        with base.transaction() as tx:
            tx.update(Authorisation(found.id), actions=auth_actions, condition=A.status == found.status)
            tx.update(Account(requester.id), actions=account_actions,
                      condition=Account.status == "valid")
            if org_actions:
                tx.update(Org(org_id), actions=org_actions, condition=org_condition)
            tx.save(audit.record(f"authorisation#{found.id}", actor.id, action, now, before=found.status,
                                 after=after, administrator=administrator, reason=reason))
    except TransactWriteError as error:
        raise Conflict(STATE_CHANGED, code="wrong_state") from error
    return administrator


def set_administrator(current: Current, found: Authorisation, requester: Account | None, value,
                      now: datetime) -> dict:
    """A validator grants or removes the administrator flag of a valid role."""
    if not isinstance(value, bool):
        raise Invalid({"administrator": N_("This value is not valid.")})
    actor = current.account
    rules.check_may_decide(actor.id, found.account_id, actor.administered, actor.roles,
                           found.organisation_id, found.competent_id, "administrator")
    if found.status != rules.VALID or requester is None:
        raise Conflict(N_("This action is not possible for a role in this state."), code="wrong_state")
    if bool(found.administrator) == value:
        return {"id": found.id, "status": found.status, "administrator": value}
    A, Org, org_id = Authorisation, Organisation, found.organisation_id
    try:
        with base.transaction() as tx:
            tx.update(Authorisation(found.id), actions=[A.administrator.set(value)],
                      condition=(A.status == rules.VALID) & (A.administrator == (not value)))
            tx.update(Account(requester.id), actions=[
                Account.administers.add({org_id}) if value else Account.administers.delete({org_id})],
                condition=Account.valid_roles[org_id].exists())
            tx.update(Org(org_id), actions=[Org.administrator_count.add(1 if value else -1)],
                      condition=Org.id.exists() if value else Org.administrator_count > 0)
            tx.save(audit.record(f"authorisation#{found.id}", actor.id,
                                 "grant_administrator" if value else "remove_administrator", now,
                                 before=found.status, after=found.status))
    except TransactWriteError as error:
        raise Conflict(STATE_CHANGED, code="wrong_state") from error
    return {"id": found.id, "status": found.status, "administrator": value}


TEMPLATES = {"validate": "authorisation_validated", "reinstate": "authorisation_validated",
             "reject": "authorisation_rejected", "suspend": "authorisation_suspended"}


def _notify(person: Account, found: Authorisation, action: str, reason: str | None,
            administrator: bool) -> None:
    template = TEMPLATES.get(action)
    if template is None:
        return
    mailer.send(person.email, template, person.language, person.notification_format,
                name=person.first_name, organisation=found.organisation_name or found.organisation_id,
                reason=reason or "", administrator=administrator)
