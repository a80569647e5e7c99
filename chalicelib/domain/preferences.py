"""Profile preferences (SPEC 2.2): time zone and which notifications to receive. Only the
digests can be turned off; what concerns the person's own account and roles is always sent."""
from .errors import N_
from .normalise import FieldError

DEFAULT_TIME_ZONE = "Europe/Paris"
OPTIONAL_NOTIFICATIONS = ("user_creation_requests", "role_requests")


def time_zone(value, zones: frozenset[str]) -> str:
    if not isinstance(value, str) or value not in zones:
        raise FieldError(N_("Choose a time zone from the list."))
    return value


def muted(value) -> set[str]:
    """{"user_creation_requests": true, "role_requests": false} -> the kinds turned off."""
    if not isinstance(value, dict) or not set(value) <= set(OPTIONAL_NOTIFICATIONS) or not all(
            isinstance(v, bool) for v in value.values()):
        raise FieldError(N_("This value is not valid."))
    return {kind for kind, wanted in value.items() if not wanted}


def notifications(muted_kinds) -> dict[str, bool]:
    return {kind: kind not in (muted_kinds or ()) for kind in OPTIONAL_NOTIFICATIONS}
