"""Person account life cycle (SPEC 1.8): statuses and transitions as data, and the login rules."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from .errors import Conflict, N_

NEW, CONFIRMED, VALID, REFUSED, DELETED = "new", "confirmed", "valid", "refused", "deleted"
STATUSES = (NEW, CONFIRMED, VALID, REFUSED, DELETED)

LOCK_FAILED_LOGINS, LOCK_INACTIVITY, LOCK_AUTHORITY = "failed_logins", "inactivity", "authority"
MAX_FAILED_LOGINS = 5

# (status, action) -> new status. `locked` is a flag on a valid account, so lock and unlock
# keep the status; the store writes every transition conditionally on the old status.
TRANSITIONS = {
    (NEW, "confirm"): CONFIRMED,
    (CONFIRMED, "activate"): VALID,
    (CONFIRMED, "refuse"): REFUSED,
    (VALID, "lock"): VALID,
    (VALID, "unlock"): VALID,
    (VALID, "reset_password"): VALID,
    (VALID, "reset_second_factor"): VALID,
    (NEW, "save"): NEW,
    (CONFIRMED, "save"): CONFIRMED,
    (VALID, "save"): VALID,
    (REFUSED, "save"): REFUSED,
    (NEW, "delete"): DELETED,
    (CONFIRMED, "delete"): DELETED,
    (VALID, "delete"): DELETED,
    (REFUSED, "delete"): DELETED,
}


def next_status(status: str, action: str, locked: bool = False) -> str:
    """The status after `action`, or Conflict (409) when the action is illegal in `status`."""
    if action == "lock" and locked or action == "unlock" and not locked:
        raise Conflict(N_("This action is not possible for an account in this state."),
                       code="wrong_state")
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        raise Conflict(N_("This action is not possible for an account in this state."),
                       code="wrong_state") from None


@dataclass(frozen=True)
class LoginOutcome:
    """What a login attempt leads to. `error` is None on success."""

    error: str | None = None            # "invalid_credentials" | "account_not_valid"
    count_failure: bool = False
    must_change_password: bool = False
    unlock: bool = False


def login_outcome(status: str, locked: bool, password_ok: bool, temporary_ok: bool,
                  password_retired: bool = False) -> LoginOutcome:
    """SPEC 1.6/1.7. A locked, refused or deleted account answers like a wrong password; only the
    right password on an account awaiting confirmation or validation is told so. A temporary
    password (from recovery) also opens a locked account, and forces a change. The old password
    works until the temporary one is used (`password_retired`), then no more: it is wrong."""
    if password_retired:
        password_ok = False
    if status in (NEW, CONFIRMED):
        return LoginOutcome(error="account_not_valid" if password_ok else "invalid_credentials")
    if status != VALID:
        return LoginOutcome(error="invalid_credentials")
    if temporary_ok:
        return LoginOutcome(must_change_password=True, unlock=locked)
    if locked:
        return LoginOutcome(error="invalid_credentials")
    if not password_ok:
        return LoginOutcome(error="invalid_credentials", count_failure=True)
    return LoginOutcome()


def active_since(last_login_at: datetime | None, validated_at: datetime | None) -> datetime | None:
    """Inactivity counts from the last login, or from validation if the person never logged in."""
    return last_login_at or validated_at


def inactivity_cutoff(now: datetime, limit_days: int) -> datetime:
    """Accounts whose activity is older than this are locked for inactivity."""
    return now - timedelta(days=limit_days)


def is_temporary_password_valid(expires_at: datetime | None, now: datetime) -> bool:
    return expires_at is not None and now < expires_at
