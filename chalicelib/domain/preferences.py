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


def applicable(role_kinds, administers: bool) -> tuple[str, ...]:
    """The digests a person may receive, from the kinds of their valid roles and whether they
    administer an organisation: user creation requests go to authorities (SPEC 1.4); role
    requests to those who decide them: authorities, control bodies, administrators (SPEC 2.2)."""
    kinds = set(role_kinds or ())
    found = []
    if "authority" in kinds:
        found.append("user_creation_requests")
    if kinds & {"authority", "control_body"} or administers:
        found.append("role_requests")
    return tuple(found)


def muted(value, offered=OPTIONAL_NOTIFICATIONS) -> set[str]:
    """{"user_creation_requests": true, "role_requests": false} -> the kinds turned off. Only the
    digests `offered` to the person may be named."""
    if not isinstance(value, dict) or not set(value) <= set(offered) or not all(
            isinstance(v, bool) for v in value.values()):
        raise FieldError(N_("This value is not valid."))
    return {kind for kind, wanted in value.items() if not wanted}


def notifications(muted_kinds, offered=OPTIONAL_NOTIFICATIONS) -> dict[str, bool]:
    return {kind: kind not in (muted_kinds or ()) for kind in offered}
