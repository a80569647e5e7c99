"""A person's own profile (GET/PATCH /api/me)."""
from datetime import datetime

from pynamodb.exceptions import UpdateError

from ..domain import accounts as rules
from .. import reference
from ..domain import normalise, preferences, registration
from ..domain.errors import Conflict, Invalid, N_
from ..store import authorisations as auth
from ..store import faults
from ..store.accounts import Account, search_text
from .sessions import Current


def me(current: Current) -> dict:
    account = current.account
    roles = auth.of_account(account.id)
    counts = {}
    for role in roles:
        counts[role.status] = counts.get(role.status, 0) + 1
    return {
        "id": account.id, "email": account.email, "status": account.status,
        "first_name": account.first_name, "last_name": account.last_name,
        "language": account.language, "notification_format": account.notification_format,
        "phone": account.phone, "fax": account.fax, "additional_info": account.additional_info,
        "organisation": {"id": account.organisation_id, "name": account.organisation_name},
        "role_kind": account.role_kind,
        "secret_question_id": account.secret_question_id,
        "must_change_password": current.session.must_change_password,
        "must_enrol_second_factor": bool(current.session.must_enrol),
        "may_choose_secret_question": account.may_choose_secret_question,
        "authorisations": [{"id": r.id, "organisation_id": r.organisation_id,
                            "role_kind": r.role_kind, "status": r.status,
                            "administrator": r.administrator} for r in roles],
        "authorisation_counts": counts,
        "time_zone": account.time_zone or preferences.DEFAULT_TIME_ZONE,
        "notifications": preferences.notifications(account.muted_notifications, _offered(account)),
        "csrf_token": current.session.csrf_token,
        "mail_suppressed": mail_suppressed(account),
    }


def mail_suppressed(account: Account) -> dict | None:
    """Why this account gets no more mail (SES reported a bounce or a complaint), or None."""
    if not account.mail_suppressed:
        return None
    return {"reason": account.mail_suppressed,
            "since": account.mail_suppressed_at.isoformat() if account.mail_suppressed_at else None}


EDITABLE = ("first_name", "last_name", "phone", "fax", "language", "notification_format",
            "additional_info")


def profile_changes(data: dict) -> dict:
    """Validated values of the editable personal fields present in `data`."""
    form = registration.FieldCollector()
    checks = {
        "first_name": lambda v: normalise.text(v, required=True, max_length=100),
        "last_name": lambda v: normalise.text(v, required=True, max_length=100),
        "phone": normalise.phone, "fax": normalise.phone,
        "language": lambda v: registration.choice(v, registration.LANGUAGES),
        "notification_format": lambda v: registration.choice(v, registration.FORMATS),
        "additional_info": lambda v: normalise.multiline(v, max_length=1000),
    }
    changes = {field: form.check(field, checks[field], data[field]) for field in EDITABLE if field in data}
    form.raise_if_any()
    if not changes:
        raise Invalid({}, N_("Nothing to save."))
    return changes


def profile_actions(account: Account, changes: dict) -> list:
    actions = [getattr(Account, field).set(value or None) if field in ("phone", "fax", "additional_info")
               else getattr(Account, field).set(value) for field, value in changes.items()]
    for field, value in changes.items():
        setattr(account, field, value)
    return actions + [Account.search_text.set(search_text(account))]


PREFERENCES = ("time_zone", "notifications")


def _offered(account: Account) -> tuple[str, ...]:
    return preferences.applicable(account.roles.values(), bool(account.administered))


def preference_actions(account: Account, data: dict) -> list:
    form = registration.FieldCollector()
    actions = []
    if "time_zone" in data:
        zone = form.check("time_zone", preferences.time_zone, data["time_zone"], reference.time_zones())
        actions.append(Account.time_zone.set(zone))
    if "notifications" in data:
        muted = form.check("notifications", preferences.muted, data["notifications"], _offered(account))
        if muted is not None:
            muted = (set(account.muted_notifications or ()) - set(data["notifications"])) | muted
            actions.append(Account.muted_notifications.set(muted) if muted
                           else Account.muted_notifications.remove())
    form.raise_if_any()
    return actions


def update(current: Current, data: dict, now: datetime) -> dict:
    """Personal fields and preferences, in one conditional write."""
    account = current.account
    personal = {k: v for k, v in data.items() if k in EDITABLE}
    chosen = {k: v for k, v in data.items() if k in PREFERENCES}
    actions = preference_actions(account, chosen)
    if personal or not chosen:
        actions = profile_actions(account, profile_changes(personal)) + actions
    try:
        account.update(actions=actions, condition=Account.status == rules.VALID)
    except UpdateError as error:
        faults.only_condition(error)
        raise Conflict(N_("Your account changed meanwhile; log in again."), code="stale") from None
    return me(current)
